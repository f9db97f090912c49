// The benchmark's clients: a signed-in HTTP client that times each request, and simulated consoles (a
// socket.io connection plus the requests an operator's clicks make) for the load and event phases.
import { io as ioClient, type Socket } from 'socket.io-client';
import { PASSWORD } from './build-db.ts';

export interface Client {
  login: string;
  cookie: string;
  /** GET, timed on the client (ms); throws on a non-2xx answer. */
  get<T = unknown>(url: string): Promise<{ ms: number; body: T }>;
}

export async function signIn(base: string, login: string): Promise<Client> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${login}: HTTP ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? '';
  return {
    login,
    cookie,
    async get<T>(url: string) {
      const t = performance.now();
      const r = await fetch(`${base}${url}`, { headers: { cookie } });
      const text = await r.text();
      const ms = performance.now() - t;
      if (!r.ok) throw new Error(`GET ${url} as ${login}: HTTP ${r.status} ${text.slice(0, 200)}`);
      return { ms, body: JSON.parse(text) as T };
    },
  };
}

export function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))] : NaN);
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.length ? s[s.length - 1] : NaN };
}

export type ListPage = { items: { id: number }[]; total: number; nextCursor?: string | null };

/** A console as it follows the server: which events it got, and the requests it would have to make for them. */
export class SimConsole {
  readonly socket: Socket;
  /** Arrival time (performance.now()) of each event by name. */
  readonly events: { name: string; at: number; payload: unknown }[] = [];
  readonly latencies: number[] = [];
  errors = 0;

  private constructor(
    readonly client: Client,
    socket: Socket,
  ) {
    this.socket = socket;
    socket.onAny((name: string, payload: unknown) => this.events.push({ name, at: performance.now(), payload }));
  }

  static async open(base: string, client: Client): Promise<SimConsole> {
    const socket = ioClient(base, {
      extraHeaders: { cookie: client.cookie },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return new SimConsole(client, socket);
  }

  /**
   * Requests a console following the contract of issue #21 still has to make for the events since `from`: a
   * list reload when a ticket event carries no row, a counters reload when a ticket event of a court it sees
   * came without a `counts` event after it.
   */
  wouldRequest(from: number): number {
    const since = this.events.filter((e) => e.at >= from);
    const ticketEvents = since.filter((e) => e.name.startsWith('ticket.'));
    const withoutRow = ticketEvents.filter((e) => !(e.payload as { ticket?: { id?: number } } | null)?.ticket?.id).length;
    const counted = since.some((e) => e.name === 'counts' || e.name === 'counts.user');
    return (withoutRow > 0 ? 1 : 0) + (ticketEvents.length > 0 && !counted ? 1 : 0);
  }

  /** Pages through queues and searches like an operator clicking, with a pause between clicks, until `until`. */
  async work(queues: string[], searches: string[], until: number, rand: () => number) {
    let k = 0;
    while (performance.now() < until) {
      const step = k++ % 4;
      const queue = queues[Math.floor(rand() * queues.length)];
      try {
        if (step === 0) this.latencies.push((await this.client.get('/api/tickets/counts')).ms);
        else if (step === 3) {
          const q = encodeURIComponent(searches[Math.floor(rand() * searches.length)]);
          this.latencies.push((await this.client.get(`/api/tickets?q=${q}&limit=50`)).ms);
        } else {
          const first = await this.client.get<ListPage>(`/api/tickets?queue=${queue}&limit=50`);
          this.latencies.push(first.ms);
          if (first.body.nextCursor)
            this.latencies.push((await this.client.get(`/api/tickets?queue=${queue}&limit=50&cursor=${first.body.nextCursor}`)).ms);
        }
      } catch {
        this.errors++;
      }
      await new Promise((r) => setTimeout(r, 250 + rand() * 500));
    }
  }

  close() {
    this.socket.close();
  }
}
