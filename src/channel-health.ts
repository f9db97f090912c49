// A channel's health as the API and the console see it. This file imports nothing, so the console can import its
// types (operator-ui, `import type`) without its type check pulling in the server.

export type HealthState = 'connected' | 'connecting' | 'pairing' | 'degraded' | 'down';

/**
 * Why a channel is in its state, as a code the console words in the interface language (`cleanup.health.<code>`,
 * tests/unit/health-reasons.test.ts holds that every code has them). The adapter's own words (a provider's error,
 * in English) stay in `reason`: for the log and for IT behind the console's "details".
 */
export const HEALTH_REASONS = [
  'notStarted',
  'stopped',
  'connecting',
  'reconnecting',
  'restarted',
  'scheduledRestart',
  'loggedOut',
  'waScanQr',
  'waLoadingChats',
  'waAuthFailed',
  'waDisconnected',
  'waStartFailed',
  'waLoadTimeout',
  'waUnresponsive',
  'waPhoneOffline',
  'imapLoginFailed',
  'imapFailed',
  'imapLost',
  'smtpFailing',
  'sipSecretRejected',
  'sipUnreachable',
  'sipNoAck',
  'sipKeepAliveFailed',
  'sipPbxUnreachable',
  'sipRtpengineDown',
] as const;
export type HealthReason = (typeof HEALTH_REASONS)[number];

export interface ChannelHealth {
  state: HealthState;
  /** Why, for the console; set whenever `reason` is. */
  code?: HealthReason;
  /** The adapter's own words (English, possibly a provider's error text): for the log and IT, not for the console's sentence. */
  reason?: string;
  /** Epoch ms of the last change of state. */
  since: number;
  /** Extra, channel-specific facts for admins (e.g. a QR code while pairing). Never secrets. */
  details?: Record<string, unknown>;
}
