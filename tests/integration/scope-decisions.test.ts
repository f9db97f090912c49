// The appeal filter learning from operators: the filter's explanation kept with the ticket, overrules and
// "mark as appeal" stored as labelled examples with the classified text, the appeal answer a marked ticket gets,
// and the admin figures.
import { describe, expect, it } from 'vitest';
import { appealReply } from '../../routing/scope/appeal-reply.ts';
import { classifyScope, scopeModel } from '../../routing/scope/index.ts';
import { Store, type ScopeDecisionEntry } from '../../src/store/index.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { addUser, databaseAtVersion, envelope, makeVic, serve, WORKING } from '../helpers.ts';
import { json, type Page, type TicketRow, type TicketView } from './json.ts';

const APPEAL = 'Требую отменить постановление о штрафе, оно незаконное';
const QUESTION = 'Здравствуйте, когда будет заседание по моему делу?';
const KK_QUESTION = 'Сәлеметсіз бе! Сот отырысы қашан болатынын хабарлаңызшы.';
const DAY = 86_400_000;

let n = 0;
/** A message from a new WhatsApp citizen (one sender per ticket: a chat continues its sender's open ticket). */
const message = (text: string) => envelope({ text, sender: { kind: 'whatsapp', address: `7701${String(++n).padStart(7, '0')}@c.us` } });
/** A missed call from a new number: a ticket the filter never classified. */
const missedCall = (at: number) => {
  const from = `+7701${String(++n).padStart(7, '0')}`;
  return envelope({
    channel: 'sip',
    externalId: `call-${n}`,
    text: '',
    sender: { kind: 'phone', address: from },
    call: { callId: `call-${n}`, from, to: '+77152000000', outcome: 'missed', startedAt: at },
  });
};

async function setup() {
  const { vic, clock } = await makeVic();
  const server = await serve(vic);
  const op = await addUser(vic, 'op', 'operator', 'sko-regional');
  const { api } = await server.login('op', 'password-123');
  const admin = (await server.login('admin', 'admin-secret-1')).api;
  return { vic, clock, server, op, api, admin };
}

/** The stored decision rows of a ticket, as written. */
const decisionRows = (vic: { store: Store }, ticketId: number) =>
  vic.store.db.prepare(`SELECT * FROM scope_decisions WHERE ticket_id = ? ORDER BY id`).all(ticketId) as Record<string, unknown>[];
const appealAnswers = (vic: { store: Store }, ticketId: number) =>
  vic.store.listMessages(ticketId).filter((m) => m.direction === 'out' && m.auto === 'appeal');

describe('the filter’s explanation', () => {
  it('is kept when the ticket is created and returned with it, also after an operator changed the verdict', async () => {
    const { vic, api } = await setup();
    const { ticketId } = vic.ingest(message(APPEAL));
    const expected = classifyScope(APPEAL);
    const first = json<TicketView>(await api.get(`/api/tickets/${ticketId}`));
    expect(first.scopeExplanation).toEqual({
      verdict: 'appeal',
      flagged: false,
      reasons: expected.reasons,
      contributions: expected.contributions,
      model: scopeModel().id,
    });
    expect(first.scopeExplanation!.contributions.length).toBeGreaterThan(0);

    await api.post(`/api/tickets/${ticketId}/scope`, { verdict: 'in_scope', reason: 'Вопрос о сроках' });
    const after = json<TicketView>(await api.get(`/api/tickets/${ticketId}`));
    expect(after.scopeVerdict).toBe('in_scope');
    expect(after.scopeExplanation).toEqual(first.scopeExplanation);
  });

  it('is null for a ticket the filter did not classify (a call)', async () => {
    const { vic, api } = await setup();
    const { ticketId } = vic.ingest(missedCall(vic.clock.now()));
    expect(json<TicketView>(await api.get(`/api/tickets/${ticketId}`)).scopeExplanation).toBeNull();
  });
});

