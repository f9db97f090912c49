// Composition root: builds the store, the ingest pipeline, the outbox, the API and realtime around one config.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CourtCalendar } from '../routing/calendar/index.ts';
import { AttachmentStore } from './attachments.ts';
import { CalendarBook } from './calendars.ts';
import { CallService } from './calls.ts';
import { phoneHooks } from './phone-hooks.ts';
import { CsatService } from './csat/service.ts';
import { hashPassword, randomPassword } from './auth.ts';
import { ChannelRegistry, type ChannelAdapter, type ChannelContext } from './channels.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { CENTRE_COURTS } from './courts.ts';
import { Dispatcher } from './dispatcher.ts';
import { EscalationService } from './escalations.ts';
import type { InboundEnvelope } from './envelope.ts';
import { EventBus } from './events.ts';
import { ingest, type ChannelStateWrites, type IngestResult, type PipelineDeps } from './ingest/pipeline.ts';
import { createLogger, type Logger } from './log.ts';
import { VicMetrics } from './metrics/index.ts';
import { Outbox } from './outbox.ts';
import { scheduleCounterCheck } from './readpool/counter-check.ts';
import { ReadPool } from './readpool/pool.ts';
import { CallRecordings } from './recordings.ts';
import { RetentionJob } from './retention/job.ts';
import { CatchUpJob } from './catch-up-job.ts';
import { FACTS_BATCH, runFactsBatch } from './reports/facts.ts';
import { SEARCH_BATCH } from './store/search.ts';
import { createApi } from './api/server.ts';
import { BackupScheduler } from './backup/schedule.ts';
import { attachRealtime } from './realtime.ts';
import { Store } from './store/index.ts';
import { TicketService } from './tickets.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface VicOptions {
  config: Config;
  clock?: Clock;
  log?: Logger;
  /** ':memory:' is allowed for tools and tests that need no files. */
  store?: Store;
  /** Tests: a module whose `READS` add or replace the read workers' reads (src/readpool/). */
  extraReads?: string;
}

export class Vic {
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  readonly store: Store;
  readonly events = new EventBus();
  readonly registry = new ChannelRegistry();
  readonly metrics: VicMetrics;
  readonly attachments: AttachmentStore;
  readonly calendars: CalendarBook;
  readonly outbox: Outbox;
  readonly tickets: TicketService;
  readonly escalations: EscalationService;
  readonly calls: CallService;
  /** The citizens' rating: the survey at resolution, a rating reply taken before ingest. */
  readonly csat: CsatService;
  readonly dispatcher: Dispatcher;
  /** The daily retention run (docs/retention.md). */
  readonly retention: RetentionJob;
  /** Scheduled backups; null without BACKUP_DIR. */
  readonly backups: BackupScheduler | null;
  readonly pipeline: PipelineDeps;
  readonly server: http.Server;
  /** Reads that may scan, run off the event loop. */
  readonly reads: ReadPool;
  private housekeepingTimer: NodeJS.Timeout | null = null;
  private stopCounterCheck: (() => void) | null = null;
  private searchIndexer: CatchUpJob | null = null;
  private reportFacts: CatchUpJob | null = null;
  /** Set on first start when ADMIN_PASSWORD was not given: printed once. */
  generatedAdminPassword: string | null = null;

  constructor(opts: VicOptions) {
    this.config = opts.config;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? createLogger(opts.config.LOG_LEVEL);
    this.store = opts.store ?? Store.open(opts.config.DATA_DIR);
    this.attachments = new AttachmentStore(this.store.attachmentsDir, this.config.MAX_ATTACHMENT_BYTES);
    this.reads = new ReadPool({
      store: this.store,
      workers: this.config.READ_WORKERS,
      timeoutMs: this.config.READ_QUERY_TIMEOUT_MS,
      log: this.log,
      extraReads: opts.extraReads,
    });
    this.calendars = new CalendarBook(this.store, this.config.TZ_COURT);
    const calendarFor = (courtId: number) => this.calendarFor(courtId);
    this.metrics = new VicMetrics({ store: this.store, channels: this.registry, clock: this.clock, events: this.events });
    this.outbox = new Outbox({
      store: this.store,
      registry: this.registry,
      clock: this.clock,
      events: this.events,
      log: this.log,
      config: this.config,
      metrics: this.metrics,
    });
    this.tickets = new TicketService({ store: this.store, clock: this.clock, events: this.events, outbox: this.outbox, calendarFor });
    this.csat = new CsatService({
      store: this.store,
      clock: this.clock,
      events: this.events,
      outbox: this.outbox,
      config: this.config,
      calendarFor,
      log: this.log,
    });
    this.calls = new CallService({ store: this.store, clock: this.clock, events: this.events, config: this.config, calendarFor });
    this.escalations = new EscalationService({
      store: this.store,
      clock: this.clock,
      events: this.events,
      outbox: this.outbox,
      tickets: this.tickets,
      calendarFor,
      config: this.config,
    });
    this.dispatcher = new Dispatcher({
      store: this.store,
      clock: this.clock,
      events: this.events,
      log: this.log,
      calendarFor,
      offlineGraceMs: this.config.OFFLINE_GRACE_MIN * 60_000,
      timers: () => this.escalations.checkTimers(),
      slaBreached: (ids) => this.metrics.slaBreached(ids),
    });
    this.backups = BackupScheduler.fromConfig(this.config, { db: this.store.db, clock: this.clock, log: this.log });
    this.retention = new RetentionJob({
      store: this.store,
      clock: this.clock,
      config: this.config,
      attachments: this.attachments,
      log: this.log,
    });
    this.pipeline = {
      store: this.store,
      clock: this.clock,
      config: this.config,
      calendarFor,
      attachments: this.attachments,
      events: this.events,
    };
    const app = createApi({
      config: this.config,
      store: this.store,
      reads: this.reads,
      clock: this.clock,
      events: this.events,
      registry: this.registry,
      outbox: this.outbox,
      tickets: this.tickets,
      escalations: this.escalations,
      attachments: this.attachments,
      calendars: this.calendars,
      log: this.log,
      metrics: this.metrics,
      uiDir: path.join(ROOT, 'operator-ui', 'dist'),
    });
    this.server = http.createServer(app);
    this.metrics.watchConsoles(
      attachRealtime(this.server, { config: this.config, store: this.store, clock: this.clock, events: this.events, log: this.log }),
    );
  }

