// Test helpers: a real VIC (temporary data dir, real HTTP server) with a clock the test controls.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as ioClient, type Socket } from 'socket.io-client';
import { Vic } from '../src/app.ts';
import { ManualClock } from '../src/clock.ts';
import { testConfig, type Config } from '../src/config.ts';
import type { InboundEnvelope } from '../src/envelope.ts';
import argon2 from 'argon2';
import type { Role } from '../src/store/index.ts';
import { MIGRATIONS } from '../src/store/migrations.ts';

/** Tuesday 2026-12-01 10:00 in Petropavl (UTC+5): working time. */
export const WORKING = Date.parse('2026-12-01T05:00:00Z');
/** Saturday 2026-11-28 22:00 local. */
export const SATURDAY_NIGHT = Date.parse('2026-11-28T17:00:00Z');

const tempDirs: string[] = [];
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vic-test-'));
  tempDirs.push(dir);
  return dir;
}
/** Run after each test file (tests/setup.ts): repeated runs would otherwise fill the temp folder. */
export function removeTempDirs() {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A database as a release that knew only the first `version` migrations left it (to test an upgrade). */
export function databaseAtVersion(version: number): { file: string; db: Database.Database } {
  const file = path.join(tempDir(), 'vic.sqlite');
  const db = new Database(file);
  for (const [v, sql] of MIGRATIONS.slice(0, version).entries()) {
    db.exec(sql);
    db.pragma(`user_version = ${v + 1}`);
  }
  return { file, db };
}

export async function makeVic(over: Partial<Config> = {}, at = WORKING) {
  const clock = new ManualClock(at);
  const vic = new Vic({ config: testConfig({ DATA_DIR: tempDir(), ADMIN_PASSWORD: 'admin-secret-1', ...over }), clock });
  await vic.seed();
  return { vic, clock };
}

let seq = 0;
export function envelope(over: Partial<InboundEnvelope> = {}): InboundEnvelope {
  seq++;
  return {
    channel: 'whatsapp',
    account: 'test',
    externalId: `ext-${process.pid}-${seq}`,
    sender: { kind: 'whatsapp', address: '77012345678@c.us', displayName: 'Ержан' },
    text: 'Здравствуйте, когда будет заседание по моему делу?',
    receivedAt: Date.parse('2026-12-01T05:00:00Z'),
    ...over,
  };
}

/** argon2id with cheap parameters, one hash per password: tests sign in often, and verify reads the hash's own
 * parameters. Production hashing (hashPassword) is checked on a user made through the API (api.test.ts). */
const cheapHashes = new Map<string, Promise<string>>();
export function testHash(password: string): Promise<string> {
  let h = cheapHashes.get(password);
  if (!h) cheapHashes.set(password, (h = argon2.hash(password, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1 })));
  return h;
}

export async function addUser(
  vic: Vic,
  login: string,
  role: Role,
  courtCode: string | null = 'sko-regional',
  password = 'password-123',
  sipExtension: string | null = null,
) {
  const courtId = courtCode ? vic.store.getCourtByCode(courtCode)!.id : null;
  const id = vic.store.createUser(
    { login, name: login, role, passwordHash: await testHash(password), courtId, sipExtension },
    vic.clock.now(),
  );
  return vic.store.getUser(id)!;
}

// Servers and sockets opened by serve() are closed after each test (tests/setup.ts).
const open: { vics: Vic[]; sockets: Socket[] } = { vics: [], sockets: [] };
export async function closeServed() {
  open.sockets.splice(0).forEach((s) => s.close());
  await Promise.all(open.vics.splice(0).map((v) => v.close()));
}

/** A running server and a tiny client that keeps the session cookie. */
export async function serve(vic: Vic) {
  const port = await vic.listen(0, '127.0.0.1');
  open.vics.push(vic);
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    async login(login: string, password: string) {
      const res = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login, password }),
      });
      const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? '';
      return { res, cookie, api: client(base, cookie) };
    },
    anon: client(base, ''),
    /** `headers`: what a browser would add, e.g. its Origin. */
    socket(cookie: string, headers: Record<string, string> = {}): Promise<Socket> {
      const s = ioClient(base, {
        extraHeaders: { ...headers, ...(cookie ? { cookie } : {}) },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      open.sockets.push(s);
      return new Promise((resolve, reject) => {
        s.once('connect', () => resolve(s));
        s.once('connect_error', (e) => {
          s.close();
          reject(e);
        });
      });
    },
  };
}

/** A response body: its JSON, or its text when it is not JSON. Read it as the shape a test expects with a cast. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function client(base: string, cookie: string) {
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${base}${url}`, {
      method,
      // As the console: every change is JSON, bodiless ones (DELETE) included; no Origin, as a non-browser client.
      headers: { ...(cookie ? { cookie } : {}), ...(method !== 'GET' ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: parseBody(await res.text()), headers: res.headers };
  };
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, body: unknown = {}) => call('POST', url, body),
    patch: (url: string, body: unknown) => call('PATCH', url, body),
    put: (url: string, body: unknown) => call('PUT', url, body),
    del: (url: string) => call('DELETE', url),
  };
}

/** Waits for one socket event, or fails after `ms`. */
export function nextEvent<T = unknown>(s: Socket, name: string, ms = 2000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${name} within ${ms} ms`)), ms);
    s.once(name, (p: T) => {
      clearTimeout(t);
      resolve(p);
    });
  });
}

/** Polls until fn gives a truthy value (returned), or fails naming what it waited for. */
export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
