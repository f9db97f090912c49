// The citizen's rating of an answer (CSAT): the survey queued when a ticket is resolved, and the citizen's
// reply taken before ingest when it is a rating (src/csat/reply.ts says which replies are).
//
// Who is asked: a ticket resolved after a staff member wrote to the citizen, on a channel that carries text
// (WhatsApp, e-mail), not an appeal turned away, not one automated mail opened or continued, and a contact not
// asked in the last CSAT_MIN_INTERVAL_DAYS. The question goes through the outbox (it survives an outage) and,
// when the ticket is resolved outside the court's working time, waits for its next opening: a court does not
// write to citizens at night.
import { isWorkingTime, nextOpening, type CourtCalendar } from '../../routing/calendar/index.ts';
import type { Clock } from '../clock.ts';
import { ConfigError, type Config } from '../config.ts';
import type { InboundEnvelope } from '../envelope.ts';
import type { EventBus } from '../events.ts';
import type { ChannelStateWrites, IngestResult } from '../ingest/pipeline.ts';
import type { Logger } from '../log.ts';
import { outboundFor } from '../outbound.ts';
import type { Outbox } from '../outbox.ts';
import type { Store, TicketRow } from '../store/index.ts';
import { parseRating, replyBody } from './reply.ts';
import * as db from './store.ts';
import { emailQuestion, emailThanks, surveyLang, whatsappQuestion, whatsappThanks, type SurveyLang } from './texts.ts';
import { signToken } from './token.ts';

export type CsatConfig = Pick<
  Config,
  'CSAT_ENABLED' | 'CSAT_SECRET' | 'CSAT_MIN_INTERVAL_DAYS' | 'CSAT_REPLY_DAYS' | 'CSAT_COMMENT_WINDOW_MIN' | 'PUBLIC_ORIGIN'
>;

export interface CsatDeps {
  store: Store;
  clock: Clock;
  events: EventBus;
  outbox: Pick<Outbox, 'kick'>;
  config: CsatConfig;
  calendarFor: (courtId: number) => CourtCalendar;
  log: Logger;
}

export type SkipReason = 'channel' | 'out_of_scope' | 'automated' | 'not_answered' | 'no_address' | 'recent' | 'surveyed';

const SURVEY_CHANNELS = new Set(['whatsapp', 'email']);
const COMMENT_MAX = 2000;

export class CsatService {
  constructor(private readonly d: CsatDeps) {
    if (!d.config.CSAT_ENABLED) return;
    if (!d.config.CSAT_SECRET || !d.config.PUBLIC_ORIGIN?.length)
      throw new ConfigError('config: CSAT_ENABLED needs CSAT_SECRET and PUBLIC_ORIGIN (the address of the survey links)');
    d.events.on((e) => {
      if (e.type !== 'ticket.updated' || e.ticket.status !== 'resolved' || e.before.status === 'resolved') return;
      // After the resolution's own listeners (the consoles hear of the resolution before of the question).
      queueMicrotask(() => {
        try {
          this.survey(e.ticket, e.before);
        } catch (err) {
          // A survey is a courtesy: failing it must not fail the resolution, which is committed already.
          d.log.error({ err, ticketId: e.ticket.id }, 'CSAT survey could not be queued');
        }
      });
    });
  }

  get enabled(): boolean {
    return this.d.config.CSAT_ENABLED;
  }

  /** The survey page's link for one score. */
  link(surveyId: number, expiresAt: number, score?: number): string {
    const base = this.d.config.PUBLIC_ORIGIN?.[0] ?? '';
    const token = signToken(this.d.config.CSAT_SECRET ?? '', surveyId, expiresAt);
    return `${base}/csat/${token}${score ? `?s=${score}` : ''}`;
  }