  calendarFor(courtId: number): CourtCalendar {
    return this.calendars.for(courtId);
  }

  ingest(envelope: InboundEnvelope, state?: ChannelStateWrites): IngestResult {
    // A reply to a survey ("1"–"5") is a rating, not a message: it never reaches the pipeline.
    const rating = this.csat.intercept(envelope, state);
    if (rating) return rating;
    const r = this.metrics.ingest(envelope.channel, () => ingest(this.pipeline, envelope, state));
    this.csat.afterIngest(envelope, r);
    // Only a queued auto-reply needs the outbox now; otherwise its timer suffices.
    if (r.autoReplies > 0) this.outbox.kick();
    return r;
  }

  /** First start: the centre's courts and the admin account. */
  async seed() {
    const now = this.clock.now();
    if (this.store.listCourts().length === 0) for (const c of CENTRE_COURTS) this.store.createCourt(c, now);
    if (!this.store.getUserByLogin('admin')) {
      const password = this.config.ADMIN_PASSWORD ?? randomPassword();
      if (!this.config.ADMIN_PASSWORD) this.generatedAdminPassword = password;
      this.store.createUser({ login: 'admin', name: 'Administrator', role: 'admin', passwordHash: await hashPassword(password) }, now);
    }
  }

  channelContext(adapter: ChannelAdapter): ChannelContext {
    return {
      ingest: (e, state) => this.ingest(e, state && { channel: adapter.name, values: state }),
      healthChanged: () => {
        const health = adapter.health();
        this.events.emit({ type: 'channel.health', channel: adapter.name, health });
        // Back up: what waited for the channel goes out now, not at its next retry. Any other change may make it
        // ready to send (or not): the outbox looks again.
        if (health.state === 'connected') this.outbox.channelUp(adapter.name);
        else this.outbox.kick();
      },
      reportDelivery: (externalId, status, reason) => {
        const id = this.store.advanceDeliveryByExternal(adapter.name, externalId, status, reason ?? null);
        if (id === undefined) return;
        const message = this.store.getMessage(id)!;
        this.events.emit({ type: 'message.updated', ticket: this.store.getTicket(message.ticketId)!, message });
      },
      state: {
        get: (key) => this.store.getChannelState(adapter.name, key),
        set: (key, value) => this.store.setChannelState(adapter.name, key, value, this.clock.now()),
      },
      calls: this.calls,
      recordings: new CallRecordings({ store: this.store, events: this.events, clock: this.clock, log: this.log }),
      phone: phoneHooks(this),
      clock: this.clock,
      log: this.log.child({ channel: adapter.name }),
    };
  }

  /**
   * A channel that fails to start is reported down; the helpdesk keeps running without it. The outbox may already
   * run: it hands a channel nothing before it is registered and ready, so waiting messages lose no attempt.
   */
  async addChannel(adapter: ChannelAdapter) {
    this.registry.register(adapter);
    try {
      await adapter.start(this.channelContext(adapter));
    } catch (err) {
      this.log.error({ err, channel: adapter.name }, 'channel failed to start');
    }
    this.outbox.kick();
  }

  async listen(port = this.config.PORT, host = this.config.HOST): Promise<number> {
    await this.seed();
    this.store.resetConnections(this.clock.now());
    this.outbox.start();
    this.dispatcher.start();
    this.retention.start();
    this.backups?.start();
    this.housekeepingTimer = setInterval(() => {
      try {
        this.store.purgeSessions(this.clock.now() - this.config.RETENTION_SESSIONS_DAYS * 86_400_000);
      } catch (err) {
        this.log.error({ err }, 'housekeeping failed');
      }
    }, 2000);
    this.housekeepingTimer.unref();
    this.stopCounterCheck = scheduleCounterCheck(this, this.config.COUNTER_CHECK_MINUTES);
    this.searchIndexer = new CatchUpJob('search indexing', () => this.store.indexPendingSearch() >= SEARCH_BATCH, this.log).start();
    if (this.config.REPORT_FACTS)
      this.reportFacts = new CatchUpJob(
        'report facts',
        () => runFactsBatch(this.store, this.config.TZ_COURT, this.clock.now()) >= FACTS_BATCH,
        this.log,
      ).start();
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? addr.port : port;
  }

  private closed = false;
  async close() {
    if (this.closed) return;
    this.closed = true;
    if (this.housekeepingTimer) clearInterval(this.housekeepingTimer);
    this.stopCounterCheck?.();
    this.searchIndexer?.stop();
    this.reportFacts?.stop();
    this.dispatcher.stop();
    this.retention.stop();
    await this.backups?.stop();
    await this.outbox.stop();
    for (const a of this.registry.all())
      await a.stop().catch((err: unknown) => this.log.warn({ err, channel: a.name }, 'channel stop failed'));
    await new Promise<void>((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
    await this.reads.close();
    this.store.close();
  }
}