describe('an overrule', () => {
  it('stores the classified message with the operator’s label and what the filter had said', async () => {
    const { vic, api, op } = await setup();
    const { ticketId, messageId } = vic.ingest(message(APPEAL));
    const t = vic.store.getTicket(ticketId)!;
    const res = await api.post(`/api/tickets/${ticketId}/scope`, { verdict: 'in_scope', reason: 'Спрашивает о сроках' });
    expect(json<{ ticket: TicketRow }>(res).ticket).toMatchObject({ status: 'open', scopeVerdict: 'in_scope' });
    expect(vic.store.listScopeDecisions()).toEqual([
      {
        id: expect.any(Number) as number,
        ticketId,
        text: APPEAL,
        label: 'in_scope',
        lang: 'ru',
        source: 'overrule',
        score: t.scopeScore,
        createdAt: WORKING,
      },
    ]);
    expect(decisionRows(vic, ticketId)[0]).toMatchObject({
      message_id: messageId,
      verdict: 'appeal',
      model: scopeModel().id,
      user_id: op.id,
      reason: 'Спрашивает о сроках',
      language: 'ru',
    });
  });

  it('writes nothing when refused', async () => {
    const { vic, api } = await setup();
    const { ticketId } = vic.ingest(message(QUESTION));
    expect((await api.post(`/api/tickets/${ticketId}/scope`, { verdict: 'in_scope', reason: 'x' })).status).toBe(409);
    expect(decisionRows(vic, ticketId)).toEqual([]);
  });
});

describe('marking a ticket as an appeal', () => {
  it('moves it out of scope, unassigned, and queues exactly one appeal answer in the citizen’s language', async () => {
    const { vic, api, op } = await setup();
    const { ticketId, messageId } = vic.ingest(message(QUESTION));
    await api.post(`/api/tickets/${ticketId}/claim`);
    const ref = vic.store.getTicket(ticketId)!.ref;
    const res = await api.post(`/api/tickets/${ticketId}/scope`, { verdict: 'appeal', reason: 'Оспаривает решение' });
    expect(res.status).toBe(200);
    expect(json<{ ticket: TicketRow }>(res).ticket).toMatchObject({ status: 'out_of_scope', scopeVerdict: 'appeal', assigneeId: null });

    const answers = appealAnswers(vic, ticketId);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ text: appealReply('ru', ref), deliveryStatus: 'queued' });
    const queued = vic.store.getOutboxByMessage(answers[0].id)!;
    expect(JSON.parse(queued.payload)).toMatchObject({
      channel: 'whatsapp',
      to: `7701${String(n).padStart(7, '0')}@c.us`,
      text: appealReply('ru', ref),
      auto: 'appeal',
    });

    expect(vic.store.auditOf('ticket', ticketId).map((a) => a.action)).toContain('ticket.scope_marked_appeal');
    expect(decisionRows(vic, ticketId)).toEqual([
      expect.objectContaining({
        message_id: messageId,
        text: QUESTION,
        label: 'appeal',
        source: 'marked_appeal',
        verdict: 'in_scope',
        user_id: op.id,
        reason: 'Оспаривает решение',
      }),
    ]);
    expect(vic.store.listScopeDecisions()).toEqual([
      expect.objectContaining({ ticketId, text: QUESTION, label: 'appeal', source: 'marked_appeal', lang: 'ru' }),
    ]);
    expect(json<Page<TicketRow>>(await api.get('/api/tickets?queue=out-of-scope')).items.map((x) => x.id)).toEqual([ticketId]);

    // Marked once: a second mark is refused and answers nobody again.
    expect((await api.post(`/api/tickets/${ticketId}/scope`, { verdict: 'appeal', reason: 'ещё раз' })).status).toBe(409);
    expect(appealAnswers(vic, ticketId)).toHaveLength(1);
  });

  it('answers a Kazakh citizen in Kazakh', async () => {
    const { vic, api } = await setup();
    const { ticketId } = vic.ingest(message(KK_QUESTION));
    const t = vic.store.getTicket(ticketId)!;
    expect(t.language).toBe('kk');
    await api.post(`/api/tickets/${ticketId}/scope`, { verdict: 'appeal', reason: 'Шешіммен келіспейді' });
    expect(appealAnswers(vic, ticketId).map((m) => m.text)).toEqual([appealReply('kk', t.ref)]);
  });

  it('sends no text on a phone ticket, and keeps no training example without a written message', async () => {
    const { vic, api } = await setup();
    const { ticketId } = vic.ingest(missedCall(vic.clock.now()));
    const res = await api.post(`/api/tickets/${ticketId}/scope`, { verdict: 'appeal', reason: 'По телефону оспаривал приговор' });
    expect(json<{ ticket: TicketRow }>(res).ticket).toMatchObject({ status: 'out_of_scope', scopeVerdict: 'appeal' });
    expect(vic.store.listMessages(ticketId).filter((m) => m.direction === 'out')).toEqual([]);
    expect(decisionRows(vic, ticketId)).toEqual([expect.objectContaining({ label: 'appeal', text: null, message_id: null })]);
    expect(vic.store.listScopeDecisions()).toEqual([]);
  });

  it('is refused to specialists, other courts, resolved, filtered and escalated tickets, and to a body without a reason', async () => {
    const { vic, server, api } = await setup();
    const spec = await addUser(vic, 'spec', 'specialist', 'sko-regional');
    await addUser(vic, 'op2', 'operator', 'sko-economic');
    const other = (await server.login('op2', 'password-123')).api;
    const specialist = (await server.login('spec', 'password-123')).api;
    const mark = (client: typeof api, id: number, body: unknown = { verdict: 'appeal', reason: 'Оспаривает' }) =>
      client.post(`/api/tickets/${id}/scope`, body);

    const open = vic.ingest(message(QUESTION)).ticketId;
    const escalated = vic.ingest(message(QUESTION)).ticketId;
    vic.escalations.escalate(vic.store.getUserByLogin('op')!, escalated, spec.id, 'Когда заседание?', false);
    const resolved = vic.ingest(message(QUESTION)).ticketId;
    await api.post(`/api/tickets/${resolved}/resolve`);
    const filtered = vic.ingest(message(APPEAL)).ticketId;

    expect((await mark(specialist, escalated)).status).toBe(403);
    expect((await mark(other, open)).status).toBe(403);
    expect((await mark(server.anon, open)).status).toBe(401);
    expect((await mark(api, open, { verdict: 'appeal' })).status).toBe(400);
    expect((await mark(api, open, { verdict: 'appeal', reason: '   ' })).status).toBe(400);
    expect((await mark(api, open, { verdict: 'maybe', reason: 'x' })).status).toBe(400);
    expect((await mark(api, resolved)).status).toBe(409);
    expect((await mark(api, filtered)).status).toBe(409);
    expect((await mark(api, escalated)).status).toBe(409);
    expect(vic.store.getTicket(open)!.status).toBe('open');
    expect(vic.store.db.prepare('SELECT count(*) AS n FROM scope_decisions').get()).toEqual({ n: 0 });
    expect(vic.store.listMessages(open).filter((m) => m.direction === 'out')).toEqual([]);
  });

  it('gives training the operators’ last word when a ticket was marked and then overruled', async () => {
    const { vic, api } = await setup();
    const { ticketId } = vic.ingest(message(QUESTION));
    await api.post(`/api/tickets/${ticketId}/scope`, { verdict: 'appeal', reason: 'Оспаривает' });
    await api.post(`/api/tickets/${ticketId}/scope`, { verdict: 'in_scope', reason: 'Ошибся, это вопрос' });
    expect(decisionRows(vic, ticketId).map((d) => d.label)).toEqual(['appeal', 'in_scope']);
    expect(vic.store.listScopeDecisions()).toEqual([expect.objectContaining({ ticketId, label: 'in_scope', source: 'overrule' })]);
  });
});

