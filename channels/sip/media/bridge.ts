// rtpengine on the citizen's leg, for the SIP adapter (docs/media.md): the caller's offer goes through rtpengine,
// VIC answers the caller at once (the other side is "vic", held on the discard port until an operator answers),
// an operator's phone gets rtpengine's offer and their answer replaces VIC's, and every session is deleted when
// its call ends. rtpengine's health is pinged in the background for the channels page.
import { uploadedAnnouncement } from '../../../src/announcement-uploads.ts';
import type { Logger } from '../../../src/log.ts';
import { CallerQueue } from '../../../routing/caller-queue.ts';
import { Announcements } from './announcements.ts';
import { CallerMedia, MUSIC_REPEAT, type CallerMediaHooks } from './caller-media.ts';
import type { MediaSetup } from './config.ts';
import { CallRecorder, type RecordingResult } from './recording.ts';
import { DtmfReceiver, holdingAnswerSdp, RtpengineClient, RtpengineError } from './rtpengine.ts';

/** rtpengine's name for VIC's side of the call: first the holding answer, then the operator's. */
export const VIC_TAG = 'vic';
const HEALTH_EVERY_MS = 10_000;

export interface CallerLeg {
  callId: string;
  /** The caller's From-tag: their side in rtpengine (announcements are played to it). */
  callerTag: string;
  /** rtpengine's offer, what an operator's phone is invited with. */
  offerSdp: string;
  /** rtpengine's answer, what the caller is answered with. */
  answerSdp: string;
}

export type MediaHealth = { up: true; ms: number; since: number } | { up: false; reason: string; since: number };

/**
 * Why an offer cannot be served, or null: the announcements are G.711 (8 kHz, the phone network's codec), so the
 * caller must offer PCMU or PCMA in an audio stream.
 */
/** A real offer is a few hundred bytes (a few KB with many codecs): anything far bigger is refused unread. */
const MAX_SDP_BYTES = 16 * 1024;

export function offerProblem(sdp: string): string | null {
  if (sdp.length > MAX_SDP_BYTES) return `malformed SDP: larger than ${MAX_SDP_BYTES} bytes`;
  // (?=(…))\1 takes the payload list atomically: backtracking it against \s* was quadratic in a run of spaces.
  const m = /^m=audio [1-9]\d* RTP\/S?AVPF? (?=([\d ]+))\1\s*$/m.exec(sdp);
  if (!/^v=0/m.test(sdp) || !/^c=IN IP[46] \S+/m.test(sdp) || !m) return 'malformed SDP: no audio stream with a connection address';
  const pts = m[1].trim().split(/\s+/);
  const g711 = pts.includes('0') || pts.includes('8') || /^a=rtpmap:\d+ (PCMU|PCMA)\/8000/im.test(sdp);
  return g711 ? null : `unsupported codec: no PCMU or PCMA offered (payload types ${pts.join(' ')})`;
}

export class MediaBridge {
  readonly rtpengine: RtpengineClient;
  readonly announcements: Announcements;
  private readonly dtmf = new DtmfReceiver();
  private timer: NodeJS.Timeout | null = null;
  private state: MediaHealth = { up: false, reason: 'not checked yet', since: Date.now() };
  /** SIP_RECORDING: answered calls are recorded; null when off. */
  private readonly recorder: CallRecorder | null;

  constructor(
    private readonly setup: MediaSetup,
    private readonly env: {
      log: () => Logger | null;
      healthChanged: () => void;
      /** A recorded call's WAV (or why it failed), for its ticket; after the call ended. */
      recorded?: (callId: string, r: RecordingResult) => void;
    },
  ) {
    this.rtpengine = new RtpengineClient(setup.rtpengine);
    this.recorder = setup.recording ? new CallRecorder(setup.recording, this.rtpengine) : null;
    const dataDir = setup.dataDir;
    this.announcements = new Announcements(
      setup.announcementsDir,
      undefined,
      dataDir ? (lang, clip) => uploadedAnnouncement(dataDir, lang, clip) : undefined,
    );
    // A missing or unplayable announcement is a configuration error: found at start, naming the file.
    const problems = this.announcements.problems();
    if (problems.length) throw new Error(`sip: announcements in ${this.announcements.dir}: ${problems.join('; ')}`);
  }

