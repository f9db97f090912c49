// A fake of whatsapp-web.js (1.34) for tests: WhatsApp's servers cannot be reached here, so this is the one
// boundary faked. It copies the library's real shapes and event order (node_modules/whatsapp-web.js:
// src/Client.js, src/structures/Message.js, src/util/Constants.js):
// - initialize() resolves once the page is injected; then `qr` (no session) or `authenticated` → `ready`;
// - `disconnected` is followed by the client destroying itself: the instance is dead;
// - Message: id {fromMe, remote, id, _serialized}, timestamp in seconds, hasMedia = Boolean(_data.directPath),
//   body = caption for media, _data.notifyName; downloadMedia() → MessageMedia (base64) or undefined;
// - `message_ack` (message, ack) with ack -1..4; a sent message starts at ACK_PENDING (0);
// - LocalAuth: the session lives in <dataPath>/session; logout() deletes it.
// `FakeWhatsapp` plays WhatsApp's servers and the centre's phone; it makes a FakeClient per createClient call.
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { ChatLike, ClientLike, ContactLike, MediaLike, MessageLike, WidLike } from '../../channels/whatsapp/client.ts';

export const MessageAck = { ACK_ERROR: -1, ACK_PENDING: 0, ACK_SERVER: 1, ACK_DEVICE: 2, ACK_READ: 3, ACK_PLAYED: 4 } as const;

/** A model as WhatsApp Web serializes it (window.WWebJS.getMessageModel), the fields VIC can meet. */
export interface RawMessage {
  id: { fromMe: boolean; remote: string; id: string; _serialized: string };
  type: string;
  body?: string;
  caption?: string;
  t: number;
  from: string;
  to: string;
  author?: string;
  ack: number;
  notifyName?: string;
  isStatusV3?: boolean;
  broadcast?: boolean;
  directPath?: string;
  mimetype?: string;
  size?: number;
  filename?: string;
  lat?: number;
  lng?: number;
  loc?: string;
  vcardList?: { vcard: string }[];
}

const PROTOCOL_CLOSED = 'Protocol error (Runtime.callFunctionOn): Session closed. Most likely the page has been closed.';
const NOT_INJECTED = "Evaluation failed: TypeError: Cannot read properties of undefined (reading 'getChat')";

const wid = (serialized: string): WidLike => {
  const [user = '', server = ''] = serialized.split('@');
  return { server, user, _serialized: serialized };
};
/** Stands for the keys WhatsApp Web keeps in the Chromium profile once a phone is linked. */
const pairedMarker = (dataPath: string) => path.join(dataPath, 'session', 'Default', 'fake-whatsapp-paired');
const hexId = () => crypto.randomBytes(10).toString('hex').toUpperCase();
/** Runs `body` at once and settles with its result, as the library's async methods do: a throw (page closed, not
 * injected) becomes a rejected promise, not an exception at the call. */
const settle = <T>(body: () => T): Promise<T> => new Promise<T>((resolve) => resolve(body()));

export class FakeMessageMedia implements MediaLike {
  constructor(
    public mimetype: string,
    public data: string,
    public filename: string | null = null,
    public filesize: number | null = null,
  ) {}
}

export class FakeMessage implements MessageLike {
  _data: RawMessage;
  id: RawMessage['id'];
  ack: number;
  hasMedia: boolean;
  body: string;
  type: string;
  timestamp: number;
  from: string;
  to: string;
  author?: string;
  fromMe: boolean;
  isStatus: boolean;
  broadcast?: boolean;
  location?: { latitude: number; longitude: number; name?: string; address?: string; description: string };
  vCards: string[];

  constructor(
    private readonly client: FakeClient,
    data: RawMessage,
  ) {
    // Same derivations as Message._patch.
    this._data = data;
    this.id = data.id;
    this.ack = data.ack;
    this.hasMedia = Boolean(data.directPath);
    this.body = this.hasMedia ? data.caption || '' : data.body || '';
    this.type = data.type;
    this.timestamp = data.t;
    this.from = data.from;
    this.to = data.to;
    this.author = data.author;
    this.fromMe = data.id.fromMe;
    this.isStatus = Boolean(data.isStatusV3) || data.id.remote === 'status@broadcast';
    this.broadcast = data.broadcast;
    if (data.type === 'location') {
      const [name, address] = (data.loc ?? '').split('\n');
      this.location = { latitude: data.lat!, longitude: data.lng!, name, address, description: [name, address].filter(Boolean).join('\n') };
    }
    this.vCards = data.type === 'multi_vcard' ? (data.vcardList ?? []).map((c) => c.vcard) : data.type === 'vcard' ? [data.body ?? ''] : [];
  }

