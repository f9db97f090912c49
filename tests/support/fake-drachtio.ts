// A test double of drachtio-server's control connection (TCP, the framing of drachtio-srf's
// lib/wire-protocol.js and the server's src/client.cpp): `<bytes>#<msgId>|<type>|…`, with `authenticate`,
// `route`, `ping`, `sip` (requests and responses in both directions) and the `response|<msgId>|OK|…` echoes of
// what the app sent. It plays the SIP stack (sofia) the way the real server does — To-tags and Contact on the
// app's responses, 200/487 to a caller's CANCEL before telling the app, Via/CSeq/tags on the app's requests,
// dialog ids `<Call-ID>;from-tag=<tag of the dialog's UAC>` — and the network: callers sending real INVITE /
// ACK / CANCEL / BYE / REFER texts, phones answering the app's INVITEs. Everything the app sends is recorded.
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { SipConfig } from '../../channels/sip/config.ts';

const CRLF = '\r\n';
export const HOSTPORT = '127.0.0.1:5060';
/** Where the network's requests come from unless a test says otherwise: the court's PBX. */
export const PBX_ADDRESS = '10.0.0.9';

/** The bridge's settings against this double on `port`: the PBX's network allowed, phones at pbx.court.local. */
export function doubleConfig(port: number, extra: Partial<SipConfig> = {}): SipConfig {
  return {
    host: '127.0.0.1',
    port,
    secret: 'cymru',
    operatorUriTemplate: 'sip:{extension}@pbx.court.local',
    outboundUriTemplate: 'sip:{number}@trunk.court.local',
    ringTimeoutMs: 20_000,
    nobodyStatus: 486,
    allowedSources: ['10.0.0.0/24'],
    ...extra,
  };
}

/** A parsed SIP message, headers in order (names as written). */
export class Sip {
  constructor(
    readonly start: string,
    readonly headers: [string, string][],
    readonly body: string,
  ) {}

  static parse(raw: string): Sip {
    const split = raw.indexOf(CRLF + CRLF);
    const head = split === -1 ? raw : raw.slice(0, split);
    const body = split === -1 ? '' : raw.slice(split + 4);
    const [start, ...lines] = head.split(CRLF);
    const headers: [string, string][] = [];
    for (const line of lines) {
      if (/^\s/.test(line) && headers.length) headers[headers.length - 1][1] += ' ' + line.trim();
      else if (line.includes(':')) headers.push([line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]);
    }
    return new Sip(start, headers, body);
  }

  get isResponse() {
    return this.start.startsWith('SIP/2.0 ');
  }
  get status(): number {
    return this.isResponse ? Number(this.start.split(' ')[1]) : 0;
  }
  get method(): string {
    return this.isResponse ? this.get('CSeq')!.split(/\s+/)[1] : this.start.split(' ')[0];
  }
  get uri(): string {
    return this.start.split(' ')[1];
  }
  get(name: string): string | undefined {
    const short: Record<string, string> = {
      f: 'from',
      t: 'to',
      i: 'call-id',
      m: 'contact',
      v: 'via',
      l: 'content-length',
      c: 'content-type',
      r: 'refer-to',
    };
    const want = name.toLowerCase();
    const h = this.headers.find(([n]) => (short[n.toLowerCase()] ?? n.toLowerCase()) === want);
    return h?.[1];
  }
  has(name: string) {
    return this.get(name) !== undefined;
  }
  /** The tag parameter of From or To. */
  tag(name: 'From' | 'To'): string | undefined {
    return /;\s*tag=([^;>\s]+)/i.exec(this.get(name) ?? '')?.[1];
  }
  with(name: string, value: string): Sip {
    const i = this.headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    const headers = [...this.headers];
    if (i === -1) headers.push([name, value]);
    else headers[i] = [headers[i][0], value];
    return new Sip(this.start, headers, this.body);
  }
  toString(): string {
    const headers = this.headers.filter(([n]) => n.toLowerCase() !== 'content-length');
    headers.push(['Content-Length', String(Buffer.byteLength(this.body))]);
    return [this.start, ...headers.map(([n, v]) => `${n}: ${v}`)].join(CRLF) + CRLF + CRLF + this.body;
  }
}