  async start(): Promise<void> {
    const { host, port } = this.setup.dtmfListen;
    try {
      await this.dtmf.listen(host, port, this.setup.rtpengine.host);
    } catch (err) {
      // Keys then come by SIP INFO only; the queue still works (and times out into a call-back).
      this.env.log()?.error({ err, host, port }, 'sip: cannot listen for rtpengine DTMF reports');
    }
    await this.check();
    this.timer = setInterval(() => void this.check(), HEALTH_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.dtmf.close();
    this.rtpengine.close();
  }

  /** Callers are told their call is recorded (SIP_RECORDING): nobody is rung before they have heard it. */
  get recordingNotice(): boolean {
    return this.setup.queue.recordingNotice;
  }

  health(): MediaHealth {
    return this.state;
  }

  /** Pings now (a request just went unanswered): the channels page shows rtpengine down at once. */
  async check(): Promise<void> {
    const h = await this.rtpengine.health();
    const was = this.state;
    if (h.up === was.up && (h.up || (!was.up && h.reason === was.reason))) {
      if (h.up) this.state = { ...h, since: was.since };
      return;
    }
    this.state = { ...h, since: Date.now() };
    if (h.up) this.env.log()?.info({ ms: h.ms }, 'sip: rtpengine answers');
    else this.env.log()?.warn({ reason: h.reason }, 'sip: rtpengine does not answer: calls go on without announcements');
    this.env.healthChanged();
  }

  /**
   * The caller's INVITE through rtpengine: its offer, and VIC's holding answer. A refused offer (malformed SDP, a
   * codec rtpengine cannot take) throws RtpengineError 'refused' (488); rtpengine down throws 'unavailable'.
   */
  async answerCaller(callId: string, callerTag: string, sdp: string): Promise<CallerLeg> {
    const problem = offerProblem(sdp);
    if (problem) throw new RtpengineError('refused', 'offer', problem);
    const offerSdp = await this.rtpengine.offer({ callId, fromTag: callerTag, sdp });
    try {
      const answerSdp = await this.rtpengine.answer({ callId, fromTag: callerTag, toTag: VIC_TAG, sdp: holdingAnswerSdp(offerSdp) });
      return { callId, callerTag, offerSdp, answerSdp };
    } catch (err) {
      await this.release(callId);
      throw err;
    }
  }

  /** An operator answered rtpengine's offer: their SDP replaces VIC's holding answer (same tag), media flows. */
  async connect(leg: CallerLeg, operatorSdp: string): Promise<void> {
    await this.rtpengine.answer({ callId: leg.callId, fromTag: leg.callerTag, toTag: VIC_TAG, sdp: operatorSdp });
    // The caller heard the notice in the greeting; the conversation itself is what is recorded.
    await this.recorder?.start(leg.callId);
  }

  /**
   * The call is over: rtpengine forgets it at once (its own list no longer has it), which also makes it write the
   * call's recording; that goes to the ticket. Never throws.
   */
  async release(callId: string): Promise<void> {
    try {
      await this.rtpengine.delete(callId);
    } catch (err) {
      this.env.log()?.warn({ err, callId }, 'sip: rtpengine delete failed');
    }
    const r = await this.recorder?.collect(callId);
    if (!r) return;
    if (r.ok) this.env.log()?.info({ callId, durationMs: r.durationMs, bytes: r.wav.length }, 'sip: call recorded');
    else this.env.log()?.error({ callId, reason: r.reason }, 'sip: call recording failed');
    try {
      this.env.recorded?.(callId, r);
    } catch (err) {
      this.env.log()?.error({ err, callId }, 'sip: call recording not stored');
    }
  }

  /**
   * A transfer: the specialist's phone was invited with rtpengine's offer (leg.offerSdp) and answered; their SDP
   * replaces the operator's on VIC's side of the same rtpengine call. The caller's leg is not re-INVITEd: their
   * media stays in rtpengine (and whatever rtpengine does with the call, a recording, goes on).
   */
  async transfer(leg: CallerLeg, specialistSdp: string): Promise<void> {
    await this.rtpengine.answer({ callId: leg.callId, fromTag: leg.callerTag, toTag: VIC_TAG, sdp: specialistSdp });
  }

  /** The operator put the caller on hold: what the operator sends is dropped and the caller hears the music. */
  async hold(leg: CallerLeg): Promise<void> {
    await this.rtpengine.blockMedia(leg.callId, VIC_TAG);
    await this.rtpengine.playMedia(leg.callId, leg.callerTag, this.announcements.musicFile(), MUSIC_REPEAT);
  }

  /** Back from hold: the music stops and the two hear each other again. */
  async resume(leg: CallerLeg): Promise<void> {
    await this.rtpengine.stopMedia(leg.callId, leg.callerTag);
    await this.rtpengine.unblockMedia(leg.callId, VIC_TAG);
  }

  callerMedia(leg: CallerLeg, hooks: CallerMediaHooks): CallerMedia {
    return new CallerMedia({
      rtpengine: this.rtpengine,
      announcements: this.announcements,
      dtmf: this.dtmf,
      queue: new CallerQueue(this.setup.queue),
      callId: leg.callId,
      callerTag: leg.callerTag,
      hooks,
    });
  }
}