  downloadMedia(): Promise<FakeMessageMedia | undefined> {
    return settle(() => {
      this.client.assertPage();
      if (!this.hasMedia) return undefined;
      // undefined, as the library answers when the media expired on WhatsApp's servers.
      return this.client.world.media.get(this.id._serialized) ?? undefined;
    });
  }

  getContact(): Promise<ContactLike> {
    return settle(() => {
      this.client.assertInjected();
      return this.client.world.contact(this.author || this.from);
    });
  }
}

export class FakeChat implements ChatLike {
  id: WidLike;
  isGroup: boolean;
  constructor(
    private readonly client: FakeClient,
    private readonly record: ChatRecord,
  ) {
    this.id = wid(record.id);
    this.isGroup = record.id.endsWith('@g.us');
  }
  get unreadCount() {
    return this.record.unreadCount;
  }
  get timestamp() {
    return this.record.messages.at(-1)?.t ?? 0;
  }
  fetchMessages({ limit }: { limit: number }): Promise<FakeMessage[]> {
    return settle(() => {
      this.client.assertInjected();
      return this.record.messages.slice(-limit).map((m) => new FakeMessage(this.client, m));
    });
  }
}

interface ChatRecord {
  id: string;
  messages: RawMessage[];
  unreadCount: number;
}

export class FakeClient extends EventEmitter implements ClientLike {
  info: { wid: WidLike; pushname: string } | null = null;
  pupBrowser: { connected: boolean; killed: string | null; process(): { kill(signal?: NodeJS.Signals): boolean } } | null = null;
  /** Where this client is in the library's sequence. */
  phase: 'new' | 'launching' | 'qr' | 'authenticated' | 'ready' | 'destroyed' = 'new';
  waState: string | null = null;
  readonly sent: FakeMessage[] = [];
  destroyCalls = 0;
  logoutCalls = 0;

  constructor(
    readonly world: FakeWhatsapp,
    readonly options: { dataPath: string },
  ) {
    super();
  }

  get destroyed() {
    return this.phase === 'destroyed';
  }

  assertPage() {
    if (!this.pupBrowser?.connected) throw new Error(PROTOCOL_CLOSED);
  }
  assertInjected() {
    this.assertPage();
    if (this.phase !== 'ready') throw new Error(NOT_INJECTED);
  }

  private get session() {
    return path.join(this.options.dataPath, 'session');
  }

  async initialize(): Promise<void> {
    // LocalAuth.beforeBrowserInitialized creates the profile directory, then Chromium starts.
    fs.mkdirSync(this.session, { recursive: true });
    const browser = {
      connected: true,
      killed: null as string | null,
      process: () => ({ kill: (signal?: NodeJS.Signals) => ((browser.killed = signal ?? 'SIGTERM'), (browser.connected = false), true) }),
    };
    this.pupBrowser = browser;
    this.phase = 'launching';
    const mode = this.world.initialize;
    if (mode === 'hang') return new Promise<void>(() => {});
    if (mode === 'fail') throw new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/');
    // inject() returns before authentication finishes; the rest arrives as events.
    setImmediate(() => {
      if (this.destroyed) return;
      if (fs.existsSync(pairedMarker(this.options.dataPath))) this.authenticate();
      else this.showQr();
    });
  }

  /** WhatsApp Web rotates the QR reference every ~20 s while nobody scans. */
  showQr() {
    this.phase = 'qr';
    this.waState = 'UNPAIRED';
    const b64 = () => crypto.randomBytes(32).toString('base64');
    this.emit('qr', `2@${crypto.randomBytes(24).toString('base64')},${b64()},${b64()},${b64()},1`);
  }

  /** The phone scanned the code. */
  scanned() {
    if (this.phase !== 'qr') throw new Error('no QR code is shown');
    this.world.linkSession(this.options.dataPath);
    this.authenticate();
  }