const rand = () => crypto.randomBytes(6).toString('hex');
const uuid = () => crypto.randomUUID();
const stackTime = () => new Date().toISOString().slice(11, 23);

export function sdpOffer(who: string, port: number): string {
  return [
    'v=0',
    `o=${who} 2890844526 2890844526 IN IP4 10.0.0.${port % 250}`,
    's=-',
    `c=IN IP4 10.0.0.${port % 250}`,
    't=0 0',
    `m=audio ${port} RTP/AVP 8 0 101`,
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=sendrecv',
    '',
  ].join(CRLF);
}

/** What the app sent over the wire, as drachtio-server would put it on the network. */
export interface Sent {
  msg: Sip;
  transactionId: string;
  dialogId: string;
}

/** A dialog as seen by the network party (a caller, a phone). */
export class NetDialog extends EventEmitter {
  cseq = 1000;
  /** CSeq of the app's next request in this dialog. */
  appCseq = 1;
  /** In-dialog requests the app sent to this party. */
  readonly received: Sip[] = [];
  ended = false;
  constructor(
    private readonly fake: FakeDrachtio,
    readonly id: string,
    readonly callId: string,
    /** The network party's own tag and URI, and the app's. */
    readonly local: { tag: string; uri: string },
    readonly remote: { tag: string; uri: string },
    public sdp: string,
    /** How this party answers the app's re-INVITEs. */
    public answerReinvite: number = 200,
  ) {
    super();
  }

  /** Sends an in-dialog request to the app and resolves with the app's final response. */
  request(method: string, headers: Record<string, string> = {}, body = ''): Promise<Sip> {
    this.cseq += 1;
    const h: [string, string][] = [
      ['Via', `SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK${rand()}`],
      ['Max-Forwards', '70'],
      ['From', `<${this.local.uri}>;tag=${this.local.tag}`],
      ['To', `<${this.remote.uri}>;tag=${this.remote.tag}`],
      ['Call-ID', this.callId],
      ['CSeq', `${this.cseq} ${method}`],
      ['Contact', `<${this.local.uri}>`],
      ...Object.entries(headers),
    ];
    if (body) h.push(['Content-Type', 'application/sdp']);
    const msg = new Sip(`${method} sip:app@${HOSTPORT} SIP/2.0`, h, body);
    if (method === 'BYE') this.ended = true;
    return this.fake.toApp(msg, this.id);
  }
  bye() {
    return this.request('BYE');
  }
  /** An in-dialog REFER, as a phone sends it for a blind transfer. */
  refer(referTo: string) {
    return this.request('REFER', { 'Refer-To': `<${referTo}>`, 'Referred-By': `<${this.local.uri}>` });
  }
  waitFor(method: string, ms = 3000): Promise<Sip> {
    const have = this.received.find((m) => m.method === method);
    if (have) return Promise.resolve(have);
    return waitEvent(this, 'request', (m: Sip) => m.method === method, ms, `${method} in dialog ${this.id}`);
  }
}

