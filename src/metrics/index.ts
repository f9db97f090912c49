// Prometheus metrics (docs/metrics.md lists them). Each Vic owns its registry, so several Vics in one process (the
// tests) never share a counter; what describes the process itself (event-loop lag, memory, CPU, GC) is collected once
// per process, in a registry of its own, and exposed with every Vic's.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ChannelRegistry } from '../channels.ts';
import type { Clock } from '../clock.ts';
import type { EventBus } from '../events.ts';
import type { IngestResult } from '../ingest/pipeline.ts';
import type { ConsoleServer } from '../realtime.ts';
import type { Store } from '../store/index.ts';
import { snapshot, stateSet, type Snapshot } from './collect.ts';

const CHANNELS = new Set(['whatsapp', 'email', 'sip', 'web']);
/** Ingest takes about a millisecond; a slow disk or a big attachment shows in the upper buckets. */
const INGEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let processRegistry: Registry | undefined;
/** Started on first use: the event-loop monitor and GC observer are per process and never stopped. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export type OutboxFailureKind = 'temporary' | 'unavailable' | 'permanent';

export interface MetricsDeps {
  store: Store;
  channels: ChannelRegistry;
  clock: Clock;
  events: EventBus;
}

export class VicMetrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  private readonly process = processMetrics();
  private consoles: ConsoleServer | null = null;
  /** The scrape in progress: its gauges share one reading of the database. */
  private current: Snapshot | null = null;

  private readonly ingested: Counter<'channel' | 'result'>;
  private readonly ingestSeconds: Histogram<'channel'>;
  private readonly attempts: Counter<'channel'>;
  private readonly attemptFailures: Counter<'channel' | 'kind'>;
  private readonly failedMessages: Counter<'channel'>;
  private readonly slaBreaches: Counter<'court'>;
  readonly http: Histogram<'method' | 'route' | 'status'>;

  constructor(private readonly deps: MetricsDeps) {
    const registers = [this.registry];
    this.ingested = new Counter({
      name: 'vic_ingest_messages_total',
      help: 'Inbound messages and calls taken in, by channel and result (created, appended, duplicate, error)',
      labelNames: ['channel', 'result'],
      registers,
    });
    this.ingestSeconds = new Histogram({
      name: 'vic_ingest_duration_seconds',
      help: 'Time to take in one inbound message (the ingest pipeline and its transaction)',
      labelNames: ['channel'],
      buckets: INGEST_BUCKETS,
      registers,
    });
    this.attempts = new Counter({
      name: 'vic_outbox_attempts_total',
      help: 'Outbound messages handed to a channel to send',
      labelNames: ['channel'],
      registers,
    });
    this.attemptFailures = new Counter({
      name: 'vic_outbox_attempt_failures_total',
      help: 'Send attempts that failed, by kind (temporary, unavailable: retried; permanent: not)',
      labelNames: ['channel', 'kind'],
      registers,
    });
    this.failedMessages = new Counter({
      name: 'vic_outbox_failed_total',
      help: 'Outbound messages given up (failed): refused, retry period over, no address, demo data',
      labelNames: ['channel'],
      registers,
    });
    this.slaBreaches = new Counter({
      name: 'vic_sla_first_response_breaches_total',
      help: 'Tickets whose first-response deadline passed unanswered, counted when first seen',
      labelNames: ['court'],
      registers,
    });
    const escalationBreaches = new Counter({
      name: 'vic_escalation_breaches_total',
      help: 'Escalations whose pick-up or answer time passed (the operator was alerted)',
      labelNames: ['kind'],
      registers,
    });
    deps.events.on((e) => {
      if (e.type === 'escalation.breached') escalationBreaches.inc({ kind: e.kind });
    });
    this.http = new Histogram({
      name: 'vic_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status class',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.scraped(registers);
  }

  /** Gauges read at scrape time from one snapshot per scrape (a few grouped queries and a stat); nothing between scrapes. */
  private scraped(registers: Registry[]) {
    const scrape = () => this.current ?? snapshot(this.deps.store, this.deps.channels, this.deps.clock.now());
    new Gauge({
      name: 'vic_outbox_messages',
      help: 'Outbound messages in the outbox by status (queued, sending, failed)',
      labelNames: ['channel', 'status'],
      registers,
      collect() {
        this.reset();
        for (const r of scrape().outbox) this.set({ channel: r.channel, status: r.status }, r.n);
      },
    });
    new Gauge({
      name: 'vic_channel_up',
      help: '1 when the channel is connected, 0 otherwise',
      labelNames: ['channel'],
      registers,
      collect() {
        this.reset();
        for (const c of scrape().channels) this.set({ channel: c.channel }, c.state === 'connected' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'vic_channel_state',
      help: "1 for the channel's current state (connected, connecting, pairing, degraded, down), 0 for the others",
      labelNames: ['channel', 'state'],
      registers,
      collect() {
        this.reset();
        for (const c of scrape().channels) for (const [state, v] of stateSet(c.state)) this.set({ channel: c.channel, state }, v);
      },
    });
    new Gauge({
      name: 'vic_tickets_open',
      help: 'Tickets not resolved (open or waiting), by court and queue (unassigned, assigned, escalated, off-hours)',
      labelNames: ['court', 'queue'],
      registers,
      collect() {
        this.reset();
        for (const r of scrape().tickets.queues) this.set({ court: r.court, queue: r.queue }, r.n);
      },
    });
    new Gauge({
      name: 'vic_sla_first_response_overdue',
      help: 'Tickets past their first-response deadline and not answered yet',
      labelNames: ['court'],
      registers,
      collect() {
        this.reset();
        for (const [court, n] of scrape().tickets.overdue) this.set({ court }, n);
      },
    });
    const consoles = () => this.consoles;
    new Gauge({
      name: 'vic_console_connections',
      help: 'Live console (socket.io) connections by role',
      labelNames: ['role'],
      registers,
      collect() {
        this.reset();
        for (const role of ['admin', 'operator', 'specialist', 'supervisor'] as const) this.set({ role }, 0);
        for (const socket of consoles()?.of('/').sockets.values() ?? []) this.inc({ role: socket.data.user.role });
      },
    });
    new Gauge({
      name: 'vic_sqlite_wal_bytes',
      help: 'Size of the SQLite write-ahead log (vic.sqlite-wal)',
      registers,
      collect() {
        this.set(scrape().sqlite.walBytes);
      },
    });
    new Gauge({
      name: 'vic_sqlite_pages',
      help: 'Pages in the SQLite database file',
      registers,
      collect() {
        this.set(scrape().sqlite.pages);
      },
    });
    new Gauge({
      name: 'vic_sqlite_database_bytes',
      help: 'Size of the SQLite database (pages × page size, without the WAL)',
      registers,
      collect() {
        const { pages, pageSize } = scrape().sqlite;
        this.set(pages * pageSize);
      },
    });
  }

  /** Times one inbound message through `run` (the pipeline) and counts its result. */
  ingest(channel: string, run: () => IngestResult): IngestResult {
    const label = CHANNELS.has(channel) ? channel : 'other';
    const end = this.ingestSeconds.startTimer({ channel: label });
    let result = 'error';
    try {
      const r = run();
      result = r.duplicate ? 'duplicate' : r.ticketCreated ? 'created' : 'appended';
      return r;
    } finally {
      end();
      this.ingested.inc({ channel: label, result });
    }
  }

  outboxAttempt(channel: string) {
    this.attempts.inc({ channel });
  }
  outboxAttemptFailed(channel: string, kind: OutboxFailureKind) {
    this.attemptFailures.inc({ channel, kind });
  }
  outboxFailed(channel: string) {
    this.failedMessages.inc({ channel });
  }

  /** The dispatcher flagged these tickets' first-response deadline as breached (once per ticket). */
  slaBreached(ticketIds: number[]) {
    const { store } = this.deps;
    for (const id of ticketIds) {
      const t = store.getTicket(id);
      if (t) this.slaBreaches.inc({ court: store.getCourt(t.courtId)?.code ?? String(t.courtId) });
    }
  }

  /** The realtime server, whose connections are counted at scrape. */
  watchConsoles(io: ConsoleServer) {
    this.consoles = io;
  }

  /** The text exposition: this process's metrics, then this Vic's. */
  async text(): Promise<string> {
    const { store, channels, clock } = this.deps;
    this.current = snapshot(store, channels, clock.now());
    try {
      return (await Promise.all([this.process.metrics(), this.registry.metrics()])).join('\n');
    } finally {
      this.current = null;
    }
  }
}