  private authenticate() {
    this.phase = 'authenticated';
    this.emit('authenticated');
    if (!this.world.readyAfterAuthentication) return;
    this.info = { wid: wid(`${this.world.me}@c.us`), pushname: 'VIC' };
    this.phase = 'ready';
    this.waState = 'CONNECTED';
    this.emit('ready');
  }

  /** As onAppStateChangedEvent for a state outside CONNECTED/OPENING/PAIRING/TIMEOUT: event, then self-destroy. */
  disconnect(state = 'CONFLICT') {
    this.waState = state;
    this.emit('change_state', state);
    this.emit('disconnected', state);
    void this.destroy();
  }

  /** An accepted state change (TIMEOUT when the phone goes offline, CONNECTED when it is back). */
  changeState(state: string) {
    this.waState = state;
    this.emit('change_state', state);
  }

  deliver(raw: RawMessage) {
    this.emit('message', new FakeMessage(this, raw));
  }

  ack(message: FakeMessage, ack: number) {
    message._data.ack = ack;
    this.emit('message_ack', new FakeMessage(this, { ...message._data }), ack);
  }

  destroy(): Promise<void> {
    return settle(() => {
      this.destroyCalls++;
      if (this.pupBrowser) this.pupBrowser.connected = false;
      this.phase = 'destroyed';
    });
  }

  logout(): Promise<void> {
    return settle(() => {
      this.assertPage();
      this.logoutCalls++;
      if (this.pupBrowser) this.pupBrowser.connected = false;
      this.phase = 'destroyed';
      fs.rmSync(this.session, { recursive: true, force: true });
    });
  }

  getState(): Promise<string | null> {
    return settle(() => {
      this.assertPage();
      return this.waState;
    });
  }

  sendMessage(chatId: string, content: string): Promise<FakeMessage | undefined> {
    return settle(() => {
      this.assertInjected();
      // window.WWebJS.getChat found nothing: the library answers undefined.
      if (this.world.unknownChats.has(chatId)) return undefined;
      const chat = this.world.chat(chatId);
      const key = hexId();
      const raw: RawMessage = {
        id: { fromMe: true, remote: chatId, id: key, _serialized: `true_${chatId}_${key}` },
        type: 'chat',
        body: content,
        t: Math.floor(this.world.now() / 1000),
        from: `${this.world.me}@c.us`,
        to: chatId,
        ack: MessageAck.ACK_PENDING,
      };
      chat.messages.push(raw);
      const msg = new FakeMessage(this, raw);
      this.sent.push(msg);
      return msg;
    });
  }

  getChats(): Promise<FakeChat[]> {
    return settle(() => {
      this.assertInjected();
      return [...this.world.chats.values()].map((c) => new FakeChat(this, c));
    });
  }

  getContactLidAndPhone(userIds: string[]) {
    return settle(() => {
      this.assertInjected();
      return userIds.map((id) => {
        const pn = this.world.lidPhones.get(id);
        return id.endsWith('@lid') ? { lid: id, pn: pn ? `${pn}@c.us` : undefined } : { lid: undefined, pn: id };
      });
    });
  }
}

export interface IncomingOptions {
  from?: string;
  body?: string;
  notifyName?: string;
  /** Epoch ms. */
  at?: number;
  type?: string;
  media?: { mimetype: string; content: Buffer; filename?: string; announcedSize?: number; expired?: boolean };
  location?: { lat: number; lng: number; loc?: string };
  vcards?: string[];
  group?: string;
  status?: boolean;
}

/** WhatsApp's servers plus the centre's phone, shared by every client the channel creates. */
export class FakeWhatsapp {
  readonly clients: FakeClient[] = [];
  readonly chats = new Map<string, ChatRecord>();
  readonly media = new Map<string, FakeMessageMedia>();
  /** What WhatsApp Web knows of the phone numbers behind @lid ids. */
  readonly lidPhones = new Map<string, string>();
  readonly pushnames = new Map<string, string>();
  readonly unknownChats = new Set<string>();
  me = '77152000000';
  initialize: 'ok' | 'hang' | 'fail' = 'ok';
  readyAfterAuthentication = true;

