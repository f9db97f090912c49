// `vic contact export|erase`: a citizen's request about their data, handled at the server. Both are audited with
// who handled it (`--by LOGIN` of a VIC user, or `--by cli`). See docs/retention.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AttachmentStore } from '../attachments.ts';
import { loadConfig } from '../config.ts';
import { eraseSubjects, exportSubjects, findSubjects, type Requester } from '../retention/subject.ts';
import { Store } from '../store/index.ts';

const USAGE = `usage: vic contact export <phone|email|contact id> --by LOGIN
       vic contact erase <phone|email|contact id> --reason "…" --by LOGIN [--force]`;

function fail(message: string): number {
  process.stderr.write(`${message}\n${USAGE}\n`);
  return 2;
}

/** What erasure keeps, said every time it runs. */
const KEPT = `kept: the ticket rows without personal content (court, channel, times, status, language, scope verdict: the
centre's statistics), and the audit log (who read or changed the tickets; RETENTION_AUDIT_DAYS) with this erasure's
own entry. Backups made before now still hold the data until they are rotated out.`;

export function runContactCommand(args: string[]): number {
  const [command, ...rest] = args;
  if (command !== 'export' && command !== 'erase')
    return fail(command ? `unknown contact command "${command}"` : 'missing contact command');
  const positional: string[] = [];
  const opts: { by?: string; reason?: string; force: boolean } = { force: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--by' || arg === '--reason') {
      const value = rest[++i];
      if (!value?.trim()) return fail(`${arg} needs a value`);
      opts[arg === '--by' ? 'by' : 'reason'] = value.trim();
    } else if (arg === '--force' && command === 'erase') opts.force = true;
    else if (arg.startsWith('--')) return fail(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1)
    return fail(positional.length ? `unexpected argument "${positional[1]}"` : 'missing the phone, e-mail or contact id');
  if (!opts.by) return fail('--by is required: the login of who handles the request, or cli');
  if (command === 'erase' && !opts.reason)
    return fail('--reason is required: the request it answers (its registration number, not the name)');

  const config = loadConfig();
  if (!fs.existsSync(path.join(config.DATA_DIR, 'vic.sqlite'))) {
    process.stderr.write(`no VIC database in ${path.resolve(config.DATA_DIR)} (DATA_DIR)\n`);
    return 1;
  }
  const store = Store.open(config.DATA_DIR);
  try {
    let by: Requester;
    if (opts.by === 'cli') by = { userId: null, login: `cli (${os.userInfo().username})` };
    else {
      const user = store.getUserByLogin(opts.by);
      if (!user?.active) {
        process.stderr.write(`--by: no active VIC user "${opts.by}" (or use --by cli)\n`);
        return 1;
      }
      by = { userId: user.id, login: user.login };
    }
    const ids = findSubjects(store, positional[0]);
    if (!ids.length) {
      process.stderr.write(`no contact found for "${positional[0]}"\n`);
      return 1;
    }
    const now = Date.now();
    if (command === 'export') {
      process.stdout.write(`${JSON.stringify(exportSubjects(store, ids, by, now), null, 2)}\n`);
      return 0;
    }
    const attachments = new AttachmentStore(store.attachmentsDir, config.MAX_ATTACHMENT_BYTES);
    const r = eraseSubjects({ store, attachments }, ids, { by, reason: opts.reason!, force: opts.force, now });
    if ('refused' in r) {
      for (const c of r.refused) process.stderr.write(`contact ${c.contactId} has open tickets: ${c.openTickets.join(', ')}\n`);
      process.stderr.write('refused: an operator may be answering them; resolve them first, or erase anyway with --force\n');
      return 1;
    }
    for (const c of r.erased) {
      process.stdout.write(`contact ${c.contactId} erased: ${c.tickets} tickets, ${c.messages} messages, ${c.attachments} attachments\n`);
    }
    process.stdout.write(`${r.files} attachment files deleted\n${KEPT}\n`);
    return 0;
  } finally {
    store.close();
  }
}
