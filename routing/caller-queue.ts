// What a caller hears while VIC holds their call, as a pure state machine in the style of call-flow.ts: events in,
// commands out, no I/O and no clock of its own. Time arrives as events: the machine asks for a timer with a
// `timer` command and the adapter sends back `{ type: 'timer', id }` when it is due (a stale id is ignored).
//
//   greeting (+ recording notice) → [language menu: 1 Kazakh, 2 Russian] → queue: "please wait", the position and
//   the call-back offer, then music, the position again every `announceEveryMs` → an operator answers (connected),
//   or DTMF 1 / the longest wait → "we will call you back", a call-back task with the time waited, goodbye.
//   Off hours: "closed", when the centre opens, "press 1 for a call back" → 1: the same call-back end; else goodbye.
//
// The SIP adapter feeds it (channels/sip/media/caller-media.ts: the answered call, DTMF from rtpengine or SIP INFO,
// the queue position) and carries out its commands with rtpengine; `set-language` is stored on the contact.
import { LANGS, positionClips, type Clip, type ClipRef, type Lang } from '../channels/sip/media/messages.ts';

export interface CallerQueueConfig {
  /** SIP_LANGUAGE_MENU: offer 1/2 for Kazakh/Russian after the greeting. */
  languageMenu: boolean;
  /** The language spoken when the caller's is unknown and they choose none. */
  defaultLang: Lang;
  /** SIP_RECORDING: the caller is told the call may be recorded. */
  recordingNotice: boolean;
  /** How long the menu waits for a key after it was said. */
  menuTimeoutMs: number;
  /** Music between announcements of the position, this long. */
  announceEveryMs: number;
  /** SIP_QUEUE_MAX_WAIT_S: the longest wait before the call-back is offered as done (default 3 min). */
  maxWaitMs: number;
  /** Off hours: how long "press 1" waits for the key after it was said. */
  offerTimeoutMs: number;
}

export const DEFAULT_CALLER_QUEUE: CallerQueueConfig = {
  languageMenu: false,
  defaultLang: 'kk',
  recordingNotice: false,
  menuTimeoutMs: 5000,
  announceEveryMs: 30_000,
  maxWaitMs: 180_000,
  offerTimeoutMs: 8000,
};

export type QueueOutcome = 'connected' | 'callback' | 'abandoned' | 'off-hours';

export type CallerEvent =
  /**
   * VIC answered the call. `lang`: the contact's stored language, if any; `position`: in the queue (1 = next);
   * `opening`: off hours only, when the centre opens again as clips (messages.ts openingClips).
   */
  | { type: 'start'; at: number; working: boolean; lang: Lang | null; position: number; opening?: Clip[] }
  /** The last `play` finished (its duration elapsed, or rtpengine stopped it). */
  | { type: 'played'; at: number }
  | { type: 'dtmf'; digit: string; at: number }
  | { type: 'timer'; id: number; at: number }
  /** The caller moved up (or back) in the queue; said at the next announcement. */
  | { type: 'position'; position: number; at: number }
  /** An operator picked up: the call flow bridges them with the caller. */
  | { type: 'operator-answered'; at: number }
  | { type: 'hangup'; at: number };

export type CallerCommand =
  /** Say these clips to the caller, one after the other; a `played` event follows. Replaces what was playing. */
  | { type: 'play'; clips: ClipRef[] }
  /** Hold music in a loop until the next play or stop. */
  | { type: 'music' }
  | { type: 'stop-media' }
  /** Send `{ type: 'timer', id }` at `at`. */
  | { type: 'timer'; id: number; at: number }
  /** The caller chose a language: store it on the contact. */
  | { type: 'set-language'; lang: Lang }
  /** Start hunting operators for this caller (the queue); `leave-queue` stops it. */
  | { type: 'enqueue' }
  | { type: 'leave-queue' }
  /** Create the call-back task on the ticket. */
  | { type: 'callback'; waitedMs: number; lang: Lang; reason: 'dtmf' | 'max-wait' | 'off-hours' }
  /** End the call (BYE to the caller). */
  | { type: 'hangup' }
  | { type: 'record'; outcome: QueueOutcome; waitedMs: number };

