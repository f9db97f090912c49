// The e-mail channel's public face: configuration from the environment and the adapter (see docs/email.md).
import type { ChannelAdapter } from '../../src/channels.ts';
import { EmailChannel } from './channel.ts';
import type { EmailConfig } from './config.ts';

export { emailConfigFromEnv, type EmailConfig } from './config.ts';

export function createEmailChannel(cfg: EmailConfig): ChannelAdapter {
  return new EmailChannel(cfg);
}
