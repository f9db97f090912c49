import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../src/case-import.ts';
import type { ChannelAdapter, OutboundMessage } from '../../src/channels.ts';
import type { EscalationService } from '../../src/escalations.ts';
import { addUser, envelope, makeVic, nextEvent, serve } from '../helpers.ts';
import { json, responseJson, type EscalationRow, type Page, type TicketRow, type TicketView } from './json.ts';

const CSV = `case_number,court,judge,specialist_login
№ 5999-25-00-2/417,sko-regional,Иванов И.И.,secretary
7599-24-00-2A/8554,sko-regional,Петров П.П.,clerk
not-a-number,sko-regional,X,secretary
5999-25-00-2/418,no-such-court,X,secretary
5999-25-00-2/419,sko-regional,X,op
`;

async function setup() {
  const { vic, clock } = await makeVic();
  const op = await addUser(vic, 'op', 'operator');
  const secretary = await addUser(vic, 'secretary', 'specialist');
  vic.store.updateUser(secretary.id, { title: 'Секретарь судебного заседания' });
  const clerk = await addUser(vic, 'clerk', 'specialist');
  const server = await serve(vic);
  const admin = (await server.login('admin', 'admin-secret-1')).api;
  const imported = await fetch(`${server.base}/api/case-assignments`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', cookie: (await server.login('admin', 'admin-secret-1')).cookie },
    body: CSV,
  }).then((r) => responseJson<ImportReport>(r));
  return { vic, clock, server, admin, op, secretary, clerk, imported };
}

