// What the caller hears, as the pure state machine decides it: greeting, language menu, queue with announcements,
// call-back on DTMF 1 or after the longest wait, off hours. Time is events: no waiting here.
import { describe, expect, it } from 'vitest';
import { mediaSetup } from '../../channels/sip/media/config.ts';
import { CallerQueue, DEFAULT_CALLER_QUEUE, type CallerCommand, type CallerQueueConfig } from '../../routing/caller-queue.ts';
import { loadConfig } from '../../src/config.ts';

const T0 = 1_000_000;

function machine(over: Partial<CallerQueueConfig> = {}) {
  return new CallerQueue({ ...DEFAULT_CALLER_QUEUE, ...over });
}

/** The clips of the play command among `cmds`, as "lang/clip". */
function said(cmds: CallerCommand[]): string[] {
  const play = cmds.find((c) => c.type === 'play');
  return play && play.type === 'play' ? play.clips.map((c) => `${c.lang}/${c.clip}`) : [];
}

function timerOf(cmds: CallerCommand[]): { id: number; at: number } {
  const t = cmds.find((c) => c.type === 'timer');
  if (!t || t.type !== 'timer') throw new Error(`no timer in ${JSON.stringify(cmds)}`);
  return t;
}

describe('caller queue: working hours', () => {
  it('greets in both languages, starts hunting, then asks to wait with the position and the call-back offer', () => {
    const q = machine();
    const start = q.handle({ type: 'start', at: T0, working: true, lang: null, position: 3 });
    expect(start[0]).toEqual({ type: 'enqueue' });
    expect(said(start)).toEqual(['kk/greeting', 'ru/greeting']);
    const queued = q.handle({ type: 'played', at: T0 + 12_000 });
    expect(said(queued)).toEqual(['kk/please-wait', 'kk/position', 'kk/number-3', 'kk/callback-offer']);
    expect(timerOf(queued).at).toBe(T0 + 180_000); // the longest wait counts from the answer
  });

  it('plays music between announcements and says the new position every 30 s', () => {
    const q = machine();
    q.handle({ type: 'start', at: T0, working: true, lang: 'ru', position: 2 });
    q.handle({ type: 'played', at: T0 + 6000 });
    const music = q.handle({ type: 'played', at: T0 + 15_000 });
    expect(music[0]).toEqual({ type: 'music' });
    const announce = timerOf(music);
    expect(announce.at).toBe(T0 + 45_000);
    q.handle({ type: 'position', position: 1, at: T0 + 20_000 });
    const again = q.handle({ type: 'timer', id: announce.id, at: announce.at });
    expect(said(again)).toEqual(['ru/you-are-next', 'ru/callback-offer']);
    expect(timerOf(q.handle({ type: 'played', at: T0 + 50_000 })).at).toBe(T0 + 80_000);
  });

  it('an operator answering ends the queue: media stops, the caller is connected', () => {
    const q = machine();
    q.handle({ type: 'start', at: T0, working: true, lang: 'kk', position: 1 });
    q.handle({ type: 'played', at: T0 + 6000 });
    expect(q.handle({ type: 'operator-answered', at: T0 + 40_000 })).toEqual([
      { type: 'stop-media' },
      { type: 'record', outcome: 'connected', waitedMs: 40_000 },
    ]);
    expect(q.finished).toBe(true);
    expect(q.handle({ type: 'dtmf', digit: '1', at: T0 + 41_000 })).toEqual([]);
  });

  it('DTMF 1 in the queue: leaves it, creates the call-back task with the time waited, confirms, hangs up', () => {
    const q = machine();
    q.handle({ type: 'start', at: T0, working: true, lang: 'ru', position: 5 });
    q.handle({ type: 'played', at: T0 + 6000 });
    expect(q.handle({ type: 'dtmf', digit: '7', at: T0 + 20_000 })).toEqual([]);
    const cb = q.handle({ type: 'dtmf', digit: '1', at: T0 + 75_000 });
    expect(cb.slice(0, 2)).toEqual([{ type: 'leave-queue' }, { type: 'callback', waitedMs: 75_000, lang: 'ru', reason: 'dtmf' }]);
    expect(said(cb)).toEqual(['ru/callback-confirmed']);
    expect(q.handle({ type: 'played', at: T0 + 80_000 })).toEqual([
      { type: 'hangup' },
      { type: 'record', outcome: 'callback', waitedMs: 80_000 },
    ]);
  });

  it('after the longest wait (3 min by default) the call-back is made for the caller', () => {
    const q = machine();
    q.handle({ type: 'start', at: T0, working: true, lang: 'kk', position: 4 });
    const maxWait = timerOf(q.handle({ type: 'played', at: T0 + 6000 }));
    const cb = q.handle({ type: 'timer', id: maxWait.id, at: maxWait.at });
    expect(cb).toContainEqual({ type: 'callback', waitedMs: 180_000, lang: 'kk', reason: 'max-wait' });
    expect(said(cb)).toEqual(['kk/callback-confirmed']);
  });

  it('a stale announcement timer does nothing; hanging up in the queue is abandoned', () => {
    const q = machine();
    q.handle({ type: 'start', at: T0, working: true, lang: 'kk', position: 2 });
    q.handle({ type: 'played', at: T0 + 6000 });
    expect(q.handle({ type: 'timer', id: 999, at: T0 + 7000 })).toEqual([]);
    expect(q.handle({ type: 'hangup', at: T0 + 9000 })).toEqual([
      { type: 'leave-queue' },
      { type: 'record', outcome: 'abandoned', waitedMs: 9000 },
    ]);
  });

  it('hanging up while the call-back is confirmed keeps the call-back outcome', () => {
    const q = machine();
    q.handle({ type: 'start', at: T0, working: true, lang: 'kk', position: 2 });
    q.handle({ type: 'played', at: T0 + 6000 });
    q.handle({ type: 'dtmf', digit: '1', at: T0 + 7000 });
    expect(q.handle({ type: 'hangup', at: T0 + 8000 })).toEqual([{ type: 'record', outcome: 'callback', waitedMs: 8000 }]);
  });
});

