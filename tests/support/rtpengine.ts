// A throw-away rtpengine for tests: Debian's rtpengine-daemon in the foreground, userspace forwarding only
// (--table=-1: no kernel module, nothing system-wide), on 127.0.0.1 with a free ng port and a free block of RTP
// ports, its own config and pid file under a temporary folder (so /etc/rtpengine/rtpengine.conf is never read).
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const RTPENGINE_BIN = ['/usr/bin/rtpengine', '/usr/sbin/rtpengine'].find((p) => fs.existsSync(p));
/** Why the rtpengine tests cannot run here, or null when they can. */
export const rtpengineMissing: string | null = RTPENGINE_BIN ? null : 'rtpengine is not installed (apt-get install rtpengine-daemon)';

const HOST = '127.0.0.1';
const RTP_PORTS = 40; // two per stream (RTP + RTCP), two streams per call: room for ten calls

function bindUdp(port: number): Promise<dgram.Socket | null> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(null);
    });
    s.bind(port, HOST, () => resolve(s));
  });
}

/** A UDP port nobody uses now. */
export async function freeUdpPort(): Promise<number> {
  const s = (await bindUdp(0))!;
  const port = s.address().port;
  s.close();
  return port;
}

/** A block of `count` consecutive free UDP ports starting on an even number (rtpengine pairs RTP with RTCP). */
async function freePortBlock(count: number): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 15_000);
    const held: dgram.Socket[] = [];
    for (let p = base; p < base + count; p++) {
      const s = await bindUdp(p);
      if (!s) break;
      held.push(s);
    }
    for (const s of held) s.close();
    if (held.length === count) return base;
  }
  throw new Error(`rtpengine: no ${count} free consecutive UDP ports found`);
}

export interface RtpengineStartOptions {
  /** Where rtpengine sends its DTMF JSON log (`dtmf-log-dest`), host:port. */
  dtmfLogDest?: string;
  /** Call recording (ng `start recording`): rtpengine writes a pcap per call under this folder (recording-method=pcap). */
  recordingDir?: string;
}

export class Rtpengine {
  readonly host = HOST;
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    readonly ngPort: number,
    readonly portMin: number,
    readonly portMax: number,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** Starts an instance and waits until it answers; ports taken meanwhile by someone else mean another try. */
  static async start(opts: RtpengineStartOptions = {}): Promise<Rtpengine> {
    if (!RTPENGINE_BIN) throw new Error(rtpengineMissing!);
    let last: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vic-rtpengine-'));
      const ngPort = await freeUdpPort();
      const portMin = await freePortBlock(RTP_PORTS);
      const config = [
        '[rtpengine]',
        `interface = ${HOST}`,
        `listen-ng = ${HOST}:${ngPort}`,
        `port-min = ${portMin}`,
        `port-max = ${portMin + RTP_PORTS - 1}`,
        'log-level = 6', // commands and call events: what a failing test's message needs
        ...(opts.dtmfLogDest ? [`dtmf-log-dest = ${opts.dtmfLogDest}`] : []),
        ...(opts.recordingDir ? [`recording-dir = ${opts.recordingDir}`, 'recording-method = pcap', 'recording-format = raw'] : []),
        '',
      ].join('\n');
      fs.writeFileSync(path.join(dir, 'rtpengine.conf'), config);
      const child = spawn(
        RTPENGINE_BIN,
        [
          `--config-file=${path.join(dir, 'rtpengine.conf')}`,
          `--pidfile=${path.join(dir, 'rtpengine.pid')}`,
          '--table=-1',
          '--foreground',
          '--log-stderr',
          '--no-log-timestamps',
        ],
        { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const r = new Rtpengine(child, dir, ngPort, portMin, portMin + RTP_PORTS - 1);
      try {
        await r.ready();
        return r;
      } catch (err) {
        last = err;
        await r.stop();
      }
    }
    throw last instanceof Error ? last : new Error(String(last));
  }

  /** `host:port` of the ng control socket, as SIP_RTPENGINE takes it. */
  get address(): string {
    return `${this.host}:${this.ngPort}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What rtpengine logged (the last 20 kB), for a failing test's message. */
  get log(): string {
    return this.output;
  }

  /** Resolves once rtpengine answers an ng ping (`<cookie> d7:command4:pinge` → `… pong`). */
  private async ready(): Promise<void> {
    const socket = dgram.createSocket('udp4');
    socket.on('error', () => undefined); // ICMP port unreachable while it starts
    const ping = Buffer.from('ready d7:command4:pinge');
    try {
      const answered = new Promise<void>((resolve) => socket.on('message', (m) => m.includes('pong') && resolve()));
      const deadline = Date.now() + 5000;
      for (;;) {
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
          throw new Error(`rtpengine exited (${this.child.exitCode ?? this.child.signalCode}) at start:\n${this.output}`);
        }
        if (Date.now() > deadline) throw new Error(`rtpengine did not answer within 5 s:\n${this.output}`);
        socket.send(ping, this.ngPort, HOST);
        const ok = await Promise.race([answered.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 50))]);
        if (ok) return;
      }
    } finally {
      socket.close();
    }
  }

  /** Stops the daemon (TERM, then KILL after 3 s) and removes its folder; resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