describe('escalation to the specialist handling the matter', () => {
  it('imports the case directory with a per-line error report, idempotently', async () => {
    const { server, admin, imported } = await setup();
    expect(imported).toMatchObject({ new: 2, updated: 0, unchanged: 0 });
    expect(imported.errors.map((e) => e.line)).toEqual([4, 5, 6]);
    expect(imported.errors[2].error).toMatch(/not an active specialist/);
    const again = await fetch(`${server.base}/api/case-assignments`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', cookie: (await server.login('admin', 'admin-secret-1')).cookie },
      body: CSV,
    }).then((r) => responseJson<ImportReport>(r));
    expect(again).toMatchObject({ new: 0, updated: 0, unchanged: 2 });
    expect((await admin.post('/api/case-assignments', { x: 1 })).status).toBe(415);
  });

  it('suggests the specialist of the case number written in the message', async () => {
    const { vic, server, secretary } = await setup();
    const r = vic.ingest(envelope({ text: 'Когда заседание по делу № 5999-25-00-2/417?' }));
    const { api } = await server.login('op', 'password-123');
    const s = json<ReturnType<EscalationService['suggest']>>(await api.get(`/api/tickets/${r.ticketId}/specialists`));
    expect(s.caseNumbers).toEqual(['5999-25-00-2/417']);
    expect(s.items[0]).toMatchObject({ userId: secretary.id, reason: 'case' });
  });

  it('escalates: only that specialist is notified, the citizen is told, the specialist’s signed reply goes out, hand-back returns it', async () => {
    const { vic, clock, server, op, secretary } = await setup();
    const sent: OutboundMessage[] = [];
    const wa: ChannelAdapter = {
      name: 'whatsapp',
      start: async () => {},
      stop: async () => {},
      health: () => ({ state: 'connected', since: 0 }),
      send: (m) => (sent.push(m), Promise.resolve({})),
    };
    vic.registry.register(wa);
    const r = vic.ingest(envelope({ text: 'Когда заседание по делу № 5999-25-00-2/417?' }));
    const opLogin = await server.login('op', 'password-123');
    const secLogin = await server.login('secretary', 'password-123');
    const clerkLogin = await server.login('clerk', 'password-123');
    const secSocket = await server.socket(secLogin.cookie);
    const clerkSocket = await server.socket(clerkLogin.cookie);
    const clerkEvents: string[] = [];
    clerkSocket.onAny((name: string) => clerkEvents.push(name));

    // The specialist cannot open it before it is escalated to them.
    expect((await secLogin.api.get(`/api/tickets/${r.ticketId}`)).status).toBe(403);
    const notified = nextEvent<{ escalation: EscalationRow }>(secSocket, 'escalation.created');
    const esc = await opLogin.api.post(`/api/tickets/${r.ticketId}/escalate`, {
      specialistId: secretary.id,
      question: 'Уточните дату заседания',
    });
    expect(esc.status).toBe(200);
    expect(json<{ ticket: TicketRow }>(esc).ticket).toMatchObject({
      specialistId: secretary.id,
      specialistName: 'secretary',
      assigneeId: op.id,
    });
    expect((await notified).escalation).toMatchObject({ question: 'Уточните дату заседания', toUserId: secretary.id });

    const seen = await secLogin.api.get(`/api/tickets/${r.ticketId}`);
    expect(seen.status).toBe(200);
    expect(json<TicketView>(seen).escalations[0]).toMatchObject({ status: 'open', question: 'Уточните дату заседания' });
    expect(json<TicketView>(seen).escalations[0].pickedUpAt).toBe(clock.now());
    expect(json<Page<TicketRow>>(await secLogin.api.get('/api/tickets')).items.map((t) => t.id)).toEqual([r.ticketId]);

    await secLogin.api.post(`/api/tickets/${r.ticketId}/messages`, { kind: 'reply', text: 'Заседание назначено на 10 декабря, 10:00.' });
    await vic.outbox.tick();
    expect(sent.map((m) => m.text)).toEqual([
      expect.stringMatching(/передано ответственному специалисту/),
      'Заседание назначено на 10 декабря, 10:00.\n\n— Секретарь судебного заседания',
    ]);

    const back = await secLogin.api.post(`/api/tickets/${r.ticketId}/hand-back`, { note: 'Ответила гражданину' });
    expect(json<{ ticket: TicketRow }>(back).ticket).toMatchObject({ specialistId: null, assigneeId: op.id });
    expect((await secLogin.api.get(`/api/tickets/${r.ticketId}`)).status).toBe(403);
    const timeline = json<TicketView>(await opLogin.api.get(`/api/tickets/${r.ticketId}`));
    expect(timeline.escalations[0].status).toBe('answered');
    expect(vic.store.auditOf('ticket', r.ticketId).map((a) => a.action)).toEqual(
      expect.arrayContaining(['ticket.escalated', 'ticket.reply', 'ticket.handed_back']),
    );
    expect(clerkEvents).toEqual([]);
  });

  it('alerts the operator when the specialist does not pick up in time (working time, injected clock)', async () => {
    const { vic, clock, server, secretary } = await setup();
    const r = vic.ingest(envelope({ text: 'Вопрос по делу 5999-25-00-2/417' }));
    const opLogin = await server.login('op', 'password-123');
    const opSocket = await server.socket(opLogin.cookie);
    await opLogin.api.post(`/api/tickets/${r.ticketId}/escalate`, {
      specialistId: secretary.id,
      question: 'Нужна дата',
      notifyCitizen: false,
    });
    const due = vic.store.openEscalation(r.ticketId)!.pickupDueAt!;
    clock.set(due - 1);
    vic.dispatcher.tick();
    const alert = nextEvent(opSocket, 'escalation.alert');
    clock.set(due);
    vic.dispatcher.tick();
    expect(await alert).toMatchObject({ kind: 'pickup', escalation: { toUserId: secretary.id } });
  });

  it('lets a specialist pass the ticket to another specialist, who then holds it alone', async () => {
    const { vic, server, secretary, clerk } = await setup();
    const r = vic.ingest(envelope());
    const opLogin = await server.login('op', 'password-123');
    await opLogin.api.post(`/api/tickets/${r.ticketId}/escalate`, {
      specialistId: secretary.id,
      question: 'Копия решения',
      notifyCitizen: false,
    });
    const sec = (await server.login('secretary', 'password-123')).api;
    expect((await sec.post(`/api/tickets/${r.ticketId}/pass`, { specialistId: clerk.id, note: 'Это канцелярия' })).status).toBe(200);
    expect((await sec.get(`/api/tickets/${r.ticketId}`)).status).toBe(403);
    const clerkApi = (await server.login('clerk', 'password-123')).api;
    expect(json<TicketView>(await clerkApi.get(`/api/tickets/${r.ticketId}`)).specialistId).toBe(clerk.id);
    expect((await clerkApi.post(`/api/tickets/${r.ticketId}/escalate`, { specialistId: secretary.id, question: 'x' })).status).toBe(403);
  });
});