describe('caller queue: language menu and recording notice', () => {
  it('says the notice and the menu, and 2 selects Russian (stored on the contact)', () => {
    const q = machine({ languageMenu: true, recordingNotice: true });
    const start = q.handle({ type: 'start', at: T0, working: true, lang: null, position: 2 });
    expect(said(start)).toEqual([
      'kk/greeting',
      'ru/greeting',
      'kk/recording-notice',
      'ru/recording-notice',
      'kk/language-menu',
      'ru/language-menu',
    ]);
    const chosen = q.handle({ type: 'dtmf', digit: '2', at: T0 + 9000 });
    expect(chosen[0]).toEqual({ type: 'set-language', lang: 'ru' });
    expect(said(chosen)).toEqual(['ru/please-wait', 'ru/position', 'ru/number-2', 'ru/callback-offer']);
    expect(q.language).toBe('ru');
  });

  it('a recorded call is put in the queue (phones rung) only after the caller has heard the notice', () => {
    const q = machine({ recordingNotice: true });
    const start = q.handle({ type: 'start', at: T0, working: true, lang: 'kk', position: 1 });
    expect(start).not.toContainEqual({ type: 'enqueue' });
    expect(said(start)).toEqual(['kk/greeting', 'kk/recording-notice']);
    const played = q.handle({ type: 'played', at: T0 + 5000 });
    expect(played[0]).toEqual({ type: 'enqueue' });
    expect(said(played)).toEqual(['kk/please-wait', 'kk/you-are-next', 'kk/callback-offer']);
    expect(q.handle({ type: 'played', at: T0 + 9000 })).not.toContainEqual({ type: 'enqueue' });
  });

  it('without a key the menu times out to the contact’s language', () => {
    const q = machine({ languageMenu: true });
    q.handle({ type: 'start', at: T0, working: true, lang: 'ru', position: 1 });
    const menu = timerOf(q.handle({ type: 'played', at: T0 + 8000 }));
    expect(menu.at).toBe(T0 + 13_000);
    expect(said(q.handle({ type: 'timer', id: menu.id, at: menu.at }))).toEqual(['ru/please-wait', 'ru/you-are-next', 'ru/callback-offer']);
  });

  it('without the menu, keys during the greeting change nothing', () => {
    const q = machine();
    q.handle({ type: 'start', at: T0, working: true, lang: 'kk', position: 1 });
    expect(q.handle({ type: 'dtmf', digit: '2', at: T0 + 1000 })).toEqual([]);
    expect(q.language).toBe('kk');
  });
});