  constructor(readonly now: () => number = () => Date.now()) {}

  createClient = (cfg: { dataPath: string }): FakeClient => {
    const c = new FakeClient(this, { dataPath: cfg.dataPath });
    this.clients.push(c);
    return c;
  };

  get client(): FakeClient {
    const c = this.clients.at(-1);
    if (!c) throw new Error('no client was created');
    return c;
  }

  /** A session linked earlier: the next client restores it (authenticated → ready, no QR code). */
  linkSession(dataPath: string) {
    fs.mkdirSync(path.dirname(pairedMarker(dataPath)), { recursive: true });
    fs.writeFileSync(pairedMarker(dataPath), '');
  }

  chat(id: string): ChatRecord {
    let c = this.chats.get(id);
    if (!c) this.chats.set(id, (c = { id, messages: [], unreadCount: 0 }));
    return c;
  }

  contact(id: string): ContactLike {
    const phone = id.endsWith('@lid') ? this.lidPhones.get(id) : undefined;
    // getContactModel puts the phone-number id in place of a known @lid.
    const w = wid(phone ? `${phone}@c.us` : id);
    return { id: w, number: w.user, pushname: this.pushnames.get(id) };
  }

  /** A message as WhatsApp Web stores it (in the chat, unread), not yet delivered to any client. */
  incoming(o: IncomingOptions = {}): RawMessage {
    const from = o.status ? 'status@broadcast' : (o.group ?? o.from ?? '77012345678@c.us');
    const key = hexId();
    const media = o.media;
    const raw: RawMessage = {
      id: { fromMe: false, remote: from, id: key, _serialized: `false_${from}_${key}` },
      type: o.type ?? (media ? 'image' : o.location ? 'location' : o.vcards ? (o.vcards.length > 1 ? 'multi_vcard' : 'vcard') : 'chat'),
      t: Math.floor((o.at ?? this.now()) / 1000),
      from,
      to: `${this.me}@c.us`,
      ...(o.group ? { author: o.from ?? '77012345678@c.us' } : {}),
      ack: MessageAck.ACK_SERVER,
      ...(o.notifyName ? { notifyName: o.notifyName } : {}),
      ...(o.status ? { isStatusV3: true } : {}),
    };
    if (media) {
      Object.assign(raw, {
        directPath: `/v/t62.7118-24/${key}.enc`,
        mimetype: media.mimetype,
        size: media.announcedSize ?? media.content.length,
        caption: o.body,
      });
      if (media.filename) raw.filename = media.filename;
      if (!media.expired)
        this.media.set(
          raw.id._serialized,
          new FakeMessageMedia(media.mimetype, media.content.toString('base64'), media.filename ?? null, media.content.length),
        );
    } else if (o.location) {
      // A location's body is its JPEG thumbnail, base64.
      Object.assign(raw, { lat: o.location.lat, lng: o.location.lng, loc: o.location.loc, body: '/9j/4AAQSkZJRgABAQAAAQABAAD' });
    } else if (o.vcards) {
      if (o.vcards.length > 1) raw.vcardList = o.vcards.map((vcard) => ({ vcard }));
      raw.body = o.vcards[0];
    } else {
      raw.body = o.body ?? 'Здравствуйте';
    }
    const chat = this.chat(from);
    chat.messages.push(raw);
    chat.unreadCount++;
    return raw;
  }

  /** A citizen writes: stored in the chat and, when a client is ready, emitted as `message`. */
  send(o: IncomingOptions = {}): RawMessage {
    const raw = this.incoming(o);
    const c = this.clients.at(-1);
    if (c?.phase === 'ready') c.deliver(raw);
    return raw;
  }
}

/** Timers the test moves by hand (the channel's watchdog, retry and restart delays). */
export class ManualTimers {
  private seq = 0;
  private now = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  set = (fn: () => void, ms: number): number => {
    const id = ++this.seq;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  };
  clear = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };
  /** Delays still pending, shortest first. */
  delays(): number[] {
    return [...this.pending.values()].map((p) => p.at - this.now).sort((a, b) => a - b);
  }
  /** Moves time and runs what fell due, in order. */
  advance(ms: number) {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, p]) => p.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = end;
  }
}