/** A call from a citizen: the INVITE the network sent to the app, and what came back. */
export class InboundCall extends EventEmitter {
  readonly responses: Sip[] = [];
  dialog: NetDialog | null = null;
  /** The tag the stack gives the app's side of this call. */
  readonly toTag = rand();
  constructor(
    private readonly fake: FakeDrachtio,
    readonly invite: Sip,
    public transactionId: string,
  ) {
    super();
  }
  get callId() {
    return this.invite.get('Call-ID')!;
  }
  get dialogId() {
    return `${this.callId};from-tag=${this.invite.tag('From')}`;
  }
  get final(): Sip | undefined {
    return this.responses.find((r) => r.status >= 200);
  }
  waitFinal(ms = 3000): Promise<Sip> {
    const f = this.final;
    if (f) return Promise.resolve(f);
    return waitEvent(this, 'response', (r: Sip) => r.status >= 200, ms, `final response to INVITE ${this.callId}`);
  }
  waitResponse(status: number, ms = 3000): Promise<Sip> {
    const f = this.responses.find((r) => r.status === status);
    if (f) return Promise.resolve(f);
    return waitEvent(this, 'response', (r: Sip) => r.status === status, ms, `${status} to INVITE ${this.callId}`);
  }
  /** The caller's ACK to the 200 OK; from then on the B2BUA passes the operator's requests on. */
  async ack() {
    const ok = await this.waitResponse(200);
    const d = this.dialog!;
    d.remote.tag = ok.tag('To')!;
    const msg = new Sip(
      `ACK ${d.remote.uri} SIP/2.0`,
      [
        ['Via', `SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK${rand()}`],
        ['Max-Forwards', '70'],
        ['From', this.invite.get('From')!],
        ['To', ok.get('To')!],
        ['Call-ID', this.callId],
        ['CSeq', `1 ACK`],
      ],
      '',
    );
    this.fake.push(msg, d.id);
  }
  /** The caller hangs up while it rings: the stack answers 200 and 487 itself, then tells the app (as sofia does). */
  cancel() {
    const msg = new Sip(
      `CANCEL ${this.invite.uri} SIP/2.0`,
      [
        ['Via', this.invite.get('Via')!],
        ['Max-Forwards', '70'],
        ['From', this.invite.get('From')!],
        ['To', this.invite.get('To')!],
        ['Call-ID', this.callId],
        ['CSeq', '1 CANCEL'],
      ],
      '',
    );
    this.fake.stackRespond(this, 487);
    this.fake.push(msg, this.dialogId, this.transactionId);
  }
}

/** An INVITE the app sent to a phone; the test plays the phone. */
export class OutboundInvite extends EventEmitter {
  final: number | null = null;
  canceled: Sip | null = null;
  /** Handed to a test by nextInvite(). */
  taken = false;
  dialog: NetDialog | null = null;
  readonly tag = rand();
  constructor(
    private readonly fake: FakeDrachtio,
    readonly msg: Sip,
    readonly transactionId: string,
  ) {
    super();
  }
  get callId() {
    return this.msg.get('Call-ID')!;
  }
  get dialogId() {
    return `${this.callId};from-tag=${this.msg.tag('From')}`;
  }
  /** The phone answers: 180, 183, 200 (with `sdp`), 486, 603… */
  respond(status: number, sdp?: string) {
    if (this.final !== null) return;
    const h: [string, string][] = [
      ['Via', this.msg.get('Via')!],
      ['From', this.msg.get('From')!],
      ['To', status > 100 ? `${this.msg.get('To')};tag=${this.tag}` : this.msg.get('To')!],
      ['Call-ID', this.callId],
      ['CSeq', this.msg.get('CSeq')!],
    ];
    if (status >= 180 && status < 300) h.push(['Contact', `<${this.msg.uri}>`]);
    if (sdp) h.push(['Content-Type', 'application/sdp']);
    const reasons: Record<number, string> = {
      180: 'Ringing',
      183: 'Session Progress',
      200: 'OK',
      486: 'Busy Here',
      487: 'Request Terminated',
      603: 'Decline',
      480: 'Temporarily Unavailable',
    };
    if (status >= 200) this.final = status;
    if (status >= 200 && status < 300) {
      this.dialog = new NetDialog(
        this.fake,
        this.dialogId,
        this.callId,
        { tag: this.tag, uri: this.msg.uri },
        { tag: this.msg.tag('From')!, uri: 'sip:app@' + HOSTPORT },
        sdp ?? '',
      );
      this.fake.dialogs.set(this.dialogId, this.dialog);
    }
    this.fake.push(new Sip(`SIP/2.0 ${status} ${reasons[status] ?? 'Response'}`, h, sdp ?? ''), this.dialogId, this.transactionId);
  }
  /** Resolves when the app sent CANCEL for this INVITE. */
  waitCancel(ms = 3000): Promise<Sip> {
    if (this.canceled) return Promise.resolve(this.canceled);
    return waitEvent(this, 'cancel', () => true, ms, `CANCEL of ${this.msg.uri}`);
  }
}

function waitEvent<T>(em: EventEmitter, name: string, ok: (v: T) => boolean, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      em.off(name, on);
      reject(new Error(`fake drachtio: no ${what} within ${ms} ms`));
    }, ms);
    const on = (v: T) => {
      if (!ok(v)) return;
      clearTimeout(t);
      em.off(name, on);
      resolve(v);
    };
    em.on(name, on);
  });
}