describe('the filter’s figures for admins', () => {
  it('counts the tickets of the period, the operators’ corrections and lists them, for admins only, audited', async () => {
    const { vic, clock, api, admin } = await setup();
    // 40 days ago: outside the default period (the last 30 days).
    clock.set(WORKING - 40 * DAY);
    vic.ingest(message(APPEAL));
    clock.set(WORKING - 2 * DAY);
    const texts = [APPEAL, APPEAL, APPEAL, QUESTION, QUESTION, 'а можно пересмотреть решение?', 'судья была предвзята'];
    const ids = texts.map((text) => vic.ingest(message(text)).ticketId);
    vic.ingest(missedCall(clock.now()));
    clock.set(WORKING);
    await api.post(`/api/tickets/${ids[0]}/scope`, { verdict: 'in_scope', reason: 'Спрашивает о сроках' });
    clock.advance(60_000);
    await api.post(`/api/tickets/${ids[3]}/scope`, { verdict: 'appeal', reason: 'Оспаривает решение' });

    const verdicts = texts.map((text) => classifyScope(text));
    const filtered = verdicts.filter((v) => v.verdict === 'appeal').length;
    expect(filtered).toBeGreaterThanOrEqual(3);
    expect((await api.get('/api/scope/stats')).status).toBe(403);
    const res = await admin.get('/api/scope/stats');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      from: '2026-11-02',
      to: '2026-12-01',
      tickets: { classified: texts.length, filtered, flagged: verdicts.filter((v) => v.flagged).length, overruled: 1, marked: 1 },
      overruledShare: Math.round((1 / filtered) * 1e4) / 1e4,
      model: { id: scopeModel().id, thresholds: scopeModel().thresholds, crossValidation: scopeModel().file.crossValidation },
    });
    const ref = (id: number) => vic.store.getTicket(id)!.ref;
    expect(json<{ decisions: ScopeDecisionEntry[] }>(res).decisions).toEqual([
      expect.objectContaining({
        ticketId: ids[3],
        ticketRef: ref(ids[3]),
        label: 'appeal',
        source: 'marked_appeal',
        userName: 'op',
        reason: 'Оспаривает решение',
        createdAt: WORKING + 60_000,
      }),
      expect.objectContaining({
        ticketId: ids[0],
        ticketRef: ref(ids[0]),
        label: 'in_scope',
        source: 'overrule',
        userName: 'op',
        reason: 'Спрашивает о сроках',
        createdAt: WORKING,
      }),
    ]);
    expect(JSON.stringify(res.body)).not.toContain(QUESTION);
    const audit = vic.store.searchAudit({ action: 'scope.stats_read', limit: 10, offset: 0 }).items;
    expect(audit).toEqual([expect.objectContaining({ userLogin: 'admin', details: { from: '2026-11-02', to: '2026-12-01', shown: 2 } })]);

    const october = await admin.get('/api/scope/stats?from=2026-10-01&to=2026-10-31');
    expect(october.body).toMatchObject({
      tickets: { classified: 1, filtered: 1, flagged: 0, overruled: 0, marked: 0 },
      overruledShare: 0,
      decisions: [],
    });
    expect((await admin.get('/api/scope/stats?from=2026-12-02&to=2026-12-01')).status).toBe(400);
    expect((await admin.get('/api/scope/stats?from=2026-02-30')).status).toBe(400);
    expect((await admin.get('/api/scope/stats?court=1')).status).toBe(400);
  });
});

