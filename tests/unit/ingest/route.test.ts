import { describe, expect, it } from 'vitest';
import { addUser, envelope, makeVic } from '../../helpers.ts';

describe('route step', () => {
  it('alternates new tickets between two online operators by load', async () => {
    const { vic, clock } = await makeVic();
    const a = await addUser(vic, 'op-a', 'operator');
    const b = await addUser(vic, 'op-b', 'operator');
    for (const u of [a, b]) vic.store.changeConnections(u.id, 1, clock.now());
    const assignees = [1, 2, 3, 4].map((i) => {
      clock.advance(1000);
      return vic.store.getTicket(vic.ingest(envelope({ sender: { kind: 'whatsapp', address: `7701000000${i}@c.us` } })).ticketId)!
        .assigneeId;
    });
    expect(new Set(assignees.slice(0, 2))).toEqual(new Set([a.id, b.id]));
    expect(assignees.filter((x) => x === a.id)).toHaveLength(2);
    expect(assignees[2]).not.toBe(assignees[3]);
  });

  it('leaves the ticket unassigned in the court queue when nobody is online', async () => {
    const { vic } = await makeVic();
    await addUser(vic, 'op-a', 'operator');
    const t = vic.store.getTicket(vic.ingest(envelope()).ticketId)!;
    expect(t).toMatchObject({ status: 'open', assigneeId: null });
  });

  it('does not assign to an operator of another court or one who is away', async () => {
    const { vic, clock } = await makeVic();
    const other = await addUser(vic, 'op-other', 'operator', 'sko-economic');
    const away = await addUser(vic, 'op-away', 'operator');
    vic.store.changeConnections(other.id, 1, clock.now());
    vic.store.changeConnections(away.id, 1, clock.now());
    vic.store.setPresenceStatus(away.id, 'away');
    expect(vic.store.getTicket(vic.ingest(envelope()).ticketId)!.assigneeId).toBeNull();
  });
});
