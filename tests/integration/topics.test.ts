// Topics: the admins' list (Russian and Kazakh names, on/off, order) and the tags staff put on tickets, each
// change audited; reports count tagged tickets per court and period from one index, and ingest never tags.
import { describe, expect, it } from 'vitest';
import type { TopicRow } from '../../src/store/index.ts';
import { addUser, envelope, makeVic, serve } from '../helpers.ts';
import { errorOf, json } from './json.ts';

async function setup() {
  const { vic, clock } = await makeVic();
  const server = await serve(vic);
  const admin = (await server.login('admin', 'admin-secret-1')).api;
  await addUser(vic, 'op', 'operator', 'sko-regional');
  await addUser(vic, 'op-eco', 'operator', 'sko-economic');
  const op = (await server.login('op', 'password-123')).api;
  const opEco = (await server.login('op-eco', 'password-123')).api;
  const audits = (action: string) =>
    (
      vic.store.db.prepare(`SELECT entity_id AS entityId, details FROM audit_log WHERE action = ? ORDER BY id`).all(action) as {
        entityId: number;
        details: string;
      }[]
    ).map((a) => ({ entityId: a.entityId, details: JSON.parse(a.details) as unknown }));
  return { vic, clock, admin, op, opEco, audits };
}

const names = (items: TopicRow[]) => items.map((t) => t.nameRu);

describe('topics: the admins’ list', () => {
  it('starts with the centre’s usual topics, in Russian and Kazakh', async () => {
    const { op } = await setup();
    const { items } = json<{ items: TopicRow[] }>(await op.get('/api/topics'));
    expect(names(items)).toEqual([
      'Дата судебного заседания',
      'Копия судебного акта',
      'Smart Sot / участие по видеосвязи',
      'Государственная пошлина',
      'Статус дела',
      'Документы',
      'Жалоба на сотрудников',
    ]);
    expect(items.find((t) => t.nameRu === 'Копия судебного акта')).toMatchObject({ nameKk: 'Сот актісінің көшірмесі', active: true });
  });

  it('lets an admin add, rename, switch off and order topics, each change audited; others may only read', async () => {
    const { admin, op, audits } = await setup();
    const created = await admin.post('/api/topics', { nameRu: 'Исполнительное производство', nameKk: 'Атқарушылық іс жүргізу' });
    expect(created.status).toBe(201);
    const { topic, items } = json<{ topic: TopicRow; items: TopicRow[] }>(created);
    expect(items.at(-1)).toEqual(topic);
    expect(audits('topic.created')).toEqual([
      { entityId: topic.id, details: { nameRu: 'Исполнительное производство', nameKk: 'Атқарушылық іс жүргізу' } },
    ]);

    const renamed = await admin.patch(`/api/topics/${topic.id}`, { nameKk: 'Атқарушылық өндіріс', active: false });
    expect(json<{ topic: TopicRow }>(renamed).topic).toMatchObject({ nameKk: 'Атқарушылық өндіріс', active: false });
    expect(audits('topic.updated')[0].details).toMatchObject({
      from: { nameKk: 'Атқарушылық іс жүргізу', active: true },
      to: { active: false },
    });

    const first = items[0];
    const ordered = json<{ items: TopicRow[] }>(await admin.put('/api/topics/order', { ids: [topic.id, first.id] })).items;
    expect(ordered.slice(0, 2).map((t) => t.id)).toEqual([topic.id, first.id]);
    expect(ordered).toHaveLength(items.length);
    expect(audits('topic.ordered')).toHaveLength(1);

    expect((await op.post('/api/topics', { nameRu: 'Тема', nameKk: 'Тақырып' })).status).toBe(403);
    expect((await op.patch(`/api/topics/${topic.id}`, { active: true })).status).toBe(403);
    expect(errorOf(await admin.post('/api/topics', { nameRu: ' ', nameKk: 'Тақырып' })).code).toBe('VIC_VALIDATION');
    expect((await admin.patch('/api/topics/9999', { active: true })).status).toBe(404);
    expect(errorOf(await admin.put('/api/topics/order', { ids: [first.id, first.id] })).code).toBe('VIC_VALIDATION');
  });
});

