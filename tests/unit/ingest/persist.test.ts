import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { STEPS, ingest } from '../../../src/ingest/pipeline.ts';
import type { TicketRow } from '../../../src/store/index.ts';
import { SATURDAY_NIGHT, WORKING, addUser, envelope, makeVic } from '../../helpers.ts';

describe('persist step and the pipeline transaction', () => {
  it('lists the steps in the documented order', () => {
    expect(STEPS.map((s) => s.name)).toEqual(['dedupe', 'resolveContact', 'thread', 'scope', 'calendar', 'route', 'persist']);
  });

  it.each(STEPS.map((s) => s.name))('leaves the database unchanged when the pipeline fails after %s', async (failAfter) => {
    const { vic } = await makeVic();
    vic.ingest(envelope({ text: 'Первое сообщение' }));
    const before = vic.store.counts();
    const deps = {
      ...vic.pipeline,
      afterStep: (name: string) => {
        if (name === failAfter) throw new Error('crash');
      },
    };
    expect(() =>
      ingest(
        deps,
        envelope({ sender: { kind: 'whatsapp', address: '77770000000@c.us' }, text: 'Требую отменить решение, оно незаконное' }),
      ),
    ).toThrow('crash');
    expect(vic.store.counts()).toEqual(before);
    // The same message, delivered again after the crash, is stored normally.
  });

  it('announces each new message exactly as it is stored, auto-replies included', async () => {
    const { vic } = await makeVic();
    const announced: unknown[] = [];
    vic.events.on((e) => {
      if (e.type === 'message.created') announced.push(e.message);
    });
    const r = vic.ingest(
      envelope({ text: 'Требую отменить решение суда, оно незаконное', html: '<p>x</p>', thread: { subject: 'Жалоба' } }),
    );
    const stored = vic.store.listMessages(r.ticketId);
    expect(stored.map((m) => m.auto)).toEqual([null, 'appeal']);
    expect(announced).toEqual(stored);
  });

  it('announces a new ticket exactly as it is stored, whoever and whenever it comes from', async () => {
    const { vic, clock } = await makeVic();
    const operator = await addUser(vic, 'op', 'operator');
    vic.store.changeConnections(operator.id, 1, clock.now());
    const announced: TicketRow[] = [];
    vic.events.on((e) => {
      if (e.type === 'ticket.created') announced.push(e.ticket);
    });
    const mail = (address: string, displayName?: string) =>
      envelope({
        channel: 'email',
        sender: { kind: 'email', address, ...(displayName ? { displayName } : {}) },
        thread: { subject: 'Вопрос' },
      });
    const cases: [string, () => { ticketId: number }][] = [
      ['named, assigned', () => vic.ingest(envelope({ sender: { kind: 'whatsapp', address: '77015550001@c.us', displayName: 'Айгүл' } }))],
      [
        'known contact, second matter',
        () => {
          vic.ingest(mail('a@mail.kz', 'Ержан'));
          return vic.ingest(mail('a@mail.kz'));
        },
      ],
      [
        'appeal',
        () =>
          vic.ingest(
            envelope({ sender: { kind: 'whatsapp', address: '77015550002@c.us' }, text: 'Требую отменить решение суда, оно незаконное' }),
          ),
      ],
      [
        'off-hours',
        () => {
          clock.set(SATURDAY_NIGHT + 7 * 86_400_000);
          return vic.ingest(mail('b@mail.kz'));
        },
      ],
      [
        'call',
        () =>
          vic.ingest(
            envelope({
              channel: 'sip',
              sender: { kind: 'phone', address: '+77015550003' },
              text: '',
              call: { callId: 'c1', from: '+77015550003', to: '100', outcome: 'missed', startedAt: clock.now() },
            }),
          ),
      ],
    ];
    for (const [name, ingestOne] of cases) {
      const r = ingestOne();
      expect(announced.at(-1)!.id, name).toBe(r.ticketId);
      expect(announced.at(-1), name).toEqual(vic.store.getTicket(r.ticketId));
    }
    expect(announced[0]).toMatchObject({ contactName: 'Айгүл', assigneeName: 'op' });
    expect(announced[2]).toMatchObject({ contactName: 'Ержан' });
  });

  it('announces a continued ticket exactly as it is stored, whatever the message changed', async () => {
    const { vic, clock } = await makeVic();
    const operator = await addUser(vic, 'op', 'operator');
    const announced: TicketRow[] = [];
    vic.events.on((e) => {
      if (e.type === 'ticket.updated') announced.push(e.ticket);
    });
    const anon = { kind: 'whatsapp' as const, address: '77015550000@c.us' };
    const steps: [string, () => unknown][] = [
      // No text: the ticket's language and the contact's name stay unknown.
      ['first', () => vic.ingest(envelope({ sender: anon, text: '' }))],
      ['plain', () => vic.ingest(envelope({ sender: anon, text: 'Здравствуйте, когда заседание?' }))],
      ['named', () => vic.ingest(envelope({ sender: { ...anon, displayName: 'Айгүл' }, text: 'Сот отырысы қашан болады?' }))],
      ['flagged', () => vic.ingest(envelope({ sender: anon, text: 'Требую отменить решение суда, оно незаконное' }))],
      [
        'off-hours',
        () => {
          clock.set(SATURDAY_NIGHT + 7 * 86_400_000);
          return vic.ingest(envelope({ sender: anon, text: 'Жауап бар ма?' }));
        },
      ],
      [
        'reopened',
        () => {
          clock.set(WORKING + 14 * 86_400_000);
          const t = vic.store.openTicketOfContact(vic.store.findIdentity('whatsapp', anon.address)!)!;
          vic.tickets.resolve(operator, t.id);
          return vic.ingest(envelope({ sender: anon, text: 'Ещё вопрос' }));
        },
      ],
    ];
    for (const [name, step] of steps) {
      const r = step() as { ticketId: number };
      if (name === 'first') continue;
      expect(announced.at(-1)!.lastInboundAt, name).toBe(clock.now());
      expect(announced.at(-1), name).toEqual(vic.store.getTicket(r.ticketId));
    }
    const last = announced.at(-1)!;
    expect(last).toMatchObject({ contactName: 'Айгүл', scopeFlagged: true, status: 'open', resolvedAt: null });
    expect(last.offhoursReplyFor).not.toBeNull();
  });

  it("numbers a ticket with the court's local year: 1 January 01:00 in Petropavl is 2027", async () => {
    const { vic } = await makeVic({}, Date.parse('2026-12-31T20:00:00Z'));
    const r = vic.ingest(envelope());
    expect(vic.store.getTicket(r.ticketId)!.ref).toBe('VIC-2027-00001');
  });

  it('stores a message again after a crash in the middle of ingest, exactly once', async () => {
    const { vic } = await makeVic();
    const env = envelope();
    const deps = {
      ...vic.pipeline,
      afterStep: (name: string) => {
        if (name === 'persist') throw new Error('disk full');
      },
    };
    expect(() => ingest(deps, env)).toThrow('disk full');
    expect(vic.store.counts().messages).toBe(0);
    expect(vic.ingest(env).duplicate).toBe(false);
    expect(vic.ingest(env).duplicate).toBe(true);
    expect(vic.store.counts().messages).toBe(1);
  });

  it('keeps attachments on disk, content-addressed, and records a dropped one with the reason', async () => {
    const { vic } = await makeVic({ MAX_ATTACHMENT_BYTES: 1024 });
    const small = Buffer.from('%PDF-1.4 заявление');
    const r = vic.ingest(
      envelope({
        attachments: [
          { filename: 'заявление.pdf', contentType: 'application/pdf', content: small, size: small.length },
          { filename: 'видео.mp4', contentType: 'video/mp4', content: Buffer.alloc(4096), size: 4096 },
        ],
      }),
    );
    const [a, b] = vic.store.listAttachments(r.ticketId);
    expect(a).toMatchObject({ filename: 'заявление.pdf', size: small.length, droppedReason: null });
    expect(fs.readFileSync(vic.attachments.pathOf(a.sha256!)!)).toEqual(small);
    expect(b).toMatchObject({ filename: 'видео.mp4', sha256: null });
    expect(b.droppedReason).toMatch(/limit/);
  });

  it('rejects a malformed envelope with a clear error and stores nothing', async () => {
    const { vic } = await makeVic();
    expect(() => vic.ingest({ ...envelope(), externalId: '' })).toThrow(/externalId/);
    expect(vic.store.counts().messages).toBe(0);
  });

  it('announces the ticket and message only after commit', async () => {
    const { vic } = await makeVic();
    const seen: string[] = [];
    vic.events.on((e) => seen.push(`${e.type}:${vic.store.counts().messages}`));
    vic.ingest(envelope());
    expect(seen).toEqual(['ticket.created:1', 'message.created:1']);
  });
});
