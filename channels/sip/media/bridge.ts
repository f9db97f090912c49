// rtpengine on the citizen's leg, for the SIP adapter (docs/media.md): the caller's offer goes through rtpengine,
// VIC answers the caller at once (the other side is "vic", held on the discard port until an operator answers),
// an operator's phone gets rtpengine's offer and their answer replaces VIC's, and every session is deleted when
// its call ends. rtpengine's health is pinged in the background for the channels page.
import { uploadedAnnouncement } from '../../../src/announcement-uploads.ts';
import type { Logger } from '../../../src/log.ts';
import { CallerQueue } from '../../../routing/caller-queue.ts';
import { Announcements } from './announcements.ts';
import { CallerMedia, type CallerMediaHooks } from './caller-media.ts';
import type { MediaSetup } from './config.ts';
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
export function offerProblem(sdp: string): string | null {
  const m = /^m=audio [1-9]\d* RTP\/S?AVPF? ([\d ]+)\s*$/m.exec(sdp);
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

  constructor(
    private readonly setup: MediaSetup,
    private readonly env: { log: () => Logger | null; healthChanged: () => void },
  ) {
    this.rtpengine = new RtpengineClient(setup.rtpengine);
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
  }

  /** The call is over: rtpengine forgets it at once (its own list no longer has it). Never throws. */
  async release(callId: string): Promise<void> {
    try {
      await this.rtpengine.delete(callId);
    } catch (err) {
      this.env.log()?.warn({ err, callId }, 'sip: rtpengine delete failed');
    }
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
