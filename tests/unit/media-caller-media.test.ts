// CallerMedia between the state machine and rtpengine, with a stand-in rtpengine whose answers the test releases:
// a play overtaken by a newer one (a key pressed while its request was on its way) must not report "played".
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Announcements } from '../../channels/sip/media/announcements.ts';
import { CallerMedia } from '../../channels/sip/media/caller-media.ts';
import type { ClipRef } from '../../channels/sip/media/messages.ts';
import type { RtpengineClient } from '../../channels/sip/media/rtpengine.ts';
import { CallerQueue, DEFAULT_CALLER_QUEUE } from '../../routing/caller-queue.ts';

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

function setup() {
  const plays: { file: string; answer: (durationMs: number | null) => void; fail: (err: Error) => void }[] = [];
  const stops: string[] = [];
  const rtpengine = {
    playMedia: (_callId: string, _tag: string, file: string) =>
      new Promise<{ durationMs: number | null }>((resolve, reject) =>
        plays.push({ file, answer: (durationMs) => resolve({ durationMs }), fail: reject }),
      ),
    stopMedia: (callId: string) => {
      stops.push(callId);
      return Promise.resolve();
    },
  } as unknown as RtpengineClient;
  const announcements = {
    compose: (clips: ClipRef[]) => ({ file: clips.map((c) => `${c.lang}/${c.clip}`).join('+'), durationMs: 1000 }),
    musicFile: () => 'music',
  } as unknown as Announcements;
  const log: string[] = [];
  const media = new CallerMedia({
    rtpengine,
    announcements,
    queue: new CallerQueue({ ...DEFAULT_CALLER_QUEUE, languageMenu: true }),
    callId: 'c1',
    callerTag: 'caller',
    now: () => Date.now(),
    hooks: {
      enqueue: () => log.push('enqueue'),
      leaveQueue: () => log.push('leave-queue'),
      callback: (t) => log.push(`callback ${t.reason} ${t.waitedMs}`),
      setLanguage: (lang) => log.push(`language ${lang}`),
      hangup: () => log.push('hangup'),
      record: (r) => log.push(`record ${r.outcome} ${r.waitedMs}`),
      mediaError: (err) => log.push(`error ${err.message}`),
    },
  });
  return { media, plays, stops, log };
}

describe('CallerMedia', () => {
  it('reports only the newest play as played, then plays music; an operator answering stops it all', async () => {
    const { media, plays, stops, log } = setup();
    media.start({ working: true, lang: null, position: 2 });
    expect(plays.map((p) => p.file)).toEqual(['kk/greeting+ru/greeting+kk/language-menu+ru/language-menu']);
    media.key('2'); // Russian, pressed before rtpengine answered the greeting's play
    expect(plays[1].file).toBe('ru/please-wait+ru/position+ru/number-2+ru/callback-offer');
    plays[0].answer(1000); // the greeting's answer arrives late, and it was short
    plays[1].answer(3000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(plays).toHaveLength(2); // the overtaken greeting does not cut "please wait" short with music
    await vi.advanceTimersByTimeAsync(2000);
    expect(plays.map((p) => p.file)).toEqual([expect.any(String), expect.any(String), 'music']);
    await vi.advanceTimersByTimeAsync(10_000);
    media.operatorAnswered();
    expect(stops).toEqual(['c1']);
    expect(log).toEqual(['enqueue', 'language ru', 'record connected 13000']);
    expect(vi.getTimerCount()).toBe(0); // the longest-wait and announcement timers are gone
  });

  it('a failed play counts as played at once (the error goes to the log); an unknown length is the sentence’s', async () => {
    const { media, plays, log } = setup();
    media.start({ working: true, lang: 'kk', position: 1 });
    plays[0].fail(new Error('rtpengine play media: no answer from 127.0.0.1:2223'));
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['enqueue', 'error rtpengine play media: no answer from 127.0.0.1:2223']);
    await vi.advanceTimersByTimeAsync(DEFAULT_CALLER_QUEUE.menuTimeoutMs); // nobody chose: the contact's Kazakh
    expect(plays[1].file).toBe('kk/please-wait+kk/you-are-next+kk/callback-offer');
    plays[1].answer(null); // rtpengine could not tell the length: the composed sentence's 1000 ms is used
    await vi.advanceTimersByTimeAsync(999);
    expect(plays).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(plays[2].file).toBe('music');
    media.hungUp();
    expect(log.slice(2)).toEqual(['leave-queue', 'record abandoned 6000']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