describe('caller queue: off hours', () => {
  const opening = ['opens', 'day-tomorrow', 'time-09', 'opens-end'] as const;

  it('says closed, when the centre opens and the offer; 1 makes a call-back request', () => {
    const q = machine();
    const start = q.handle({ type: 'start', at: T0, working: false, lang: 'kk', position: 0, opening: [...opening] });
    expect(start).not.toContainEqual({ type: 'enqueue' });
    const off = q.handle({ type: 'played', at: T0 + 7000 });
    expect(said(off)).toEqual(['kk/off-hours', 'kk/opens', 'kk/day-tomorrow', 'kk/time-09', 'kk/opens-end', 'kk/off-hours-callback']);
    const cb = q.handle({ type: 'dtmf', digit: '1', at: T0 + 12_000 });
    expect(cb[0]).toEqual({ type: 'callback', waitedMs: 12_000, lang: 'kk', reason: 'off-hours' });
    expect(said(cb)).toEqual(['kk/callback-confirmed']);
  });

  it('without a key it says goodbye and hangs up', () => {
    const q = machine();
    q.handle({ type: 'start', at: T0, working: false, lang: 'ru', position: 0, opening: [...opening] });
    q.handle({ type: 'played', at: T0 + 6000 });
    const offer = timerOf(q.handle({ type: 'played', at: T0 + 16_000 }));
    expect(offer.at).toBe(T0 + 24_000);
    expect(said(q.handle({ type: 'timer', id: offer.id, at: offer.at }))).toEqual(['ru/goodbye']);
    expect(q.handle({ type: 'played', at: T0 + 27_000 })).toEqual([
      { type: 'hangup' },
      { type: 'record', outcome: 'off-hours', waitedMs: 27_000 },
    ]);
  });
});

describe('media settings from the environment', () => {
  it('are off without SIP_RTPENGINE, so the bridge behaves as before', () => {
    expect(mediaSetup(loadConfig({}, false))).toBeNull();
  });

  it('give rtpengine’s address, the DTMF port and the queue’s times', () => {
    const env = {
      SIP_RTPENGINE: '10.1.2.10:2223',
      SIP_LANGUAGE_MENU: '1',
      SIP_QUEUE_MAX_WAIT_S: '120',
      SIP_ANNOUNCEMENTS_DIR: '/srv/vic/audio',
    };
    expect(mediaSetup(loadConfig(env, false))).toEqual({
      rtpengine: { host: '10.1.2.10', port: 2223, timeoutMs: 2000 },
      dtmfListen: { host: '127.0.0.1', port: 22224 },
      announcementsDir: '/srv/vic/audio',
      queue: { ...DEFAULT_CALLER_QUEUE, languageMenu: true, maxWaitMs: 120_000, announceEveryMs: 30_000 },
    });
  });

  it('name a wrong address in one line', () => {
    expect(() => loadConfig({ SIP_RTPENGINE: 'rtpengine.local' }, false)).toThrow(
      'config: SIP_RTPENGINE must be host:port (rtpengine listen-ng)',
    );
  });
});
