// Runs one caller's CallerQueue (routing/caller-queue.ts) against rtpengine: its media commands become `play
// media` / `stop media` on the caller's side of the call, its timers real timers, rtpengine's DTMF reports its key
// events; every other command (queue, call-back task, language, hang-up, record) goes to the SIP adapter's hooks.
// The SIP side creates one when it answers the call through rtpengine and tells it what happens on the SIP side.
import type { Clip, ClipRef, Lang } from './messages.ts';
import type { Announcements } from './announcements.ts';
import type { DtmfEvent, DtmfReceiver, RtpengineClient } from './rtpengine.ts';
import type { CallerCommand, CallerEvent, CallerQueue, QueueOutcome } from '../../../routing/caller-queue.ts';

export interface CallerMediaHooks {
  enqueue(): void;
  leaveQueue(): void;
  callback(task: { waitedMs: number; lang: Lang; reason: 'dtmf' | 'max-wait' | 'off-hours' }): void;
  setLanguage(lang: Lang): void;
  hangup(): void;
  record(result: { outcome: QueueOutcome; waitedMs: number }): void;
  /** A media command failed (rtpengine down, a file missing): for the log; the call goes on without that sound. */
  mediaError(err: Error): void;
}

export interface CallerMediaOptions {
  rtpengine: RtpengineClient;
  announcements: Announcements;
  /** rtpengine's DTMF reports; keys of this call's caller are taken from it. */
  dtmf?: DtmfReceiver;
  queue: CallerQueue;
  callId: string;
  /** The caller's SIP tag as given to rtpengine (their From-tag): announcements are played to this side. */
  callerTag: string;
  hooks: CallerMediaHooks;
  now?: () => number;
}

/** Loops of the hold music: rtpengine repeats the file this often, more than any wait (or hold: bridge.ts). */
export const MUSIC_REPEAT = 1000;

export class CallerMedia {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The timer that reports the current announcement as played; replaced by every play, cleared on stop. */
  private played: NodeJS.Timeout | null = null;
  /** Counts plays, music and stops: a play whose request was overtaken by a newer one reports nothing. */
  private generation = 0;
  private readonly onDtmf = (e: DtmfEvent) => {
    if (e.callId === this.o.callId && e.tag === this.o.callerTag) this.event({ type: 'dtmf', digit: e.digit, at: this.now() });
  };
  private readonly now: () => number;

  constructor(private readonly o: CallerMediaOptions) {
    this.now = o.now ?? Date.now;
    o.dtmf?.on('dtmf', this.onDtmf);
  }

  start(s: { working: boolean; lang: Lang | null; position: number; opening?: Clip[] }): void {
    this.event({ type: 'start', at: this.now(), ...s });
  }

  /** A key from SIP INFO (the fallback when the phone does not send RFC 4733 events). */
  key(digit: string): void {
    this.event({ type: 'dtmf', digit, at: this.now() });
  }

  position(position: number): void {
    this.event({ type: 'position', position, at: this.now() });
  }

  operatorAnswered(): void {
    this.event({ type: 'operator-answered', at: this.now() });
  }

  /** The caller hung up (BYE or CANCEL). */
  hungUp(): void {
    this.event({ type: 'hangup', at: this.now() });
  }

  private event(e: CallerEvent): void {
    const commands = this.o.queue.handle(e);
    for (const c of commands) this.run(c);
    if (this.o.queue.finished) this.dispose();
  }

  private later(at: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, at - this.now()),
    );
    this.timers.add(t);
    return t;
  }

  private clearPlayed(): void {
    this.generation += 1;
    if (!this.played) return;
    clearTimeout(this.played);
    this.timers.delete(this.played);
    this.played = null;
  }

  private run(c: CallerCommand): void {
    const { hooks } = this.o;
    switch (c.type) {
      case 'play':
        this.clearPlayed();
        void this.play(c.clips);
        return;
      case 'music':
        this.clearPlayed();
        this.media(this.o.rtpengine.playMedia(this.o.callId, this.o.callerTag, this.o.announcements.musicFile(), MUSIC_REPEAT));
        return;
      case 'stop-media':
        this.clearPlayed();
        this.media(this.o.rtpengine.stopMedia(this.o.callId, this.o.callerTag));
        return;
      case 'timer':
        this.later(c.at, () => this.event({ type: 'timer', id: c.id, at: this.now() }));
        return;
      case 'enqueue':
        return hooks.enqueue();
      case 'leave-queue':
        return hooks.leaveQueue();
      case 'callback':
        return hooks.callback({ waitedMs: c.waitedMs, lang: c.lang, reason: c.reason });
      case 'set-language':
        return hooks.setLanguage(c.lang);
      case 'hangup':
        return hooks.hangup();
      case 'record':
        return hooks.record({ outcome: c.outcome, waitedMs: c.waitedMs });
    }
  }

  private media(p: Promise<unknown>): void {
    p.catch((err: unknown) => this.o.hooks.mediaError(err instanceof Error ? err : new Error(String(err))));
  }

  /** Plays the sentence and reports it played after its length; a failed play counts as played at once. */
  private async play(clips: ClipRef[]): Promise<void> {
    const generation = this.generation;
    let durationMs: number;
    try {
      const sentence = this.o.announcements.compose(clips);
      const r = await this.o.rtpengine.playMedia(this.o.callId, this.o.callerTag, sentence.file);
      durationMs = r.durationMs ?? sentence.durationMs;
    } catch (err) {
      this.o.hooks.mediaError(err instanceof Error ? err : new Error(String(err)));
      durationMs = 0;
    }
    if (this.o.queue.finished || generation !== this.generation) return;
    const t = this.later(this.now() + durationMs, () => {
      if (this.played === t) this.played = null;
      this.event({ type: 'played', at: this.now() });
    });
    this.played = t;
  }

  /** Stops every timer and stops listening for keys (the queue is over: connected, called back or hung up). */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.played = null;
    this.o.dtmf?.off('dtmf', this.onDtmf);
  }
}
