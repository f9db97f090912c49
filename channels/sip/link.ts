// The link to drachtio-server: connect with the shared secret, prove the link alive with an OPTIONS to the PBX
// through it, reconnect with backoff, and say how it is (health). A PBX that fails the OPTIONS while
// drachtio-server answers is 'degraded', not down: calls, transfers and call-backs still go through drachtio.
import Srf from 'drachtio-srf';
import type { ChannelHealth, HealthReason, HealthState } from '../../src/channels.ts';
import type { Logger } from '../../src/log.ts';
import type { SipConfig } from './config.ts';
import type { SipDeps, SipRequest, SipResponse, SrfApi } from './types.ts';

export interface LinkHooks {
  log(): Logger | null;
  healthChanged(): void;
  onInvite(req: SipRequest, res: SipResponse): void;
  /** The PBX's address (host[:port]) the keep-alive goes to. */
  pbx(): string;
}

export function createLink(cfg: SipConfig, deps: SipDeps, hooks: LinkHooks) {
  const keepAliveMs = deps.keepAliveMs ?? 20_000;
  const ackTimeoutMs = deps.ackTimeoutMs ?? 5_000;
  const backoffMs = deps.backoffMs ?? 1_000;
  const maxBackoffMs = deps.maxBackoffMs ?? 60_000;

  let srf: SrfApi | null = null;
  /** Bumped on every (re)connect: events of an older connection are ignored. */
  let generation = 0;
  let running = false;
  let delay = backoffMs;
  let retryTimer: NodeJS.Timeout | null = null;
  let keepAliveTimer: NodeJS.Timeout | null = null;
  let ackTimer: NodeJS.Timeout | null = null;
  let health: ChannelHealth = { state: 'down', code: 'notStarted', reason: 'not started', since: Date.now() };
  let sipAddress: string | null = null;

  /** Every change is logged with where it came from, so an outage's course can be read back from the log. */
  function setHealth(state: HealthState, code?: HealthReason, reason?: string) {
    if (health.state === state && health.reason === reason) return;
    const from = health.state;
    health = { state, ...(code ? { code } : {}), ...(reason ? { reason } : {}), since: Date.now() };
    const line = { fromState: from, toState: state, code, reason }; // not from/to: the log scrubs those keys (citizens' addresses)
    if (state === 'connected') hooks.log()?.info(line, 'sip: health changed');
    else hooks.log()?.warn(line, 'sip: health changed');
    if (running) hooks.healthChanged();
  }

  function clearTimers() {
    for (const t of [retryTimer, keepAliveTimer, ackTimer]) if (t) clearTimeout(t);
    retryTimer = keepAliveTimer = ackTimer = null;
  }

  function teardown() {
    generation += 1;
    clearTimers();
    const old = srf;
    srf = null;
    sipAddress = null;
    try {
      old?.disconnect();
    } catch {
      // never got a socket: nothing to close
    }
  }

  /** The link is gone (closed, refused, silent): retry with exponential backoff. */
  function lost(gen: number, code: HealthReason, reason: string, state: HealthState = 'connecting') {
    if (gen !== generation || !running) return;
    teardown();
    const wait = delay;
    delay = Math.min(delay * 2, maxBackoffMs);
    setHealth(state, code, `${reason}; retrying in ${Math.round(wait / 1000)} s`);
    retryTimer = setTimeout(connect, wait);
    retryTimer.unref();
  }

  /** Fails the link when drachtio-server does not acknowledge within ackTimeoutMs. */
  function expectAck(gen: number, what: string) {
    if (ackTimer) clearTimeout(ackTimer);
    ackTimer = setTimeout(
      () => lost(gen, 'sipNoAck', `drachtio-server did not acknowledge ${what} within ${ackTimeoutMs} ms`),
      ackTimeoutMs,
    );
    ackTimer.unref();
  }

  function connect() {
    teardown();
    const gen = generation;
    const s = new Srf() as unknown as SrfApi;
    srf = s;
    setHealth('connecting', 'connecting', `connecting to drachtio-server ${cfg.host}:${cfg.port}`);
    s.on('connect', (err: Error | null, hostport: string) => {
      if (gen !== generation) {
        // a connection that completed after we gave up on it must not take calls
        try {
          s.disconnect();
        } catch {
          // already closed
        }
        return;
      }
      if (err) return lost(gen, 'sipSecretRejected', 'drachtio-server rejected SIP_DRACHTIO_SECRET', 'down');
      if (ackTimer) clearTimeout(ackTimer);
      delay = backoffMs;
      sipAddress = hostport.split(',')[0].replace(/^\w+\//, '');
      setHealth('connected');
      hooks.log()?.info({ hostport }, 'sip: connected to drachtio-server');
      keepAlive(gen);
    });
    // A refused or dropped connection surfaces as error and/or close; drachtio-srf's own retry is off
    // (maxAttempts 1) because a silent loss needs the same path, with our backoff and health reason.
    s.on('error', (err: Error) => lost(gen, 'sipUnreachable', `drachtio-server ${cfg.host}:${cfg.port}: ${err.message}`));
    s.on('close', () => lost(gen, 'sipUnreachable', `connection to drachtio-server ${cfg.host}:${cfg.port} closed`));
    s.invite((req, res) => hooks.onInvite(req, res));
    s.connect({ host: cfg.host, port: cfg.port, secret: cfg.secret, reconnect: { maxAttempts: 1 } });
    expectAck(gen, 'the connection');
  }

  /** A TCP link can die without a FIN: an OPTIONS to the PBX through drachtio-server proves both ends alive. */
  function keepAlive(gen: number) {
    keepAliveTimer = setTimeout(() => {
      if (gen !== generation || !srf) return;
      const pbx = hooks.pbx();
      expectAck(gen, 'a keep-alive');
      try {
        srf.request(`sip:${pbx}`, { method: 'OPTIONS', headers: { 'Max-Forwards': '1' } }, (err, req) => {
          if (gen !== generation) return;
          if (ackTimer) clearTimeout(ackTimer);
          if (err) {
            // drachtio-server answered, so the link is alive: it would not send to that address (e.g. its own)
            if ((err as Error & { code?: string }).code !== 'EDRACHTIO')
              return lost(gen, 'sipKeepAliveFailed', `keep-alive failed: ${err.message}`);
            setHealth('degraded', 'sipPbxUnreachable', `drachtio-server cannot send OPTIONS to the PBX ${pbx}: ${err.message}`);
            return keepAlive(gen);
          }
          req.on('response', (res: SipResponse) => {
            if (gen !== generation) return;
            if (res.status === 408 || res.status === 503)
              setHealth('degraded', 'sipPbxUnreachable', `PBX ${pbx} does not answer OPTIONS (${res.status})`);
            else setHealth('connected');
          });
          keepAlive(gen);
        });
      } catch (err) {
        lost(gen, 'sipKeepAliveFailed', `keep-alive failed: ${(err as Error).message}`); // drachtio-srf throws when it has no socket left
      }
    }, keepAliveMs);
    keepAliveTimer.unref();
  }

  return {
    start() {
      running = true;
      connect(); // never waits for drachtio-server: the helpdesk runs on and health says why SIP is not up
    },
    restart() {
      delay = backoffMs;
      connect();
    },
    stop() {
      running = false;
      teardown();
      setHealth('down', 'stopped', 'stopped');
    },
    srf: () => srf,
    health: () => health,
    sipAddress: () => sipAddress,
    /** Whether calls can be placed through drachtio-server now: also while the PBX's keep-alive fails. */
    usable: () => srf !== null && (health.state === 'connected' || health.state === 'degraded'),
  };
}
export type Link = ReturnType<typeof createLink>;
