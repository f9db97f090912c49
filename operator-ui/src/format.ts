// Dates and times are always shown in court time, whatever the browser's own zone. The zone comes from the
// server (GET /api/me → timeZone); Asia/Almaty until then.
let zone = 'Asia/Almaty';

const make = (timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
let formatter = make(zone);

/** Called once the server said which zone the courts work in (an unknown zone keeps the previous one). */
export function setCourtTimeZone(timeZone: string | undefined | null) {
  if (!timeZone || timeZone === zone) return;
  try {
    formatter = make(timeZone);
    zone = timeZone;
  } catch {
    // RangeError: not a zone this browser knows.
  }
}

export const courtTimeZone = () => zone;

/** DD.MM.YYYY HH:MM in court time. */
export function courtTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  const p = Object.fromEntries(formatter.formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}`;
}

/** YYYY-MM-DD → DD.MM.YYYY (calendar dates carry no zone). */
export function isoDateText(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}.${m}.${y}`;
}

/** The year in court time. */
export function courtYear(ms: number): number {
  return Number(formatter.formatToParts(ms).find((x) => x.type === 'year')!.value);
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
