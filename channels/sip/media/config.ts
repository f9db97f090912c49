// The media settings (validated in src/config.ts) turned into what the pieces take; null when SIP_RTPENGINE is
// unset, and then the bridge behaves as before (no media relay, busy when nobody is free).
import type { Config } from '../../../src/config.ts';
import { DEFAULT_CALLER_QUEUE, type CallerQueueConfig } from '../../../routing/caller-queue.ts';
import type { RecordingSetup } from './recording.ts';
import { parseRtpengineAddress, type RtpengineOptions } from './rtpengine.ts';

export interface MediaSetup {
  rtpengine: RtpengineOptions;
  /** Where the DtmfReceiver listens (rtpengine's dtmf-log-dest). */
  dtmfListen: { host: string; port: number };
  /** SIP_ANNOUNCEMENTS_DIR, or undefined for the shipped audio/. */
  announcementsDir?: string;
  /** DATA_DIR: admins' uploaded announcements there are played instead of the directory's (set by the SIP config). */
  dataDir?: string;
  queue: CallerQueueConfig;
  /** SIP_RECORDING: rtpengine records each answered call (the caller hears the notice first); absent: off. */
  recording?: RecordingSetup;
}

type MediaEnv = Pick<
  Config,
  | 'SIP_RTPENGINE'
  | 'SIP_RTPENGINE_TIMEOUT_MS'
  | 'SIP_RTPENGINE_DTMF_LISTEN'
  | 'SIP_ANNOUNCEMENTS_DIR'
  | 'SIP_LANGUAGE_MENU'
  | 'SIP_QUEUE_MAX_WAIT_S'
  | 'SIP_QUEUE_ANNOUNCE_EVERY_S'
  | 'SIP_RECORDING'
  | 'SIP_RECORDING_DIR'
>;

export function mediaSetup(c: MediaEnv): MediaSetup | null {
  if (!c.SIP_RTPENGINE) return null;
  return {
    rtpengine: { ...parseRtpengineAddress(c.SIP_RTPENGINE), timeoutMs: c.SIP_RTPENGINE_TIMEOUT_MS },
    dtmfListen: parseRtpengineAddress(c.SIP_RTPENGINE_DTMF_LISTEN),
    ...(c.SIP_ANNOUNCEMENTS_DIR ? { announcementsDir: c.SIP_ANNOUNCEMENTS_DIR } : {}),
    ...(c.SIP_RECORDING ? { recording: { dir: c.SIP_RECORDING_DIR } } : {}),
    queue: {
      ...DEFAULT_CALLER_QUEUE,
      languageMenu: c.SIP_LANGUAGE_MENU,
      recordingNotice: c.SIP_RECORDING,
      maxWaitMs: c.SIP_QUEUE_MAX_WAIT_S * 1000,
      announceEveryMs: c.SIP_QUEUE_ANNOUNCE_EVERY_S * 1000,
    },
  };
}