  /** Why this resolved ticket gets no survey, or null when it gets one. */
  skipReason(t: TicketRow, before: Pick<TicketRow, 'status'>): SkipReason | null {
    const { store, clock, config } = this.d;
    if (!SURVEY_CHANNELS.has(t.channel)) return 'channel';
    if (before.status === 'out_of_scope' || t.scopeVerdict === 'appeal') return 'out_of_scope';
    if (db.surveyOfTicket(store, t.id)) return 'surveyed';
    if (db.isAutomated(store, t.id)) return 'automated';
    if (!db.ticketWasAnswered(store, t.id)) return 'not_answered';
    if (!store.contactAddress(t.contactId, t.channel)) return 'no_address';
    const last = db.latestSurveyOfContact(store, t.contactId);
    if (last && last.sentAt > clock.now() - config.CSAT_MIN_INTERVAL_DAYS * 86_400_000) return 'recent';
    return null;
  }

  /** Queues the survey of a ticket just resolved; returns its id, or why none was sent. */
  survey(t: TicketRow, before: Pick<TicketRow, 'status'>): { surveyId: number } | { skipped: SkipReason } {
    const { store, clock, config, calendarFor } = this.d;
    const skipped = this.skipReason(t, before);
    if (skipped) {
      this.d.log.debug({ ticketId: t.id, skipped }, 'no CSAT survey');
      return { skipped };
    }
    const now = clock.now();
    const cal = calendarFor(t.courtId);
    const sendAt = isWorkingTime(cal, new Date(now)) ? now : nextOpening(cal, new Date(now)).getTime();
    const expiresAt = sendAt + config.CSAT_REPLY_DAYS * 86_400_000;
    const lang = surveyLang(t.language);
    const { surveyId, messageId } = store.tx(() => {
      // The question's text holds the links, which hold the survey's id: the row first, its message after.
      const surveyId = db.insertSurvey(
        store,
        {
          ticketId: t.id,
          contactId: t.contactId,
          courtId: t.courtId,
          channel: t.channel,
          language: lang,
          messageId: null,
          sentAt: now,
          expiresAt,
        },
        db.handlersOfTicket(store, t.id),
      );
      const text =
        t.channel === 'email' ? emailQuestion(lang, t.ref, (s) => this.link(surveyId, expiresAt, s)) : whatsappQuestion(lang, t.ref);
      const { messageId, outboxId } = queueAuto(store, t, text, 'csat', now);
      if (sendAt > now) store.updateOutbox(outboxId, { status: 'pending', nextAttemptAt: sendAt, lastError: null }, now);
      db.setSurveyMessage(store, surveyId, messageId);
      return { surveyId, messageId };
    });
    this.d.events.emit({ type: 'message.created', ticket: t, message: store.getMessage(messageId)! });
    this.d.events.emit({ type: 'csat.changed', ticket: t });
    this.d.outbox.kick();
    return { surveyId };
  }

