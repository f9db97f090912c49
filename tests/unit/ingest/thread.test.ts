import { describe, expect, it } from 'vitest';
import type { InboundEnvelope } from '../../../src/envelope.ts';
import { envelope, makeVic } from '../../helpers.ts';

const mail = (id: string, over: Partial<InboundEnvelope> & { inReplyTo?: string; references?: string[]; subject?: string } = {}) => {
  const { inReplyTo, references, subject, ...rest } = over;
  return envelope({
    channel: 'email',
    externalId: id,
    sender: { kind: 'email', address: 'citizen@mail.kz' },
    thread: { messageId: id, inReplyTo, references, subject: subject ?? 'Вопрос' },
    text: 'Добрый день, подскажите по делу',
    ...rest,
  });
};

describe('thread step: e-mail', () => {
  it('follows a reply chain through In-Reply-To and References, including our own replies', async () => {
    const { vic } = await makeVic();
    const first = vic.ingest(mail('<a@x>'));
    const reply = vic.ingest(mail('<b@x>', { inReplyTo: '<a@x>', references: ['<a@x>'] }));
    expect(reply.ticketId).toBe(first.ticketId);
    // A client that drops In-Reply-To but keeps References.
    const third = vic.ingest(mail('<c@x>', { references: ['<a@x>', '<b@x>'] }));
    expect(third.ticketId).toBe(first.ticketId);
  });

  it('threads a reply to the operator’s answer by the answer’s Message-ID', async () => {
    const { vic } = await makeVic();
    const first = vic.ingest(mail('<q1@x>'));
    const out = vic.store.insertMessage({
      ticketId: first.ticketId,
      direction: 'out',
      channel: 'email',
      externalId: '<answer@vic>',
      text: 'Ответ',
      now: 1,
    });
    expect(out).toBeGreaterThan(0);
    const r = vic.ingest(mail('<q2@x>', { inReplyTo: '<answer@vic>', references: ['<rewritten-by-outlook@x>'] }));
    expect(r.ticketId).toBe(first.ticketId);
  });

  it('picks the newest known reference when a chain spans two tickets', async () => {
    const { vic } = await makeVic();
    const t1 = vic.ingest(mail('<t1@x>'));
    const t2 = vic.ingest(mail('<t2@x>', { sender: { kind: 'email', address: 'other@mail.kz' } }));
    expect(t2.ticketId).not.toBe(t1.ticketId);
    const r = vic.ingest(mail('<t3@x>', { references: ['<t1@x>', '<t2@x>'] }));
    expect(r.ticketId).toBe(t2.ticketId);
  });

  it('falls back to the ticket reference in the subject when the headers are lost', async () => {
    const { vic } = await makeVic();
    const first = vic.ingest(mail('<s1@x>'));
    const ref = vic.store.getTicket(first.ticketId)!.ref;
    const r = vic.ingest(mail('<s2@x>', { subject: `RE: Вопрос [${ref}]`, inReplyTo: '<unknown@outlook>' }));
    expect(r.ticketId).toBe(first.ticketId);
  });

  it('opens a new ticket for a new e-mail from the same citizen without reply headers', async () => {
    const { vic } = await makeVic();
    const a = vic.ingest(mail('<n1@x>'));
    const b = vic.ingest(mail('<n2@x>', { subject: 'Другой вопрос' }));
    expect(b.ticketCreated).toBe(true);
    expect(b.ticketId).not.toBe(a.ticketId);
  });

  it('reopens a resolved ticket on a reply within the window and opens a new one after it', async () => {
    const { vic, clock } = await makeVic({ REOPEN_WINDOW_HOURS: 72 });
    const admin = vic.store.getUserByLogin('admin')!;
    const a = vic.ingest(mail('<r1@x>'));
    vic.tickets.resolve(admin, a.ticketId);
    clock.advance(24 * 3_600_000);
    const b = vic.ingest(mail('<r2@x>', { inReplyTo: '<r1@x>' }));
    expect(b.ticketId).toBe(a.ticketId);
    expect(vic.store.getTicket(a.ticketId)!.status).not.toBe('resolved');
    vic.tickets.resolve(admin, a.ticketId);
    clock.advance(100 * 3_600_000);
    const c = vic.ingest(mail('<r3@x>', { inReplyTo: '<r2@x>' }));
    expect(c.ticketCreated).toBe(true);
  });
});

describe('thread step: chat and calls', () => {
  it('continues the contact’s open ticket', async () => {
    const { vic } = await makeVic();
    const a = vic.ingest(envelope());
    const b = vic.ingest(envelope({ text: 'И ещё вопрос' }));
    expect(b.ticketId).toBe(a.ticketId);
    expect(vic.store.listMessages(a.ticketId).filter((m) => m.direction === 'in')).toHaveLength(2);
  });

  it('reopens a recently resolved ticket, and starts a new one after the window', async () => {
    const { vic, clock } = await makeVic({ REOPEN_WINDOW_HOURS: 48 });
    const admin = vic.store.getUserByLogin('admin')!;
    const a = vic.ingest(envelope());
    vic.tickets.resolve(admin, a.ticketId);
    clock.advance(3_600_000);
    expect(vic.ingest(envelope({ text: 'Спасибо, ещё вопрос' })).ticketId).toBe(a.ticketId);
    vic.tickets.resolve(admin, a.ticketId);
    clock.advance(49 * 3_600_000);
    expect(vic.ingest(envelope({ text: 'Новый вопрос' })).ticketCreated).toBe(true);
  });
});
