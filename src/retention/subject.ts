// A citizen's request about their own data (the Law "On personal data and their protection" gives them the right
// to know what is held and to have it destroyed): everything held about them as JSON, or its erasure now,
// whatever its age. Both are audited with who ran them. What erasure keeps, and why, is in docs/retention.md.
import fs from 'node:fs';
import type { AttachmentStore } from '../attachments.ts';
import { surveyOfTicket } from '../csat/store.ts';
import { normalizePhone } from '../ingest/steps/contact.ts';
import type { Store } from '../store/index.ts';
import { MARKERS, REMOVED_ATTACHMENT } from './policy.ts';

/** Who handled the request: a VIC user, or `cli` (whoever runs the server, not a VIC user). */
export interface Requester {
  userId: number | null;
  login: string;
}

/**
 * The contacts a phone number, an e-mail address, a WhatsApp id or a contact id names. A phone is looked up as a
 * phone and as the WhatsApp id it would have; short plain digits are a contact id.
 */
export function findSubjects(store: Store, query: string): number[] {
  const q = query.trim();
  if (/^\d{1,9}$/.test(q)) return store.getContact(Number(q)) ? [Number(q)] : [];
  if (q.includes('@')) {
    const a = q.toLowerCase();
    return store.contactsByIdentity(/@(c\.us|lid)$/.test(a) ? [{ kind: 'whatsapp', address: a }] : [{ kind: 'email', address: a }]);
  }
  const phone = normalizePhone(q);
  if (!phone) return [];
  return store.contactsByIdentity([
    { kind: 'phone', address: phone },
    { kind: 'whatsapp', address: `${phone.slice(1)}@c.us` },
  ]);
}

/**
 * Everything held about one contact: its identities, tickets with their messages, attachments' metadata, calls,
 * escalations and their rating of the answer.
 */
function exportContact(store: Store, contactId: number) {
  const { identities, ...contact } = store.getContact(contactId)!;
  const tickets = store.ticketsOfSubject(contactId).map(({ id, anonymisedAt }) => {
    const t = store.getTicket(id)!;
    return {
      ref: t.ref,
      court: t.courtCode,
      channel: t.channel,
      status: t.status,
      subject: t.subject,
      caseNumber: t.caseNumber,
      language: t.language,
      createdAt: t.createdAt,
      resolvedAt: t.resolvedAt,
      anonymisedAt,
      messages: store.listMessages(id).map((m) => ({
        id: m.id,
        direction: m.direction,
        channel: m.channel,
        author: m.authorName,
        auto: m.auto,
        text: m.text,
        subject: m.subject,
        deliveryStatus: m.deliveryStatus,
        createdAt: m.createdAt,
      })),
      attachments: store.listAttachments(id).map(({ id: attachmentId, messageId, filename, contentType, size, sha256, droppedReason }) => ({
        id: attachmentId,
        messageId,
        filename,
        contentType,
        size,
        sha256,
        droppedReason,
      })),
      calls: store
        .listCalls(id)
        .map((c) => ({ from: c.from, to: c.to, outcome: c.outcome, startedAt: c.startedAt, answeredAt: c.answeredAt, endedAt: c.endedAt })),
      escalations: store
        .listEscalations(id)
        .map((e) => ({ question: e.question, status: e.status, createdAt: e.createdAt, closedAt: e.closedAt })),
      rating: rating(store, id),
    };
  });
  return {
    contact: { ...contact, anonymisedAt: store.contactAnonymisedAt(contactId) ?? null },
    identities,
    tickets,
    messagesOnOtherTickets: store.messagesOfSubjectElsewhere(contactId),
  };
}

function rating(store: Store, ticketId: number) {
  const s = surveyOfTicket(store, ticketId);
  return s ? { sentAt: s.sentAt, score: s.score, comment: s.comment, answeredVia: s.answeredVia, answeredAt: s.answeredAt } : null;
}

/** The export of each contact, each audited (`contact.exported`): it is a read of citizen data. */
export function exportSubjects(store: Store, contactIds: number[], by: Requester, now: number) {
  const contacts = contactIds.map((id) => exportContact(store, id));
  for (const [i, id] of contactIds.entries()) {
    const c = contacts[i];
    store.audit({
      at: now,
      userId: by.userId,
      action: 'contact.exported',
      entity: 'contact',
      entityId: id,
      details: { by: by.login, tickets: c.tickets.length },
    });
  }
  return { exportedAt: new Date(now).toISOString(), contacts };
}

export interface EraseResult {
  contactId: number;
  tickets: number;
  messages: number;
  attachments: number;
}

/** `files`: attachment files deleted from disk. */
export type EraseOutcome = { erased: EraseResult[]; files: number } | { refused: { contactId: number; openTickets: string[] }[] };

/**
 * Anonymises the contacts and everything of theirs now: tickets' content, their messages on others' tickets,
 * attachments (files deleted once nothing refers to them). Refused while one of their tickets is open or waiting
 * unless `force`: an operator may be answering it. The ticket rows and the audit log stay (docs/retention.md).
 */
export function eraseSubjects(
  deps: { store: Store; attachments: AttachmentStore },
  contactIds: number[],
  o: { by: Requester; reason: string; force: boolean; now: number },
): EraseOutcome {
  const { store } = deps;
  const refused = contactIds
    .map((contactId) => ({
      contactId,
      openTickets: store
        .ticketsOfSubject(contactId)
        .filter((t) => (t.status === 'open' || t.status === 'waiting') && t.anonymisedAt === null)
        .map((t) => t.ref),
    }))
    .filter((r) => r.openTickets.length > 0);
  if (refused.length && !o.force) return { refused };

  const shas = new Set<string>();
  const erased = store.tx(() =>
    contactIds.map((contactId): EraseResult => {
      const tickets = store.ticketsOfSubject(contactId);
      const attachmentIds = store.subjectAttachments(
        tickets.map((t) => t.id),
        contactId,
      );
      if (attachmentIds.length) for (const sha of store.removeAttachments(attachmentIds, REMOVED_ATTACHMENT.erasure, o.now)) shas.add(sha);
      // Tickets anonymised by the retention job already keep no content.
      const pending = tickets.filter((t) => t.anonymisedAt === null).map((t) => t.id);
      const content = pending.length ? store.anonymiseTickets(pending, MARKERS.erasure, o.now) : { messages: 0 };
      const elsewhere = store.anonymiseMessagesOf(contactId, MARKERS.erasure);
      store.anonymiseContacts([contactId], o.now);
      const r = { contactId, tickets: pending.length, messages: content.messages + elsewhere, attachments: attachmentIds.length };
      store.audit({
        at: o.now,
        userId: o.by.userId,
        action: 'contact.erased',
        entity: 'contact',
        entityId: contactId,
        details: { by: o.by.login, reason: o.reason, force: o.force, tickets: r.tickets, messages: r.messages, attachments: r.attachments },
      });
      return r;
    }),
  );
  // After commit: a file goes once no row refers to it (another citizen may have sent the same file).
  let files = 0;
  for (const sha of shas) {
    const file = deps.attachments.pathOf(sha);
    if (store.attachmentRefs(sha) === 0 && file && fs.existsSync(file)) {
      fs.unlinkSync(file);
      files++;
    }
  }
  return { erased, files };
}
