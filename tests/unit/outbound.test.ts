// Which message a reply answers and which chain it carries (RFC 5322 §3.6.4), from what the ticket holds.
import { describe, expect, it } from 'vitest';
import { outboundFor, replyReferences } from '../../src/outbound.ts';
import { SATURDAY_NIGHT, envelope, makeVic } from '../helpers.ts';

const email = (
  id: string,
  over: { from?: string; inReplyTo?: string; references?: string[]; subject?: string; noAutoReply?: boolean } = {},
) =>
  envelope({
    channel: 'email',
    account: 'vic@court.test',
    externalId: id,
    sender: { kind: 'email', address: over.from ?? 'citizen@mail.kz' },
    thread: {
      messageId: id,
      ...(over.inReplyTo ? { inReplyTo: over.inReplyTo } : {}),
      ...(over.references ? { references: over.references } : {}),
      subject: over.subject ?? 'Вопрос',
    },
    ...(over.noAutoReply ? { noAutoReply: true } : {}),
  });

describe('reply threading', () => {
  it("answers the citizen's latest message, not our auto-reply, a note, our earlier reply or a bounce", async () => {
    const { vic } = await makeVic({}, SATURDAY_NIGHT);
    const { ticketId } = vic.ingest(email('<a@mail.kz>'));
    const auto = vic.store.listMessages(ticketId).find((m) => m.auto === 'off-hours')!;
    // The auto-reply went out: it now carries our Message-ID, as every sent e-mail does.
    vic.store.setDelivery(auto.id, 'sent', null, '<vic-out-2.x@court.test>');
    const admin = vic.store.getUserByLogin('admin')!;
    vic.tickets.post(admin, ticketId, 'note', 'заметка');
    const { messageId: c } = vic.tickets.post(admin, ticketId, 'reply', 'ответ');
    vic.store.setDelivery(c, 'sent', null, '<vic-out-3.x@court.test>');
    // The mail server's bounce of our reply joins the ticket (another sender): it is not what we answer.
    expect(
      vic.ingest(
        email('<bounce@mx.mail.kz>', { from: 'mailer-daemon@mx.mail.kz', inReplyTo: '<vic-out-3.x@court.test>', noAutoReply: true }),
      ).ticketId,
    ).toBe(ticketId);

    const out = outboundFor(vic.store, vic.store.getTicket(ticketId)!, 99, 'ещё ответ');
    expect(out).toMatchObject({ inReplyTo: '<a@mail.kz>', references: ['<a@mail.kz>'] });
    await vic.close();
  });

  it("carries the chain from the root even when the citizen's program dropped it", async () => {
    const { vic } = await makeVic();
    const { ticketId } = vic.ingest(
      email('<a@mail.kz>', { inReplyTo: '<old@court.test>', references: ['<older@court.test>', '<old@court.test>'] }),
    );
    vic.ingest(email('<b@mail.kz>', { subject: `[${vic.store.getTicket(ticketId)!.ref}] ещё` }));
    const out = outboundFor(vic.store, vic.store.getTicket(ticketId)!, 99, 'ответ');
    expect(out).toMatchObject({
      inReplyTo: '<b@mail.kz>',
      references: ['<older@court.test>', '<old@court.test>', '<a@mail.kz>', '<b@mail.kz>'],
    });
    await vic.close();
  });

  it("trims a long chain to the root, the ticket's first message and the newest", () => {
    const ids = Array.from({ length: 40 }, (_, i) => `<m${i}@x>`);
    const refs = replyReferences({ id: ids[5], refs: ids.slice(0, 5) }, { id: ids[39], refs: ids.slice(0, 39) }, 10);
    expect(refs).toEqual([ids[0], ids[5], ...ids.slice(32)]);
    expect(replyReferences({ id: '<a@x>', refs: [] }, { id: '<a@x>', refs: [] })).toEqual(['<a@x>']);
  });
});
