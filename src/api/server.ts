// The express application: /api (JSON, authenticated except health and login), /metrics (its own access rule,
// src/metrics/http.ts) and the console's build at /.
import express from 'express';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AttachmentStore } from '../attachments.ts';
import type { CalendarBook } from '../calendars.ts';
import type { ChannelRegistry } from '../channels.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { EscalationService } from '../escalations.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../log.ts';
import { metricsEndpoint, timeRequests } from '../metrics/http.ts';
import type { VicMetrics } from '../metrics/index.ts';
import type { Outbox } from '../outbox.ts';
import type { ReadPool } from '../readpool/pool.ts';
import type { Store } from '../store/index.ts';
import type { TicketService } from '../tickets.ts';
import { VicError } from '../errors.ts';
import { authenticate, errorHandler, parse, userOf } from './http.ts';
import { refuseCrossOrigin, requireMediaType } from './origin.ts';
import { requestLog } from './request-log.ts';
import { authRoutes } from './routes-auth.ts';
import { ticketRoutes } from './routes-tickets.ts';
import { adminRoutes } from './routes-admin.ts';
import { escalationRoutes } from './routes-escalations.ts';
import { callRoutes } from './routes-calls.ts';
import { callbackRoutes } from './routes-callbacks.ts';
import { retentionRoutes } from './routes-retention.ts';
import { scopeRoutes } from './routes-scope.ts';
import { contactRoutes } from './routes-contacts.ts';
import { readRoutes } from './routes-reads.ts';
import { bulkRoutes } from './routes-bulk.ts';
import { csatRoutes } from './routes-csat.ts';
import { csatPage } from '../csat/page.ts';
import { workingHoursRoutes } from './routes-working-hours.ts';
import { topicRoutes } from './routes-topics.ts';
import { reportRoutes } from './routes-reports.ts';
import { announcementRoutes } from './routes-announcements.ts';

export interface ApiDeps {
  config: Config;
  store: Store;
  /** Reads that may scan run there, off the event loop. */
  reads: ReadPool;
  clock: Clock;
  events: EventBus;
  registry: ChannelRegistry;
  outbox: Outbox;
  tickets: TicketService;
  escalations: EscalationService;
  attachments: AttachmentStore;
  calendars: CalendarBook;
  log: Logger;
  metrics: VicMetrics;
  uiDir: string;
}

export function createApi(deps: ApiDeps): express.Express {
  const { store, registry, clock, events } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestLog(deps.log));
  app.use(timeRequests(deps.metrics, app));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    // The console loads only its own scripts; citizen content can never run as code here.
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
    next();
  });
  // Outside /api: Prometheus sends no session and no Origin, and needs neither.
  app.get('/metrics', metricsEndpoint(deps.metrics, deps.config.METRICS_TOKEN));
  // The citizens' survey page (src/csat/page.ts): public, the signed token its only key, its own CSP.
  app.use('/csat', csatPage({ store, clock, events, secret: deps.config.CSAT_SECRET }));
  // Changes come from the console's own origin and carry JSON (the case directory: text/csv; an announcement
  // upload: audio/wav), checked before any body is read.
  app.use(
    '/api',
    refuseCrossOrigin(deps.config.PUBLIC_ORIGIN),
    requireMediaType([
      { path: /^\/case-assignments\/?$/, type: 'text/csv' },
      { path: /^\/announcements\/([^/]+\/[^/]+|music)$/, type: 'audio/wav', method: 'PUT' },
    ]),
  );
  app.use('/api', express.json({ limit: '256kb' }));
  app.use('/api/case-assignments', express.text({ type: 'text/csv', limit: '20mb' }));

  app.get('/api/health', (_req, res) => {
    store.db.prepare('SELECT 1').get();
    // Public: states and reasons only; details (a pairing QR, say) are for admins at /api/channels.
    const channels = Object.fromEntries(Object.entries(registry.health()).map(([name, h]) => [name, { ...h, details: undefined }]));
    res.json({ ok: true, schema: store.schemaVersion, channels });
  });
  app.use('/api/auth', authRoutes(deps));

  app.use('/api', authenticate(store, clock));
  // A supervisor reads reports and handles no tickets: every ticket route refuses them, before its own checks.
  app.use(['/api/tickets', '/api/messages', '/api/attachments', '/api/contacts', '/api/notifications', '/api/calls'], (req, _res, next) => {
    if (userOf(req).role === 'supervisor') throw new VicError('VIC_FORBIDDEN');
    next();
  });
  app.get('/api/me', (req, res) =>
    res.json({ user: userOf(req), presence: store.getPresence(userOf(req).id), timeZone: deps.config.TZ_COURT }),
  );
  app.put('/api/me/presence', (req, res) => {
    const { status } = parse(z.object({ status: z.enum(['available', 'away']) }), req.body);
    store.setPresenceStatus(userOf(req).id, status);
    store.audit({
      at: clock.now(),
      userId: userOf(req).id,
      action: 'presence.changed',
      entity: 'user',
      entityId: userOf(req).id,
      details: { status },
    });
    events.emit({ type: 'presence.changed', userId: userOf(req).id });
    res.json({ presence: store.getPresence(userOf(req).id) });
  });
  app.use('/api', ticketRoutes(deps));
  app.use('/api', escalationRoutes(deps));
  app.use('/api', callRoutes(deps));
  app.use('/api', callbackRoutes(deps));
  app.use('/api', adminRoutes(deps));
  app.use('/api', retentionRoutes(deps));
  app.use('/api', scopeRoutes(deps));
  app.use('/api', contactRoutes(deps));
  app.use('/api', readRoutes(deps));
  app.use('/api', bulkRoutes(deps));
  app.use('/api', csatRoutes(deps));
  app.use('/api', workingHoursRoutes(deps));
  app.use('/api', topicRoutes(deps));
  app.use('/api', reportRoutes(deps));
  app.use('/api', announcementRoutes(deps));
  app.use('/api', () => {
    throw new VicError('VIC_NOT_FOUND', 'No such API route');
  });

  if (fs.existsSync(path.join(deps.uiDir, 'index.html'))) {
    app.use(express.static(deps.uiDir, { index: 'index.html', maxAge: '1h' }));
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => res.sendFile(path.join(deps.uiDir, 'index.html')));
  } else {
    app.get('/', (_req, res) => res.type('text').send('VIC is running. The console is not built: run `npm run build:ui`.'));
  }
  app.use(errorHandler(deps.log));
  return app;
}