interface Client {
  socket: net.Socket;
  buf: Buffer;
  authenticated: boolean;
  routes: Set<string>;
}

export class FakeDrachtio extends EventEmitter {
  readonly server = net.createServer((s) => this.accept(s));
  readonly clients = new Set<Client>();
  /** Everything the app sent as SIP, in order. */
  readonly sent: Sent[] = [];
  readonly inbound = new Map<string, InboundCall>();
  readonly outbound: OutboundInvite[] = [];
  readonly dialogs = new Map<string, NetDialog>();
  /** Control messages the app sent that are not SIP (authenticate, route, ping). */
  readonly control: string[] = [];
  /** While true the server reads but never answers: a connection lost without a FIN. */
  stalled = false;
  /** How a PBX answers the app's OPTIONS keep-alive; null: not at all. */
  optionsStatus: number | null = 200;
  /** Set: the server refuses to send the OPTIONS at all (`NOK`), as it does for its own address. */
  optionsRefused: string | null = null;
  private readonly pendingResponses = new Map<string, (m: Sip) => void>();

  constructor(readonly secret = 'cymru') {
    super();
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  async close() {
    for (const c of this.clients) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Drops every app connection (drachtio-server restarted). */
  dropClients() {
    for (const c of this.clients) c.socket.destroy();
  }

  /** Resolves once an app authenticated and routed INVITEs to itself. */
  ready(ms = 5000): Promise<void> {
    if ([...this.clients].some((c) => c.routes.has('invite'))) return Promise.resolve();
    return waitEvent(this, 'routed', (v: string) => v === 'invite', ms, 'app routing INVITEs').then(() => undefined);
  }

  private accept(socket: net.Socket) {
    const c: Client = { socket, buf: Buffer.alloc(0), authenticated: false, routes: new Set() };
    this.clients.add(c);
    socket.on('data', (d) => {
      c.buf = Buffer.concat([c.buf, d]);
      for (;;) {
        const hash = c.buf.indexOf('#');
        if (hash <= 0) return;
        const len = Number(c.buf.toString('utf8', 0, hash));
        if (c.buf.length < hash + 1 + len) return;
        const msg = c.buf.toString('utf8', hash + 1, hash + 1 + len);
        c.buf = c.buf.subarray(hash + 1 + len);
        if (!this.stalled) this.onMessage(c, msg);
      }
    });
    socket.on('close', () => this.clients.delete(c));
    socket.on('error', () => this.clients.delete(c));
  }

  private write(c: Client, s: string) {
    if (!c.socket.destroyed) c.socket.write(`${Buffer.byteLength(s)}#${s}`);
  }

  private get app(): Client {
    const c = [...this.clients].find((x) => x.routes.has('invite'));
    if (!c) throw new Error('fake drachtio: no app connected');
    return c;
  }

  private reply(c: Client, msgId: string, rest: string) {
    this.write(c, `${uuid()}|response|${msgId}|${rest}`);
  }

  private meta(msg: string) {
    return `application|${Buffer.byteLength(msg)}|udp|127.0.0.1|5060|${stackTime()}`;
  }

  private onMessage(c: Client, raw: string) {
    const eol = raw.indexOf(CRLF);
    const leader = eol === -1 ? raw : raw.slice(0, eol);
    const [msgId, type, ...rest] = leader.split('|');
    if (type !== 'sip') this.control.push(leader.slice(msgId.length + 1));
    switch (type) {
      case 'authenticate':
        if (rest[0] !== this.secret) {
          this.reply(c, msgId, 'NO|incorrect secret');
          c.socket.end();
          return;
        }
        c.authenticated = true;
        this.reply(c, msgId, `OK|udp/${HOSTPORT},tcp/${HOSTPORT}|v0.9.4-fake|`);
        return;
      case 'route':
        c.routes.add(rest[0]);
        this.reply(c, msgId, 'OK');
        this.emit('routed', rest[0]);
        return;
      case 'ping':
        this.reply(c, msgId, 'OK|pong');
        return;
      case 'sip':
        this.fromApp(c, msgId, rest[0] ?? '', rest[1] ?? '', Sip.parse(raw.slice(eol + 2)));
        return;
      default:
        this.reply(c, msgId, 'NO|Unknown message type');
    }
  }

  private record(msg: Sip, transactionId: string, dialogId: string) {
    this.sent.push({ msg, transactionId, dialogId });
    this.emit('sent', msg);
  }

  private fromApp(c: Client, msgId: string, txnId: string, dialogId: string, msg: Sip) {
    if (msg.isResponse) return this.appResponse(c, msgId, txnId, msg);
    if (msg.method === 'CANCEL') return this.appCancel(c, msgId, txnId, msg);
    if (dialogId) return this.appInDialog(c, msgId, dialogId, msg);
    return this.appNewRequest(c, msgId, msg);
  }

  /** The app answers a request from the network: the stack adds the To-tag and, on 2xx, a Contact. */
  private appResponse(c: Client, msgId: string, txnId: string, msg: Sip) {
    const call = [...this.inbound.values()].find((x) => x.transactionId === txnId);
    const pending = this.pendingResponses.get(txnId);
    if ((!call || call.final) && !pending) {
      this.reply(c, msgId, 'NO|Response not sent due to unknown transaction');
      return;
    }
    let full = msg;
    let dialogId = '';
    if (call) {
      const toTag = call.toTag;
      if (msg.status > 100 && !msg.tag('To')) full = full.with('To', `${msg.get('To')};tag=${toTag}`);
      if (msg.status >= 200 && msg.status < 300 && !msg.has('Contact')) full = full.with('Contact', `<sip:${HOSTPORT}>`);
      full = full.with('Via', call.invite.get('Via')!);
      dialogId = call.dialogId;
      if (msg.status >= 200 && msg.status < 300) {
        call.dialog = new NetDialog(
          this,
          dialogId,
          call.callId,
          { tag: call.invite.tag('From')!, uri: /<([^>]+)>/.exec(call.invite.get('From')!)![1] },
          { tag: toTag, uri: `sip:${HOSTPORT}` },
          call.invite.body,
        );
        this.dialogs.set(dialogId, call.dialog);
      }
    }
    this.record(full, txnId, dialogId);
    const s = full.toString();
    this.reply(c, msgId, `OK|${this.meta(s)}|${txnId}|${dialogId}||Msg sent:|${CRLF}${s}`);
    if (call) {
      call.responses.push(full);
      call.emit('response', full);
    } else {
      this.pendingResponses.delete(txnId);
      pending!(full);
    }
  }

  private appCancel(c: Client, msgId: string, txnId: string, msg: Sip) {
    const inv = this.outbound.find((o) => o.transactionId === txnId);
    if (!inv) {
      this.reply(c, msgId, 'NO|unknown transaction');
      return;
    }
    const full = new Sip(
      `CANCEL ${inv.msg.uri} SIP/2.0`,
      [
        ['Via', inv.msg.get('Via')!],
        ['Max-Forwards', '70'],
        ['From', inv.msg.get('From')!],
        ['To', inv.msg.get('To')!],
        ['Call-ID', inv.callId],
        ['CSeq', `${inv.msg.get('CSeq')!.split(' ')[0]} CANCEL`],
        ...msg.headers.filter(([n]) => /^(x-)?reason$/i.test(n)),
      ],
      '',
    );
    this.record(full, txnId, '');
    const s = full.toString();
    this.reply(c, msgId, `OK|${this.meta(s)}|${txnId}|Msg sent:|${CRLF}${s}`);
    inv.canceled = full;
    inv.emit('cancel', full);
    // The phone stops ringing: 200 to the CANCEL (kept in the stack) and 487 to the INVITE.
    setImmediate(() => inv.respond(487));
  }

  private appInDialog(c: Client, msgId: string, dialogId: string, msg: Sip) {
    const d = this.dialogs.get(dialogId);
    if (!d || (d.ended && msg.method !== 'ACK')) {
      this.reply(c, msgId, 'NO|unable to find dialog');
      return;
    }
    const inv = this.outbound.find((o) => o.dialogId === dialogId);
    if (msg.method === 'ACK' && inv && inv.final !== null && inv.final >= 300) {
      this.reply(c, msgId, 'NO|ACK for non-success responses is automatically generated by the stack');
      return;
    }
    const txnId = uuid();
    const cseq = msg.method === 'ACK' && inv ? inv.msg.get('CSeq')!.split(' ')[0] : String(d.appCseq++);
    const h: [string, string][] = [
      ['Via', `SIP/2.0/UDP ${HOSTPORT};branch=z9hG4bK${rand()};rport`],
      ['Max-Forwards', '70'],
      ['From', `<${d.remote.uri}>;tag=${d.remote.tag}`],
      ['To', `<${d.local.uri}>;tag=${d.local.tag}`],
      ['Call-ID', d.callId],
      ['CSeq', `${cseq} ${msg.method}`],
      ['Contact', `<sip:${HOSTPORT}>`],
      ...msg.headers.filter(([n]) => !/^(via|max-forwards|from|to|call-id|cseq|contact|content-length)$/i.test(n)),
    ];
    const full = new Sip(`${msg.method} ${d.local.uri} SIP/2.0`, h, msg.body);
    this.record(full, txnId, dialogId);
    const s = full.toString();
    this.reply(c, msgId, `OK|${this.meta(s)}|${txnId}|Msg sent:|${CRLF}${s}`);
    d.received.push(full);
    d.emit('request', full);
    if (msg.method === 'ACK') return;
    if (msg.method === 'BYE') d.ended = true;
    // The far end answers in-dialog requests: 200 to BYE/NOTIFY/INFO, its SDP to a re-INVITE.
    setImmediate(() => {
      const status = msg.method === 'INVITE' ? d.answerReinvite : 200;
      if (msg.method === 'INVITE' && status === 200 && msg.body)
        d.sdp = d.sdp.replace(/^o=(\S+) (\d+) (\d+)/m, (_m, u, id, v) => `o=${u} ${id} ${Number(v) + 1}`);
      const rh: [string, string][] = [
        ['Via', full.get('Via')!],
        ['From', full.get('From')!],
        ['To', full.get('To')!],
        ['Call-ID', d.callId],
        ['CSeq', full.get('CSeq')!],
      ];
      if (msg.method === 'INVITE' && status === 200) rh.push(['Contact', `<${d.local.uri}>`], ['Content-Type', 'application/sdp']);
      const res = new Sip(
        `SIP/2.0 ${status} ${status === 200 ? 'OK' : 'Failed'}`,
        rh,
        msg.method === 'INVITE' && status === 200 ? d.sdp : '',
      );
      this.push(res, dialogId, txnId);
    });
  }

  /** A new request from the app (INVITE to a phone, OPTIONS keep-alive): the stack fills in what the app left out. */
  private appNewRequest(c: Client, msgId: string, msg: Sip) {
    const txnId = uuid();
    const callId = msg.get('Call-ID') ?? `${rand()}@127.0.0.1`;
    const from = msg.get('From') ?? `<sip:${HOSTPORT}>`;
    const h: [string, string][] = [
      ['Via', `SIP/2.0/UDP ${HOSTPORT};branch=z9hG4bK${rand()};rport`],
      ['Max-Forwards', '70'],
      ['From', /;\s*tag=/.test(from) ? from : `${from.includes('<') ? from : `<${from}>`};tag=${rand()}`],
      ['To', msg.get('To') ?? `<${msg.uri}>`],
      ['Call-ID', callId],
      ['CSeq', `${1 + Math.floor(Math.random() * 1000)} ${msg.method}`],
      ['Contact', msg.get('Contact') ?? `<sip:${HOSTPORT}>`],
      ...msg.headers.filter(([n]) => !/^(via|max-forwards|from|to|call-id|cseq|contact|content-length)$/i.test(n)),
    ];
    const full = new Sip(msg.start, h, msg.body);
    if (msg.method === 'OPTIONS' && this.optionsRefused !== null) return this.reply(c, msgId, `NOK|${this.optionsRefused}`);
    this.record(full, txnId, '');
    const s = full.toString();
    this.reply(c, msgId, `OK|${this.meta(s)}|${txnId}|Msg sent:|${CRLF}${s}`);
    if (msg.method === 'INVITE') {
      const inv = new OutboundInvite(this, full, txnId);
      this.outbound.push(inv);
      this.emit('invite', inv);
    } else if (msg.method === 'OPTIONS' && this.optionsStatus !== null) {
      const status = this.optionsStatus;
      setImmediate(() => {
        const res = new Sip(
          `SIP/2.0 ${status} ${status === 200 ? 'OK' : 'Failed'}`,
          [
            ['Via', full.get('Via')!],
            ['From', full.get('From')!],
            ['To', `${full.get('To')};tag=${rand()}`],
            ['Call-ID', callId],
            ['CSeq', full.get('CSeq')!],
          ],
          '',
        );
        this.push(res, '', txnId);
      });
    }
  }

  /** Sends a SIP message from the network to the app (`sip|network|…`); `source`: the address it came from. */
  push(msg: Sip, dialogId: string, transactionId: string = uuid(), source = PBX_ADDRESS) {
    const s = msg.toString();
    this.write(
      this.app,
      `${uuid()}|sip|network|${Buffer.byteLength(s)}|udp|${source}|5060|${stackTime()}|${transactionId}|${dialogId}|${CRLF}${s}`,
    );
  }

  /** Sends an in-dialog request to the app and resolves with its response. */
  toApp(msg: Sip, dialogId: string): Promise<Sip> {
    const txnId = uuid();
    const done = new Promise<Sip>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`fake drachtio: no response to ${msg.method} within 3000 ms`)), 3000);
      this.pendingResponses.set(txnId, (m) => {
        clearTimeout(t);
        resolve(m);
      });
    });
    this.push(msg, dialogId, txnId);
    return done;
  }

  /** What sofia answers on its own (200 to CANCEL is kept in the stack; the 487 reaches the caller). */
  stackRespond(call: InboundCall, status: number) {
    if (call.final) return;
    const toTag = call.toTag;
    const res = new Sip(
      `SIP/2.0 ${status} Request Terminated`,
      [
        ['Via', call.invite.get('Via')!],
        ['From', call.invite.get('From')!],
        ['To', `${call.invite.get('To')};tag=${toTag}`],
        ['Call-ID', call.callId],
        ['CSeq', call.invite.get('CSeq')!],
      ],
      '',
    );
    call.responses.push(res);
    call.emit('response', res);
  }

  /**
   * A citizen calls: a real INVITE with SDP arrives from the PBX. `again` sends the very same INVITE once more as
   * a new transaction — what reaches the app when a PBX retries a call it believes lost.
   */
  call(o: { from: string; pai?: string; to?: string; callId?: string; source?: string }): InboundCall {
    const callId = o.callId ?? `${rand()}@pbx.court.local`;
    const h: [string, string][] = [
      ['Via', `SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK${rand()};rport`],
      ['Max-Forwards', '69'],
      ['From', `${o.from};tag=${rand()}`],
      ['To', `<${o.to ?? 'sip:1401@' + HOSTPORT}>`],
      ['Call-ID', callId],
      ['CSeq', '1 INVITE'],
      ['Contact', '<sip:trunk@10.0.0.9:5060>'],
      ['Allow', 'INVITE, ACK, CANCEL, BYE, REFER, NOTIFY, OPTIONS'],
      ...(o.pai ? ([['P-Asserted-Identity', o.pai]] as [string, string][]) : []),
      ['Content-Type', 'application/sdp'],
    ];
    const invite = new Sip(`INVITE ${o.to ?? 'sip:1401@' + HOSTPORT} SIP/2.0`, h, sdpOffer('citizen', 40000));
    return this.deliver(invite, o.source);
  }

  /** `source`: the address the INVITE comes from (the PBX's by default). */
  deliver(invite: Sip, source = PBX_ADDRESS): InboundCall {
    const txnId = uuid();
    const call = new InboundCall(this, invite, txnId);
    this.inbound.set(`${invite.get('Call-ID')}#${txnId}`, call);
    this.push(invite, '', txnId, source);
    return call;
  }

  /** The next INVITE the app sends to a phone. */
  nextInvite(ms = 3000): Promise<OutboundInvite> {
    const seen = this.outbound.find((o) => !o.taken);
    const take = (o: OutboundInvite) => {
      o.taken = true;
      return o;
    };
    if (seen) return Promise.resolve(take(seen));
    return waitEvent<OutboundInvite>(this, 'invite', () => true, ms, 'INVITE from the app').then(take);
  }
}
