// WhatsApp through whatsapp-web.js (WhatsApp Web in Debian's headless Chromium). See docs/whatsapp.md.
import type { ChannelAdapter } from '../../src/channels.ts';
import { createWwebjsClient, type ClientLike } from './client.ts';
import type { WhatsappConfig } from './config.ts';
import { WhatsappChannel, type Timers } from './channel.ts';

export { whatsappConfigFromEnv, type WhatsappConfig } from './config.ts';
export type { ClientLike, MessageLike, ChatLike, ContactLike, MediaLike } from './client.ts';
export { CHROMIUM_ARGS, createWwebjsClient, sessionDir } from './client.ts';
export type { Timers } from './channel.ts';

/** `createClient` replaces the whatsapp-web.js Client (tests); `timers` the watchdog's clock. */
export function createWhatsappChannel(
  cfg: WhatsappConfig,
  deps: { createClient?: (cfg: WhatsappConfig) => ClientLike; timers?: Timers } = {},
): ChannelAdapter {
  return new WhatsappChannel(cfg, { createClient: deps.createClient ?? createWwebjsClient, timers: deps.timers });
}