type Phase =
  | { name: 'idle' }
  | { name: 'greeting'; menuTimer: number | null }
  | { name: 'queue'; position: number; announcing: boolean; announceTimer: number | null; maxWaitTimer: number }
  | { name: 'off-hours'; offerTimer: number | null }
  /** Saying the last words (call-back confirmed, or goodbye) before hanging up. */
  | { name: 'closing'; outcome: QueueOutcome }
  | { name: 'done'; outcome: QueueOutcome };

export class CallerQueue {
  private phase: Phase = { name: 'idle' };
  private lang: Lang;
  private startedAt = 0;
  private working = true;
  /** Hunting has been asked for (at once, or after the recording notice has been heard). */
  private enqueued = false;
  private position = 1;
  private opening: Clip[] = [];
  private timers = 0;

  constructor(private readonly cfg: CallerQueueConfig = DEFAULT_CALLER_QUEUE) {
    this.lang = cfg.defaultLang;
  }

  get state(): Readonly<Phase> {
    return this.phase;
  }

  get language(): Lang {
    return this.lang;
  }

  get finished(): boolean {
    return this.phase.name === 'done';
  }

  handle(e: CallerEvent): CallerCommand[] {
    const p = this.phase;
    if (p.name === 'done') return []; // late timers and events: the call is over
    if (e.type === 'hangup') return this.hungUp(p, e.at);
    switch (p.name) {
      case 'idle':
        return e.type === 'start' ? this.start(e) : [];
      case 'greeting':
        return this.greeting(p, e);
      case 'queue':
        return this.queue(p, e);
      case 'off-hours':
        return this.offHours(p, e);
      case 'closing':
        if (e.type !== 'played') return [];
        return [{ type: 'hangup' }, this.finish(p.outcome, e.at)];
    }
  }

  private say(...clips: Clip[]): CallerCommand {
    return { type: 'play', clips: clips.map((clip) => ({ lang: this.lang, clip })) };
  }

  private timer(at: number): { id: number; cmd: CallerCommand } {
    this.timers += 1;
    return { id: this.timers, cmd: { type: 'timer', id: this.timers, at } };
  }

  private finish(outcome: QueueOutcome, at: number): CallerCommand {
    this.phase = { name: 'done', outcome };
    return { type: 'record', outcome, waitedMs: at - this.startedAt };
  }

  private hungUp(p: Exclude<Phase, { name: 'done' }>, at: number): CallerCommand[] {
    // A caller who hangs up after the call-back was confirmed still gets it: that outcome stands.
    if (p.name === 'closing') return [this.finish(p.outcome, at)];
    if (p.name === 'idle') return [];
    return [...(p.name === 'queue' ? [{ type: 'leave-queue' } as const] : []), this.finish('abandoned', at)];
  }

  private start(e: Extract<CallerEvent, { type: 'start' }>): CallerCommand[] {
    this.startedAt = e.at;
    this.working = e.working;
    this.position = e.position;
    this.opening = e.opening ?? [];
    if (e.lang) this.lang = e.lang;
    // The greeting in the caller's language when known, else in both (Kazakh first, the state language).
    const greetIn: Lang[] = e.lang ? [e.lang] : [...LANGS];
    const clips: ClipRef[] = greetIn.map((lang) => ({ lang, clip: 'greeting' }));
    if (this.cfg.recordingNotice) clips.push(...greetIn.map((lang) => ({ lang, clip: 'recording-notice' as const })));
    if (this.cfg.languageMenu) clips.push(...LANGS.map((lang) => ({ lang, clip: 'language-menu' as const })));
    this.phase = { name: 'greeting', menuTimer: null };
    // In the queue hunting starts at once: an operator who frees up during the greeting is not kept waiting. A call
    // that will be recorded waits until the caller has heard the notice: recording them unwarned is not allowed.
    return [...(this.cfg.recordingNotice ? [] : this.enqueue()), { type: 'play', clips }];
  }