describe('migration 10', () => {
  it('takes overrules made before it over from the audit log, as examples and in the figures', () => {
    const { file, db } = databaseAtVersion(9);
    const at = WORKING - DAY;
    db.prepare(`INSERT INTO courts (id, code, name_ru, name_kk, created_at) VALUES (1, 'c', 'Суд', 'Сот', ?)`).run(at);
    db.prepare(`INSERT INTO users (id, login, name, role, password_hash, created_at) VALUES (1, 'op', 'Оператор', 'operator', 'x', ?)`).run(
      at,
    );
    db.prepare(`INSERT INTO contacts (id, created_at) VALUES (1, ?)`).run(at);
    const ticket =
      db.prepare(`INSERT INTO tickets (id, ref, court_id, contact_id, channel, status, language, scope_verdict, scope_score, scope_flagged, created_at, updated_at)
      VALUES (?, ?, 1, 1, 'whatsapp', ?, 'ru', ?, ?, ?, ?, ?)`);
    ticket.run(1, 'VIC-2026-00001', 'open', 'in_scope', 0.95, 0, at, at); // filtered, then overruled
    ticket.run(2, 'VIC-2026-00002', 'open', 'in_scope', 0.2, 1, at, at); // flagged by the filter
    ticket.run(3, 'VIC-2026-00003', 'open', 'in_scope', 0.01, 1, at, at); // flagged by a later message only
    const msg = db.prepare(
      `INSERT INTO messages (ticket_id, direction, channel, text, scope_flag, created_at) VALUES (?, 'in', 'whatsapp', ?, ?, ?)`,
    );
    msg.run(1, APPEAL, 0, at);
    msg.run(2, QUESTION, 0, at);
    msg.run(3, QUESTION, 0, at);
    msg.run(3, APPEAL, 1, at);
    db.prepare(
      `INSERT INTO audit_log (at, user_id, action, entity, entity_id, details) VALUES (?, 1, 'ticket.scope_overruled', 'ticket', 1, ?)`,
    ).run(at + 1000, JSON.stringify({ from: 'appeal', score: 0.95, reason: 'Вопрос о сроках' }));
    db.close();

    const store = new Store(file);
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    expect(store.listScopeDecisions()).toEqual([
      { id: 1, ticketId: 1, text: APPEAL, label: 'in_scope', lang: 'ru', source: 'overrule', score: 0.95, createdAt: at + 1000 },
    ]);
    expect(store.scopeCounts(at, at + DAY)).toEqual({ classified: 3, filtered: 1, flagged: 1, overruled: 1, marked: 0 });
    expect(store.latestScopeDecisions(at, at + DAY, 10)).toEqual([
      expect.objectContaining({ ticketRef: 'VIC-2026-00001', userName: 'Оператор', reason: 'Вопрос о сроках' }),
    ]);
    // Before this VIC, the filter's reasons were not kept.
    expect(store.scopeExplanation(1)).toBeNull();
    store.close();
  });
});
