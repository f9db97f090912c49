// Canned answers as a ticket sees them: which language's answers it offers, and the text with its placeholders
// filled. Both pickers (the `/` list and the select) preview and insert through fillCanned, so what is shown is
// what goes into the composer.
import type { TicketDetail } from './api.ts';

/** The ticket's language for canned answers: kk or ru, or null when unknown or mixed (then both are offered). */
export function cannedLang(ticket: Pick<TicketDetail, 'language' | 'contact'>): 'kk' | 'ru' | null {
  const l = ticket.language ?? ticket.contact.language;
  return l === 'kk' || l === 'ru' ? l : null;
}

/** A canned answer with {ref} and {name} filled in; without a name, "Здравствуйте, {name}!" reads "Здравствуйте!". */
export function fillCanned(text: string, ticket: Pick<TicketDetail, 'ref' | 'contactName'>): string {
  const name = ticket.contactName?.trim() ?? '';
  let out = text.replaceAll('{ref}', ticket.ref);
  out = name ? out.replaceAll('{name}', name) : out.replace(/[ \t]*,?[ \t]*\{name\}/g, '');
  return out;
}
