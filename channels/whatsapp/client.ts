// The boundary: the part of whatsapp-web.js's Client the channel uses, and the one place that builds a real one.
import { createRequire } from 'node:module';
import path from 'node:path';
import type WAWebJS from 'whatsapp-web.js';
import type { WhatsappConfig } from './config.ts';

export interface WidLike {
  server: string;
  user: string;
  _serialized: string;
}

export interface MediaLike {
  mimetype: string;
  /** base64 */
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

export interface ContactLike {
  id: WidLike;
  number: string;
  pushname?: string;
}

export interface MessageLike {
  id: { fromMe: boolean; remote: string; id: string; _serialized: string };
  ack?: number;
  from: string;
  to: string;
  body: string;
  type: string;
  /** Seconds. */
  timestamp: number;
  fromMe: boolean;
  hasMedia: boolean;
  isStatus?: boolean;
  broadcast?: boolean;
  location?: { latitude: number | string; longitude: number | string; description?: string };
  vCards?: string[];
  /** WhatsApp Web's own model: notifyName (the sender's profile name), size and mimetype of media. */
  _data?: { notifyName?: string; size?: number; mimetype?: string; filename?: string };
  downloadMedia(): Promise<MediaLike | undefined | null>;
  getContact(): Promise<ContactLike>;
}

export interface ChatLike {
  id: WidLike;
  isGroup: boolean;
  unreadCount: number;
  /** Seconds: last activity. */
  timestamp: number;
  fetchMessages(options: { limit: number }): Promise<MessageLike[]>;
}

/** The client's events that the channel listens to, with the arguments the library passes. */
export interface ClientEvents {
  qr: [code: string];
  authenticated: [];
  auth_failure: [message: string];
  ready: [];
  disconnected: [reason: string];
  change_state: [state: string];
  message: [msg: MessageLike];
  message_ack: [msg: MessageLike, ack: number];
}

export interface ClientLike {
  on<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  logout(): Promise<void>;
  sendMessage(chatId: string, content: string): Promise<MessageLike | undefined>;
  getState(): Promise<string | null>;
  getChats(): Promise<ChatLike[]>;
  getContactLidAndPhone?(userIds: string[]): Promise<{ lid?: string; pn?: string }[]>;
  info?: { wid?: WidLike } | null;
  pupBrowser?: { process(): { kill(signal?: NodeJS.Signals): boolean } | null } | null;
}

/**
 * Headless flags for Debian's Chromium as a service: no sandbox (no user namespaces in containers), no GPU,
 * /tmp instead of a small /dev/shm, and none of Chrome's own background traffic.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** LocalAuth keeps the session in the Chromium profile here: removing it forces a new QR code. */
export function sessionDir(cfg: Pick<WhatsappConfig, 'dataPath'>): string {
  return path.join(cfg.dataPath, 'session');
}

const require = createRequire(import.meta.url);

export function createWwebjsClient(cfg: WhatsappConfig): ClientLike {
  // Loaded on first use: puppeteer is heavy and not needed when the channel is off.
  const { Client, LocalAuth } = require('whatsapp-web.js') as typeof WAWebJS;
  return new Client({
    authStrategy: new LocalAuth({ dataPath: cfg.dataPath }),
    puppeteer: { executablePath: cfg.chromiumPath, headless: true, args: [...CHROMIUM_ARGS, ...cfg.chromiumArgs] },
    ...(cfg.webVersion ? { webVersion: cfg.webVersion } : {}),
    // Versions the library has run are cached under DATA_DIR (not the working directory). Not strict: when a
    // pinned version cannot be loaded, the current WhatsApp Web runs rather than no channel at all.
    webVersionCache: cfg.webVersionUrl
      ? { type: 'remote', remotePath: cfg.webVersionUrl, strict: false }
      : { type: 'local', path: path.join(cfg.dataPath, 'web-cache'), strict: false },
  });
}