  /**
   * Before ingest: the citizen's reply to a pending survey, taken as the rating (or, on WhatsApp, the comment
   * that follows one) instead of a message; undefined sends the envelope on through ingest. A message that is
   * not a rating costs no read on e-mail and two indexed reads on WhatsApp (the sender, their latest survey
   * there). A rating is thanked on its channel, and open views of the ticket are told.
   */
  intercept(env: InboundEnvelope, state?: ChannelStateWrites): IngestResult | undefined {
    if (!this.enabled || env.noAutoReply || env.call || !SURVEY_CHANNELS.has(env.channel)) return undefined;
    const body = env.channel === 'email' ? replyBody(env.text) : env.text.trim();
    const score = parseRating(body);
    if (score === null && env.channel !== 'whatsapp') return undefined;
    const { store, clock } = this.d;
    const contactId = store.findIdentity(env.sender.kind, env.sender.address.trim().toLowerCase());
    if (contactId === undefined) return undefined;
    const survey = db.latestSurveyOn(store, contactId, env.channel);
    if (!survey) return undefined;
    const now = clock.now();
    const taken = (messageId = 0): IngestResult => ({
      duplicate: false,
      ticketId: survey.ticketId,
      messageId,
      ticketCreated: false,
      autoReplies: messageId ? 1 : 0,
    });
    const writeState = () => {
      if (state) for (const [k, v] of Object.entries(state.values)) store.setChannelState(state.channel, k, v, now);
    };
    // A channel delivering the same reply again: already taken.
    if (env.externalId === survey.replyExternalId || env.externalId === survey.commentExternalId) {
      store.tx(writeState);
      return { ...taken(), duplicate: true };
    }
    if (score !== null) {
      if (survey.expiresAt <= now) return undefined;
      if (survey.score !== null) {
        // The same rating sent twice in a row is no new matter either; later, a digit is a message as any other.
        if (!this.inCommentWindow(survey, now)) return undefined;
        store.tx(writeState);
        return taken();
      }
      const ack = store.tx(() => {
        writeState();
        db.recordRating(store, survey, { score, comment: null, via: env.channel as db.CsatVia, externalId: env.externalId, now });
        return this.queueThanks(survey);
      });
      this.announce(survey.ticketId, ack);
      return taken(ack);
    }
    // WhatsApp: the next message shortly after a rating is its comment, unless it asks something.
    if (!this.inCommentWindow(survey, now) || survey.comment !== null || body.length === 0 || body.includes('?')) return undefined;
    store.tx(() => {
      writeState();
      db.recordComment(store, survey.id, body.slice(0, COMMENT_MAX), env.externalId);
      store.audit({
        at: now,
        userId: null,
        action: 'csat.commented',
        entity: 'ticket',
        entityId: survey.ticketId,
        details: { via: 'whatsapp' },
      });
    });
    this.d.events.emit({ type: 'csat.changed', ticket: store.getTicket(survey.ticketId)! });
    return taken();
  }

  /** After ingest: a ticket automated mail opened or continued gets no survey (the only write, and only for such mail). */
  afterIngest(env: InboundEnvelope, r: IngestResult) {
    if (this.enabled && env.noAutoReply && !r.duplicate) db.markAutomated(this.d.store, r.ticketId);
  }

  /** A WhatsApp rating given moments ago: the next message may be its comment. */
  private inCommentWindow(survey: db.CsatSurvey, now: number): boolean {
    return (
      survey.answeredVia === 'whatsapp' &&
      survey.answeredAt !== null &&
      now - survey.answeredAt <= this.d.config.CSAT_COMMENT_WINDOW_MIN * 60_000
    );
  }

  /** The thanks after a rating (on WhatsApp inviting the comment); in the caller's transaction. */
  private queueThanks(survey: db.CsatSurvey): number {
    const { store, clock, config } = this.d;
    const t = store.getTicket(survey.ticketId)!;
    const lang = survey.language as SurveyLang;
    const text = t.channel === 'whatsapp' ? whatsappThanks(lang, config.CSAT_COMMENT_WINDOW_MIN) : emailThanks(lang);
    return queueAuto(store, t, text, 'csat-thanks', clock.now()).messageId;
  }

  /** The rating and its thanks, to open views of the ticket. */
  private announce(ticketId: number, messageId: number) {
    const { store, events, outbox } = this.d;
    const ticket = store.getTicket(ticketId)!;
    events.emit({ type: 'message.created', ticket, message: store.getMessage(messageId)! });
    events.emit({ type: 'csat.changed', ticket });
    outbox.kick();
  }
}

/** The survey's own messages to the citizen (the question, the thanks): stored as automatic, sent by the outbox. */
function queueAuto(store: Store, t: TicketRow, text: string, kind: 'csat' | 'csat-thanks', now: number) {
  const messageId = store.insertMessage({
    ticketId: t.id,
    direction: 'out',
    channel: t.channel,
    auto: 'csat',
    text,
    deliveryStatus: 'queued',
    now,
  });
  return { messageId, outboxId: store.enqueueOutbox(messageId, t.channel, outboundFor(store, t, messageId, text, kind), now) };
}
