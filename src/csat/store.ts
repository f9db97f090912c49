// The citizens' ratings (CSAT): SQL over the tables of the CSAT migration. Written when a ticket is resolved
// (the survey), when the citizen answers (the rating) and for tickets opened by automated mail (no survey);
// never by the ingest of an ordinary message. Only type imports from the store: the console's type check reads
// the row types from here.
import type Database from 'better-sqlite3';
import type { Store } from '../store/index.ts';

export type CsatVia = 'whatsapp' | 'email' | 'page';

export interface CsatSurvey {
  id: number;
  ticketId: number;
  contactId: number;
  courtId: number;
  channel: string;
  /** The language(s) the question was asked in: 'ru', 'kk' or 'mixed' (both). */
  language: string;
  messageId: number | null;
  sentAt: number;
  expiresAt: number;
  score: number | null;
  comment: string | null;
  answeredVia: CsatVia | null;
  answeredAt: number | null;
  /** The channel's id of the citizen's rating (or comment) message: a repeated delivery is recognised by it. */
  replyExternalId: string | null;
  commentExternalId: string | null;
}

/** What the ticket view shows, with the operators the rating counts for. */
export interface TicketCsat extends CsatSurvey {
  operators: { id: number; name: string }[];
}

/** Counts per score (1–5) of the ratings given, their mean (null without any) and the surveys sent. */
export interface CsatFigures {
  counts: Record<1 | 2 | 3 | 4 | 5, number>;
  rated: number;
  mean: number | null;
  sent: number;
}

const COLUMNS = `s.id, s.ticket_id AS ticketId, s.contact_id AS contactId, s.court_id AS courtId, s.channel, s.language,
  s.message_id AS messageId, s.sent_at AS sentAt, s.expires_at AS expiresAt, s.score, s.comment,
  s.answered_via AS answeredVia, s.answered_at AS answeredAt, s.reply_external_id AS replyExternalId,
  s.comment_external_id AS commentExternalId`;

// Prepared once per connection: preparing costs more than running these queries.
const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function q(store: Store, sql: string): Database.Statement {
  let m = cache.get(store.db);
  if (!m) cache.set(store.db, (m = new Map<string, Database.Statement>()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = store.db.prepare(sql)));
  return s;
}

export function getSurvey(store: Store, id: number): CsatSurvey | undefined {
  return q(store, `SELECT ${COLUMNS} FROM csat_surveys s WHERE s.id = ?`).get(id) as CsatSurvey | undefined;
}

export function surveyOfTicket(store: Store, ticketId: number): CsatSurvey | undefined {
  return q(store, `SELECT ${COLUMNS} FROM csat_surveys s WHERE s.ticket_id = ?`).get(ticketId) as CsatSurvey | undefined;
}

/** The contact's latest survey (csat_surveys_contact), for the weekly limit. */
export function latestSurveyOfContact(store: Store, contactId: number): CsatSurvey | undefined {
  return q(store, `SELECT ${COLUMNS} FROM csat_surveys s WHERE s.contact_id = ? ORDER BY s.sent_at DESC LIMIT 1`).get(contactId) as
    CsatSurvey | undefined;
}

/**
 * The contact's latest survey on a channel: the one a reply there answers. Per channel, since a contact merged
 * from two identities can have a WhatsApp and an e-mail survey pending (csat_surveys_contact, a few rows a contact).
 */
export function latestSurveyOn(store: Store, contactId: number, channel: string): CsatSurvey | undefined {
  return q(store, `SELECT ${COLUMNS} FROM csat_surveys s WHERE s.contact_id = ? AND s.channel = ? ORDER BY s.sent_at DESC LIMIT 1`).get(
    contactId,
    channel,
  ) as CsatSurvey | undefined;
}

/**
 * The staff who handled the ticket: everyone who wrote to the citizen on it (operators, a specialist), and the
 * assignee at resolution. A rating counts for each of them.
 */
export function handlersOfTicket(store: Store, ticketId: number): number[] {
  const rows = q(
    store,
    `SELECT author_id AS id FROM messages WHERE ticket_id = ? AND direction = 'out' AND author_id IS NOT NULL
     UNION SELECT assignee_id FROM tickets WHERE id = ? AND assignee_id IS NOT NULL`,
  ).all(ticketId, ticketId) as { id: number }[];
  return rows.map((r) => r.id);
}

/** Whether someone on the staff wrote to the citizen on this ticket: a survey rates an answer. */
export function ticketWasAnswered(store: Store, ticketId: number): boolean {
  return (
    q(store, `SELECT 1 FROM messages WHERE ticket_id = ? AND direction = 'out' AND author_id IS NOT NULL LIMIT 1`).get(ticketId) !==
    undefined
  );
}