describe('topics: tags on tickets', () => {
  it('lets staff who may see a ticket tag it; every change is audited, a repeat is not', async () => {
    const { vic, op, opEco, audits } = await setup();
    const { ticketId } = vic.ingest(envelope({ courtHint: 'sko-regional' }));
    const [hearing, copy, fees] = vic.store.listTopics();

    const tagged = await op.put(`/api/tickets/${ticketId}/topics`, { topicIds: [copy.id, hearing.id] });
    expect(tagged.status).toBe(200);
    // In the list's order, whatever order they were given in.
    expect(names(json<{ topics: TopicRow[] }>(tagged).topics)).toEqual(['Дата судебного заседания', 'Копия судебного акта']);
    expect(names(json<{ topics: TopicRow[] }>(await op.get(`/api/tickets/${ticketId}/topics`)).topics)).toHaveLength(2);

    await op.put(`/api/tickets/${ticketId}/topics`, { topicIds: [copy.id, hearing.id] });
    await op.put(`/api/tickets/${ticketId}/topics`, { topicIds: [hearing.id, fees.id] });
    expect(audits('ticket.topics_set')).toEqual([
      { entityId: ticketId, details: { added: [copy.id, hearing.id], removed: [] } },
      { entityId: ticketId, details: { added: [fees.id], removed: [copy.id] } },
    ]);

    // Another court's operator sees nothing of it; an unknown topic is refused.
    expect(errorOf(await opEco.put(`/api/tickets/${ticketId}/topics`, { topicIds: [] })).code).toBe('VIC_FORBIDDEN_COURT');
    expect(errorOf(await opEco.get(`/api/tickets/${ticketId}/topics`)).code).toBe('VIC_FORBIDDEN_COURT');
    expect(errorOf(await op.put(`/api/tickets/${ticketId}/topics`, { topicIds: [9999] })).code).toBe('VIC_VALIDATION');
    expect(vic.store.ticketTopics(ticketId).map((t) => t.id)).toEqual([hearing.id, fees.id]);
  });

  it('keeps a switched-off topic on the tickets that have it, but adds it to none', async () => {
    const { vic, admin, op } = await setup();
    const a = vic.ingest(envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: '77010000001@c.us' } })).ticketId;
    const b = vic.ingest(envelope({ courtHint: 'sko-regional', sender: { kind: 'whatsapp', address: '77010000002@c.us' } })).ticketId;
    const staff = vic.store.listTopics().find((t) => t.nameRu === 'Жалоба на сотрудников')!;
    await op.put(`/api/tickets/${a}/topics`, { topicIds: [staff.id] });
    await admin.patch(`/api/topics/${staff.id}`, { active: false });

    expect(names(json<{ topics: TopicRow[] }>(await op.get(`/api/tickets/${a}/topics`)).topics)).toEqual(['Жалоба на сотрудников']);
    expect((await op.put(`/api/tickets/${a}/topics`, { topicIds: [staff.id] })).status).toBe(200);
    expect(errorOf(await op.put(`/api/tickets/${b}/topics`, { topicIds: [staff.id] })).code).toBe('VIC_CONFLICT');
    expect(vic.store.ticketTopics(b)).toEqual([]);
  });

  it('counts tagged tickets per court and period from the report index; a moved ticket counts for its new court', async () => {
    const { vic, clock, op } = await setup();
    const regional = vic.store.getCourtByCode('sko-regional')!.id;
    const economic = vic.store.getCourtByCode('sko-economic')!.id;
    const [hearing, copy] = vic.store.listTopics();
    const start = clock.now();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        vic.ingest(
          envelope({ courtHint: 'sko-regional', receivedAt: clock.now(), sender: { kind: 'whatsapp', address: `7701000001${i}@c.us` } }),
        ).ticketId,
      );
      clock.advance(60_000);
    }
    // Ingest tags nothing.
    expect(vic.store.countTicketsByTopic('all', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
    await op.put(`/api/tickets/${ids[0]}/topics`, { topicIds: [hearing.id, copy.id] });
    await op.put(`/api/tickets/${ids[1]}/topics`, { topicIds: [hearing.id] });
    await op.put(`/api/tickets/${ids[2]}/topics`, { topicIds: [hearing.id] });

    expect(vic.store.countTicketsByTopic([regional], start, start + 3 * 60_000)).toEqual([
      { topicId: hearing.id, tickets: 3 },
      { topicId: copy.id, tickets: 1 },
    ]);
    // The period is by the ticket's creation: the last ticket came a minute after this one ends.
    expect(vic.store.countTicketsByTopic([regional], start, start + 2 * 60_000)).toEqual([
      { topicId: hearing.id, tickets: 2 },
      { topicId: copy.id, tickets: 1 },
    ]);

    expect((await op.patch(`/api/tickets/${ids[0]}`, { courtId: economic })).status).toBe(200);
    expect(vic.store.countTicketsByTopic([economic], start, start + 3 * 60_000)).toEqual([
      { topicId: hearing.id, tickets: 1 },
      { topicId: copy.id, tickets: 1 },
    ]);
    expect(vic.store.countTicketsByTopic([regional], start, start + 3 * 60_000)).toEqual([{ topicId: hearing.id, tickets: 2 }]);
    expect(vic.store.countTicketsByTopic('all', start, start + 3 * 60_000)).toEqual([
      { topicId: hearing.id, tickets: 3 },
      { topicId: copy.id, tickets: 1 },
    ]);

    const plan = vic.store.db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT topic_id, count(*) FROM ticket_topics WHERE court_id = ? AND ticket_created_at >= ? AND ticket_created_at < ? GROUP BY topic_id`,
      )
      .all(regional, 0, 1) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/COVERING INDEX ticket_topics_report/);
  });
});
