// A date-and-time input in court time, whatever the browser's own zone (as every time the console shows).
import { courtTimeZone } from '../format.ts';

/** `YYYY-MM-DDTHH:MM` (a datetime-local input's value) of a moment, in court time. */
export function toCourtInput(ms: number): string {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone: courtTimeZone(),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** The moment a court-time `YYYY-MM-DDTHH:MM` names; null for anything else. */
export function fromCourtInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // The zone's offset is read back at the guess; twice, for a guess on the other side of a clock change.
  let at = wall;
  for (let i = 0; i < 2; i++) at = wall - (Date.parse(`${toCourtInput(at)}:00Z`) - at);
  return at;
}
