// One hand-built December 2026, shared by the report tests (the figures: tests/integration/reports.test.ts; the
// XLSX exports: tests/integration/reports-xlsx.test.ts): court A (Asia/Almaty, UTC+5; the default calendar: Mon–Fri
// 09:00–13:00 and 14:30–18:30, 480 working minutes a day; Wednesday 16 December is Independence Day) with two
// operators and a specialist, and one ticket of court B. The tests work their expected numbers out by hand from it.
import type Database from 'better-sqlite3';

/** A local wall-clock time in the courts' zone (UTC+5). */
export const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+05:00`);
/** "Now" for the figures: well after December, so every reply-by time and call-back deadline has passed. */
export const AS_OF = at('2027-01-10 12:00');

/** The staff's names, as the reports show them. */
export const DECEMBER_STAFF = { op1: 'Оператор 1', op2: 'Оператор 2', specialist: 'Секретарь' } as const;

export interface DecemberTicket {
  /** The ticket's id too: the drill-downs list ids. */
  id: number;
  /** Court B's, not A's. */
  other?: true;
  channel: string;
  status: 'open' | 'waiting' | 'out_of_scope' | 'resolved';
  assignee?: 'op1' | 'op2';
  language?: string;
  verdict?: string;
  modelVerdict?: string;
  created: string;
  firstResponse?: string;
  due?: string;
  resolved?: string;
}

// The reply-by limit is 120 working minutes; `due` is what ingest set: arrival + 120 working minutes.
export const DECEMBER_TICKETS: DecemberTicket[] = [
  // T1 Fri 17:00 → answered Mon 09:30: Fri 17:00–18:30 90 + Mon 09:00–09:30 30 = 120 (within, at the limit);
  // due Mon 09:30, answered at it: no breach. Resolved Mon 15:00: 90 + 240 (09:00–13:00) + 30 (14:30–15:00) = 360.
  {
    id: 1,
    channel: 'whatsapp',
    status: 'resolved',
    assignee: 'op1',
    language: 'ru',
    created: '2026-12-04 17:00',
    firstResponse: '2026-12-07 09:30',
    due: '2026-12-07 09:30',
    resolved: '2026-12-07 15:00',
  },
  // T2 Tue 12:00 → answered Thu 10:00 across the holiday: Tue 60 + 240, Wed 0, Thu 60 = 360 (over).
  // due Tue 12:00 + 60 (to 13:00) + 60 (14:30–15:30) = Tue 15:30: breached. Still open.
  {
    id: 2,
    channel: 'email',
    status: 'open',
    assignee: 'op2',
    language: 'kk',
    created: '2026-12-15 12:00',
    firstResponse: '2026-12-17 10:00',
    due: '2026-12-15 15:30',
  },
  // T3 Tue 12:30 → answered 14:45 across lunch: 30 + 15 = 45 (within); due 12:30 + 30 + 90 = 16:00.
  // Resolved 16:00: 30 + 90 = 120.
  {
    id: 3,
    channel: 'whatsapp',
    status: 'resolved',
    assignee: 'op1',
    language: 'kk',
    created: '2026-12-01 12:30',
    firstResponse: '2026-12-01 14:45',
    due: '2026-12-01 16:00',
    resolved: '2026-12-01 16:00',
  },
  // T4 Saturday 10:00 (off hours), never answered: due Mon 11:00 passed (breach), past the limit (over).
  { id: 4, channel: 'email', status: 'open', language: 'ru', created: '2026-12-05 10:00', due: '2026-12-07 11:00' },
  // T5 Thursday 31 December 23:30 local (18:30 UTC): December's, off hours, turned away by the filter.
  {
    id: 5,
    channel: 'whatsapp',
    status: 'out_of_scope',
    language: 'ru',
    verdict: 'appeal',
    modelVerdict: 'appeal',
    created: '2026-12-31 23:30',
  },
  // T6 Friday 1 January 00:30 local — still 31 December in UTC — is January's.
  { id: 6, channel: 'whatsapp', status: 'open', language: 'ru', created: '2027-01-01 00:30', due: '2027-01-04 11:00' },
  // T7 a missed call on the holiday (off hours), language unknown; called back Thu 10:00 (the answered call set
  // the first response): Wed 0 + Thu 09:00–10:00 60 (within); due Thu 11:00: no breach. Resolved 10:30: 90.
  {
    id: 7,
    channel: 'sip',
    status: 'resolved',
    assignee: 'op1',
    created: '2026-12-16 11:00',
    firstResponse: '2026-12-17 10:00',
    due: '2026-12-17 11:00',
    resolved: '2026-12-17 10:30',
  },
  // T8 a missed call Mon 17:00 (working time), never called back: due 90 (to 18:30) + 30 = Tue 09:30: breached, over.
  { id: 8, channel: 'sip', status: 'open', created: '2026-12-28 17:00', due: '2026-12-29 09:30' },
  // T9 Mon 10:00 filtered as an appeal (no reply-by time), overruled by OP2; answered 11:00 (60, within),
  // resolved 11:30 (90).
  {
    id: 9,
    channel: 'whatsapp',
    status: 'resolved',
    assignee: 'op2',
    language: 'kk',
    verdict: 'in_scope',
    modelVerdict: 'appeal',
    created: '2026-12-14 10:00',
    firstResponse: '2026-12-14 11:00',
    resolved: '2026-12-14 11:30',
  },
  // T10 another court's.
  { id: 10, other: true, channel: 'whatsapp', status: 'open', language: 'ru', created: '2026-12-10 10:00', due: '2026-12-10 12:00' },
  // T11 received in November, resolved Wed 2 December 10:00: in the backlog at the end of 1 December only.
  {
    id: 11,
    channel: 'whatsapp',
    status: 'resolved',
    assignee: 'op1',
    language: 'ru',
    created: '2026-11-30 10:00',
    firstResponse: '2026-11-30 10:30',
    due: '2026-11-30 12:00',
    resolved: '2026-12-02 10:00',
  },
  // T12 Tue 10:00 marked as an appeal by OP1 (out of scope now, the filter had let it in).
  {
    id: 12,
    channel: 'email',
    status: 'out_of_scope',
    language: 'ru',
    verdict: 'appeal',
    modelVerdict: 'in_scope',
    created: '2026-12-08 10:00',
    due: '2026-12-08 12:00',
  },
];

/** Where the month goes: the courts' and the staff's ids in the database at hand. */
export interface DecemberPlaces {
  courtA: number;
  courtB: number;
  op1: number;
  op2: number;
  specialist: number;
}

/**
 * Writes the month: a contact, the tickets (each with its own id) except those `without` names, two escalations,
 * three calls, two scope decisions and three surveys. The courts (reply-by limit 120) and the staff must exist.
 */
export function insertDecember(db: Database.Database, p: DecemberPlaces, without: number[] = []): void {
  const contact = Number(db.prepare(`INSERT INTO contacts (name, created_at) VALUES ('Айгуль', 0)`).run().lastInsertRowid);
  const ticket = db.prepare(
    `INSERT INTO tickets (id, ref, court_id, contact_id, channel, status, assignee_id, language, scope_verdict, scope_model_verdict,
       created_at, updated_at, first_response_at, first_response_due_at, resolved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const ms = (s?: string) => (s === undefined ? null : at(s));
  for (const t of DECEMBER_TICKETS.filter((x) => !without.includes(x.id))) {
    const times = [t.created, t.firstResponse, t.resolved].filter((x): x is string => !!x).map(at);
    ticket.run(
      t.id,
      `VIC-2026-${String(t.id).padStart(5, '0')}`,
      t.other ? p.courtB : p.courtA,
      contact,
      t.channel,
      t.status,
      t.assignee ? p[t.assignee] : null,
      t.language ?? null,
      t.verdict ?? 'in_scope',
      t.modelVerdict ?? 'in_scope',
      at(t.created),
      Math.max(...times),
      ms(t.firstResponse),
      ms(t.due),
      ms(t.resolved),
    );
  }
  const esc = db.prepare(
    `INSERT INTO escalations (ticket_id, from_user_id, to_user_id, question, status, created_at, closed_at, picked_up_at, answered_at)
     VALUES (?, ?, ?, 'q', ?, ?, ?, ?, ?)`,
  );
  // E1 on T2: Tue 16:00 → picked up Thu 09:30: Tue 150 (16:00–18:30) + Wed 0 + Thu 30 = 180;
  // answered Thu 11:00: 150 + 120 = 270.
  esc.run(
    2,
    p.op2,
    p.specialist,
    'answered',
    at('2026-12-15 16:00'),
    at('2026-12-17 11:00'),
    at('2026-12-17 09:30'),
    at('2026-12-17 11:00'),
  );
  // E2 on T3: Tue 12:45 → picked up 14:40 across lunch: 15 + 10 = 25; returned without a reply (closing stamps
  // answered_at all the same: no answer time).
  esc.run(
    3,
    p.op1,
    p.specialist,
    'returned',
    at('2026-12-01 12:45'),
    at('2026-12-01 15:00'),
    at('2026-12-01 14:40'),
    at('2026-12-01 15:00'),
  );
  const call = db.prepare(
    `INSERT INTO calls (ticket_id, call_id, from_number, to_number, outcome, started_at, answered_at, callback_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // The call back's deadline is what call progress stores (CALLBACK_DUE_WORKING_MINUTES = 120 of working time after
  // the miss). c1 missed on the holiday: working time starts Thu 09:00, deadline 09:00 + 120 = 11:00; the call back
  // answered at 10:00 is in time.
  call.run(7, 'c1', '+77010000007', '+77152000000', 'missed', at('2026-12-16 11:00'), null, at('2026-12-17 11:00'));
  call.run(7, 'callback-c2', '101', '+77010000007', 'answered', at('2026-12-17 09:55'), at('2026-12-17 10:00'), null);
  // c3 missed Mon 17:00; deadline 90 + 30 = Tue 09:30; never called back: overdue.
  call.run(8, 'c3', '+77010000008', '+77152000000', 'missed', at('2026-12-28 17:00'), null, at('2026-12-29 09:30'));
  const decision = db.prepare(
    `INSERT INTO scope_decisions (ticket_id, label, source, user_id, reason, created_at) VALUES (?, ?, ?, ?, 'r', ?)`,
  );
  decision.run(9, 'in_scope', 'overrule', p.op2, at('2026-12-14 10:30'));
  decision.run(12, 'appeal', 'marked_appeal', p.op1, at('2026-12-08 10:30'));
  // Ratings: surveys of T1 (5, handled by OP1), T3 (3) and T9 (no answer): 3 sent, 2 rated, mean 4.
  const survey = db.prepare(
    `INSERT INTO csat_surveys (ticket_id, contact_id, court_id, channel, language, sent_at, expires_at, score) VALUES (?, ?, ?, 'whatsapp', 'ru', ?, ?, ?)`,
  );
  const first = survey.run(1, contact, p.courtA, at('2026-12-07 15:00'), at('2027-01-07 15:00'), 5);
  survey.run(3, contact, p.courtA, at('2026-12-01 16:00'), at('2027-01-01 16:00'), 3);
  survey.run(9, contact, p.courtA, at('2026-12-14 11:30'), at('2027-01-14 11:30'), null);
  db.prepare(`INSERT INTO csat_operators (user_id, survey_id, sent_at) VALUES (?, ?, ?)`).run(
    p.op1,
    first.lastInsertRowid,
    at('2026-12-07 15:00'),
  );
}
