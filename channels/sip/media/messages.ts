// What the caller can hear: the catalogue of announcement clips (one WAV per clip and language under the
// announcements directory, audio/<lang>/<clip>.wav) and how spoken sentences are composed from them.
// Pure: the state machine (routing/caller-queue.ts) names clips, the media side turns them into files.
// scripts/make-announcements.sh produces the shipped defaults for exactly this list.

export type Lang = 'kk' | 'ru';
export const LANGS: readonly Lang[] = ['kk', 'ru'];

/** Whole sentences. */
export const SENTENCES = [
  'greeting',
  'language-menu',
  'recording-notice',
  'please-wait',
  'position',
  'you-are-next',
  'callback-offer',
  'callback-confirmed',
  'off-hours',
  'opens',
  'opens-end',
  'off-hours-callback',
  'goodbye',
] as const;

/** Queue positions said after `position` ("your number in the queue is … three"); further back: no number. */
export const MAX_SPOKEN_POSITION = 9;
export const NUMBERS = Array.from({ length: MAX_SPOKEN_POSITION }, (_, i) => `number-${i + 1}` as const);

/** The day of the next opening, said between `opens` and the time. */
export const DAYS = [
  'day-today',
  'day-tomorrow',
  'day-monday',
  'day-tuesday',
  'day-wednesday',
  'day-thursday',
  'day-friday',
  'day-saturday',
  'day-sunday',
] as const;

/** Opening times on the hour ("at nine o'clock"), 07:00 to 20:00. */
export const FIRST_HOUR = 7;
export const LAST_HOUR = 20;
export const TIMES = Array.from(
  { length: LAST_HOUR - FIRST_HOUR + 1 },
  (_, i) => `time-${String(FIRST_HOUR + i).padStart(2, '0')}` as const,
);

export type Clip = (typeof SENTENCES)[number] | (typeof NUMBERS)[number] | (typeof DAYS)[number] | (typeof TIMES)[number];
export const CLIPS: readonly Clip[] = [...SENTENCES, ...NUMBERS, ...DAYS, ...TIMES];

/** Hold music between announcements: one file for every language, audio/music.wav. */
export const MUSIC = 'music';

/** One clip in one language: a play command may mix languages (the bilingual greeting and language menu). */
export interface ClipRef {
  lang: Lang;
  clip: Clip;
}

/** "Your number in the queue is three", or "you are next"; nothing to say about a position beyond nine. */
export function positionClips(position: number): Clip[] {
  if (position <= 1) return ['you-are-next'];
  if (position <= MAX_SPOKEN_POSITION) return ['position', `number-${position}` as Clip];
  return [];
}

const WEEKDAYS: Clip[] = ['day-sunday', 'day-monday', 'day-tuesday', 'day-wednesday', 'day-thursday', 'day-friday', 'day-saturday'];

function dayNumber(isoDate: string): number {
  return Math.round(Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000);
}

/**
 * "The centre opens tomorrow at nine o'clock", as clips, for the next opening from the court calendar (the same
 * `{ date, time }` the off-hours auto-reply uses, in court time) seen from `today` (court date). Parts that no clip
 * can say are left out: a time not on the hour or outside 07–20 is not said, and an opening a week or more away
 * drops the sentence (a time without its day would mislead).
 */
export function openingClips(today: string, opensAt: { date: string; time: string }): Clip[] {
  const days = dayNumber(opensAt.date) - dayNumber(today);
  let day: Clip | null = null;
  if (days === 0) day = 'day-today';
  else if (days === 1) day = 'day-tomorrow';
  else if (days > 1 && days < 7) day = WEEKDAYS[new Date(`${opensAt.date}T00:00:00Z`).getUTCDay()];
  const m = /^(\d{2}):(\d{2})$/.exec(opensAt.time);
  const hour = m ? Number(m[1]) : -1;
  const time = m && m[2] === '00' && hour >= FIRST_HOUR && hour <= LAST_HOUR ? (`time-${m[1]}` as Clip) : null;
  if (!day) return [];
  return ['opens', day, ...(time ? [time] : []), 'opens-end'];
}