export function insertSurvey(
  store: Store,
  s: Pick<CsatSurvey, 'ticketId' | 'contactId' | 'courtId' | 'channel' | 'language' | 'messageId' | 'sentAt' | 'expiresAt'>,
  operatorIds: number[],
): number {
  const id = Number(
    q(
      store,
      `INSERT INTO csat_surveys (ticket_id, contact_id, court_id, channel, language, message_id, sent_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(s.ticketId, s.contactId, s.courtId, s.channel, s.language, s.messageId, s.sentAt, s.expiresAt).lastInsertRowid,
  );
  const add = q(store, `INSERT OR IGNORE INTO csat_operators (user_id, survey_id, sent_at) VALUES (?, ?, ?)`);
  for (const u of operatorIds) add.run(u, id, s.sentAt);
  return id;
}

/** The question's message, written after the survey whose id its links carry. */
export function setSurveyMessage(store: Store, id: number, messageId: number) {
  q(store, `UPDATE csat_surveys SET message_id = ? WHERE id = ?`).run(messageId, id);
}

/** Records the rating once, with its audit row: false when the survey was answered meanwhile (the token or
 * reply is spent). In the caller's transaction. */
export function recordRating(
  store: Store,
  survey: Pick<CsatSurvey, 'id' | 'ticketId'>,
  r: { score: number; comment: string | null; via: CsatVia; externalId: string | null; now: number },
): boolean {
  const recorded =
    q(
      store,
      `UPDATE csat_surveys SET score = ?, comment = ?, answered_via = ?, answered_at = ?, reply_external_id = ?
       WHERE id = ? AND score IS NULL`,
    ).run(r.score, r.comment, r.via, r.now, r.externalId, survey.id).changes > 0;
  if (recorded)
    store.audit({
      at: r.now,
      userId: null,
      action: 'csat.rated',
      entity: 'ticket',
      entityId: survey.ticketId,
      details: { score: r.score, via: r.via },
    });
  return recorded;
}

/** The comment that follows a rating (WhatsApp: the next message); false when there is one already. */
export function recordComment(store: Store, id: number, comment: string, externalId: string | null): boolean {
  return (
    q(store, `UPDATE csat_surveys SET comment = ?, comment_external_id = ? WHERE id = ? AND score IS NOT NULL AND comment IS NULL`).run(
      comment,
      externalId,
      id,
    ).changes > 0
  );
}

/** A ticket opened or continued by automated mail (auto-replies, lists, spam-flagged): it gets no survey. */
export function markAutomated(store: Store, ticketId: number) {
  q(store, `INSERT OR IGNORE INTO csat_automated (ticket_id) VALUES (?)`).run(ticketId);
}

export function isAutomated(store: Store, ticketId: number): boolean {
  return q(store, `SELECT 1 FROM csat_automated WHERE ticket_id = ?`).get(ticketId) !== undefined;
}

export function ticketCsat(store: Store, ticketId: number): TicketCsat | undefined {
  const s = surveyOfTicket(store, ticketId);
  if (!s) return undefined;
  const operators = q(
    store,
    `SELECT u.id, u.name FROM csat_operators o JOIN users u ON u.id = o.user_id WHERE o.survey_id = ? ORDER BY u.name`,
  ).all(s.id) as { id: number; name: string }[];
  return { ...s, operators };
}

/**
 * Ratings of the surveys sent (= tickets resolved) in [from, to), optionally of one court and/or one operator
 * (a rating counts for every operator who handled the ticket). The period is the survey's, so a rating given
 * later still counts in the period of the answer it rates.
 */
export function csatFor(store: Store, f: { courtId?: number; operatorId?: number; from: number; to: number }): CsatFigures {
  const where = ['s.sent_at >= @from', 's.sent_at < @to'];
  if (f.courtId !== undefined) where.push('s.court_id = @courtId');
  const source =
    f.operatorId !== undefined
      ? `csat_operators o JOIN csat_surveys s ON s.id = o.survey_id WHERE o.user_id = @operatorId AND o.sent_at >= @from AND o.sent_at < @to AND`
      : `csat_surveys s WHERE`;
  const rows = q(store, `SELECT s.score, count(*) AS n FROM ${source} ${where.join(' AND ')} GROUP BY s.score`).all({
    from: f.from,
    to: f.to,
    ...(f.courtId !== undefined ? { courtId: f.courtId } : {}),
    ...(f.operatorId !== undefined ? { operatorId: f.operatorId } : {}),
  }) as { score: number | null; n: number }[];
  const counts: CsatFigures['counts'] = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  let sent = 0;
  let sum = 0;
  for (const r of rows) {
    sent += r.n;
    if (r.score === null) continue;
    counts[r.score as 1 | 2 | 3 | 4 | 5] = r.n;
    sum += r.score * r.n;
  }
  const rated = counts[1] + counts[2] + counts[3] + counts[4] + counts[5];
  return { counts, rated, mean: rated ? sum / rated : null, sent };
}
