// Dates and times are always shown in court time (Asia/Almaty), whatever the browser's own zone.
const COURT_TZ = 'Asia/Almaty';

const formatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: COURT_TZ, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** DD.MM.YYYY HH:MM in court time. */
export function courtTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  const p = Object.fromEntries(formatter.formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}`;
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