  private enqueue(): CallerCommand[] {
    if (!this.working || this.enqueued) return [];
    this.enqueued = true;
    return [{ type: 'enqueue' }];
  }

  private greeting(p: Extract<Phase, { name: 'greeting' }>, e: CallerEvent): CallerCommand[] {
    switch (e.type) {
      case 'dtmf': {
        const chosen: Lang | null = e.digit === '1' ? 'kk' : e.digit === '2' ? 'ru' : null;
        if (!this.cfg.languageMenu || !chosen) return [];
        this.lang = chosen;
        return [{ type: 'set-language', lang: chosen }, ...this.proceed()];
      }
      case 'played': {
        if (!this.cfg.languageMenu) return this.proceed();
        const t = this.timer(e.at + this.cfg.menuTimeoutMs);
        p.menuTimer = t.id;
        return [...this.enqueue(), t.cmd];
      }
      case 'timer':
        return e.id === p.menuTimer ? this.proceed() : [];
      case 'operator-answered':
        return this.connected(e.at);
      case 'position':
        this.position = e.position;
        return [];
      default:
        return [];
    }
  }

  /** After the greeting (and menu): the queue, or the off-hours announcement. */
  private proceed(): CallerCommand[] {
    if (!this.working) {
      this.phase = { name: 'off-hours', offerTimer: null };
      return [this.say('off-hours', ...this.opening, 'off-hours-callback')];
    }
    const maxWait = this.timer(this.startedAt + this.cfg.maxWaitMs);
    this.phase = { name: 'queue', position: this.position, announcing: true, announceTimer: null, maxWaitTimer: maxWait.id };
    return [...this.enqueue(), maxWait.cmd, this.say('please-wait', ...positionClips(this.position), 'callback-offer')];
  }

  private connected(at: number): CallerCommand[] {
    return [{ type: 'stop-media' }, this.finish('connected', at)];
  }

  private callback(at: number, reason: 'dtmf' | 'max-wait' | 'off-hours'): CallerCommand[] {
    this.phase = { name: 'closing', outcome: 'callback' };
    return [
      ...(reason === 'off-hours' ? [] : [{ type: 'leave-queue' } as const]),
      { type: 'callback', waitedMs: at - this.startedAt, lang: this.lang, reason },
      this.say('callback-confirmed'),
    ];
  }

  private queue(p: Extract<Phase, { name: 'queue' }>, e: CallerEvent): CallerCommand[] {
    switch (e.type) {
      case 'played': {
        if (!p.announcing) return [];
        p.announcing = false;
        const t = this.timer(e.at + this.cfg.announceEveryMs);
        p.announceTimer = t.id;
        return [{ type: 'music' }, t.cmd];
      }
      case 'timer':
        if (e.id === p.maxWaitTimer) return this.callback(e.at, 'max-wait');
        if (e.id !== p.announceTimer) return [];
        p.announcing = true;
        p.announceTimer = null;
        return [this.say(...positionClips(p.position), 'callback-offer')];
      case 'position':
        p.position = e.position;
        return [];
      case 'dtmf':
        return e.digit === '1' ? this.callback(e.at, 'dtmf') : [];
      case 'operator-answered':
        return this.connected(e.at);
      default:
        return [];
    }
  }

  private offHours(p: Extract<Phase, { name: 'off-hours' }>, e: CallerEvent): CallerCommand[] {
    switch (e.type) {
      case 'dtmf':
        return e.digit === '1' ? this.callback(e.at, 'off-hours') : [];
      case 'played': {
        if (p.offerTimer !== null) return [];
        const t = this.timer(e.at + this.cfg.offerTimeoutMs);
        p.offerTimer = t.id;
        return [t.cmd];
      }
      case 'timer':
        if (e.id !== p.offerTimer) return [];
        this.phase = { name: 'closing', outcome: 'off-hours' };
        return [this.say('goodbye')];
      default:
        return [];
    }
  }
}
