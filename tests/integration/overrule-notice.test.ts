// An overrule of the appeal filter (#16): the ticket answers who decided, when and why (not only the audit log), and
// the citizen, who was told their message is an appeal, is told in their language that it was taken after all,
// through the outbox like the other automatic messages; a call gets no text.
import { describe, expect, it } from 'vitest';
import { appealReply, overruleReply } from '../../routing/scope/appeal-reply.ts';
import { addUser, envelope, makeVic, serve, WORKING } from '../helpers.ts';
import { json, type TicketView } from './json.ts';

async function setup() {
  const { vic, clock } = await makeVic();
  const server = await serve(vic);
  const op = await addUser(vic, 'op', 'operator', 'sko-regional');
  const { api } = await server.login('op', 'password-123');
  return { vic, clock, op, api };
}

const outbox = (vic: Awaited<ReturnType<typeof setup>>['vic'], messageId: number) =>
  vic.store.db.prepare(`SELECT channel, payload FROM outbox WHERE message_id = ?`).get(messageId) as
    { channel: string; payload: string } | undefined;

describe('an overruled appeal verdict', () => {
  it('tells the citizen in their language through the outbox, and the ticket shows who decided and why', async () => {
    const { vic, clock, api } = await setup();
    for (const [text, lang] of [
      ['Требую отменить постановление о штрафе, оно незаконное', 'ru'],
      ['Сот мені жазықсыз соттады, үкімді жойыңдар! Қайта қарауды сұраймын', 'kk'],
    ] as const) {
      const { ticketId } = vic.ingest(envelope({ text, sender: { kind: 'whatsapp', address: `7701555${lang === 'ru' ? 1 : 2}000@c.us` } }));
      const t = vic.store.getTicket(ticketId)!;
      expect(t).toMatchObject({ status: 'out_of_scope', language: lang });
      expect(vic.store.listMessages(ticketId).filter((m) => m.auto === 'appeal')[0].text).toBe(appealReply(lang, t.ref));
      clock.set(WORKING + 60_000);
      const res = await api.post(`/api/tickets/${ticketId}/scope`, { verdict: 'in_scope', reason: 'Спрашивает о сроках' });
      expect(res.status).toBe(200);

      const notices = vic.store.listMessages(ticketId).filter((m) => m.auto === 'overrule');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatchObject({ direction: 'out', channel: 'whatsapp', text: overruleReply(lang, t.ref), authorId: null });
      const queued = outbox(vic, notices[0].id)!;
      expect(queued.channel).toBe('whatsapp');
      expect(JSON.parse(queued.payload)).toMatchObject({ to: `7701555${lang === 'ru' ? 1 : 2}000@c.us`, text: overruleReply(lang, t.ref) });
      const audit = vic.store.auditOf('ticket', ticketId).find((a) => a.action === 'ticket.scope_overruled')!;
      expect(JSON.parse(String(audit.details))).toMatchObject({ reason: 'Спрашивает о сроках', messageId: notices[0].id });

      const view = json<TicketView>(await api.get(`/api/tickets/${ticketId}`));
      expect(view.scopeVerdict).toBe('in_scope');
      expect(view.scopeDecision).toMatchObject({
        label: 'in_scope',
        source: 'overrule',
        userName: 'op',
        reason: 'Спрашивает о сроках',
        createdAt: WORKING + 60_000,
      });
    }
    expect(overruleReply('kk', 'VIC-2026-00001')).toContain('жұмысқа алынды');
    expect(overruleReply('ru', 'VIC-2026-00001')).toContain('принято в работу');
    expect(overruleReply('mixed', 'VIC-2026-00001')).toBe(
      `${overruleReply('kk', 'VIC-2026-00001')}\n\n${overruleReply('ru', 'VIC-2026-00001')}`,
    );
  });

  it('sends nothing on a call', async () => {
    const { vic, api } = await setup();
    const from = '+77015553000';
    const { ticketId } = vic.ingest(
      envelope({
        channel: 'sip',
        externalId: 'call-overrule',
        text: '',
        sender: { kind: 'phone', address: from },
        call: { callId: 'call-overrule', from, to: '+77152000000', outcome: 'missed', startedAt: WORKING },
      }),
    );
    expect((await api.post(`/api/tickets/${ticketId}/scope`, { verdict: 'appeal', reason: 'Оспаривает приговор' })).status).toBe(200);
    expect((await api.post(`/api/tickets/${ticketId}/scope`, { verdict: 'in_scope', reason: 'Ошибся' })).status).toBe(200);
    expect(vic.store.listMessages(ticketId).filter((m) => m.direction === 'out')).toEqual([]);
    const view = json<TicketView>(await api.get(`/api/tickets/${ticketId}`));
    expect(view.scopeDecision).toMatchObject({ label: 'in_scope', source: 'overrule', reason: 'Ошибся' });
  });
});
