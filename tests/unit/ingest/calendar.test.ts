import { describe, expect, it } from 'vitest';
import { SATURDAY_NIGHT, envelope, makeVic } from '../../helpers.ts';

describe('calendar step', () => {
  it('puts a Saturday-night ticket in waiting and tells the citizen once when the centre opens', async () => {
    const { vic, clock } = await makeVic({}, SATURDAY_NIGHT);
    const a = vic.ingest(envelope({ text: 'Здравствуйте, как получить копию решения?' }));
    const t = vic.store.getTicket(a.ticketId)!;
    expect(t.status).toBe('waiting');
    const replies = () => vic.store.listMessages(a.ticketId).filter((m) => m.auto === 'off-hours');
    expect(replies()).toHaveLength(1);
    expect(replies()[0].text).toContain(t.ref);
    expect(replies()[0].text).toContain('30.11.2026');
    expect(replies()[0].text).toContain('09:00');
    clock.advance(30 * 60_000);
    vic.ingest(envelope({ text: 'Алло?' }));
    expect(replies()).toHaveLength(1);
  });

  it('opens a ticket in working time with a first-response due time two working hours later', async () => {
    const { vic } = await makeVic();
    const r = vic.ingest(envelope());
    const t = vic.store.getTicket(r.ticketId)!;
    expect(t.status).toBe('open');
    // Tuesday 10:00 + 2 working hours = 12:00 local = 07:00Z.
    expect(new Date(t.firstResponseDueAt!).toISOString()).toBe('2026-12-01T07:00:00.000Z');
    expect(vic.store.listMessages(r.ticketId).filter((m) => m.direction === 'out')).toHaveLength(0);
  });

  it('sends no off-hours reply for a call (there is no written channel back)', async () => {
    const { vic } = await makeVic({}, SATURDAY_NIGHT);
    const r = vic.ingest(
      envelope({
        channel: 'sip',
        sender: { kind: 'phone', address: '+77012345678' },
        text: '',
        call: { callId: 'x', from: '+77012345678', to: '1', outcome: 'missed', startedAt: SATURDAY_NIGHT },
      }),
    );
    expect(vic.store.listMessages(r.ticketId).filter((m) => m.direction === 'out')).toHaveLength(0);
  });
});
