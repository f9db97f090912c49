// `vic calendar days-off|working-weekends YEAR [--court ID]`: the lists reviewers compare with the official
// calendar, one ISO date a line.
import { daysOff, defaultCalendar, workingWeekends, yearDataStatus, type CourtCalendar } from '../../routing/calendar/index.ts';

const USAGE = 'usage: vic calendar <days-off|working-weekends> YEAR [--court ID]';
// The holiday rules model the law as in force from 2024; earlier years had other holidays.
const FIRST_YEAR = 2024;
const LAST_YEAR = 2100;

const LISTS: Record<string, (year: number, cal: CourtCalendar) => string[]> = {
  'days-off': daysOff,
  'working-weekends': workingWeekends,
};

function fail(message: string): number {
  process.stderr.write(`${message} (${USAGE})\n`);
  return 2;
}

/** The exit code, as a promise (callers await it); the work itself is synchronous. */
export function runCalendarCommand(args: string[], loadCourtCalendar?: (courtId: string) => CourtCalendar | undefined): Promise<number> {
  return Promise.resolve(calendarCommand(args, loadCourtCalendar));
}

function calendarCommand(args: string[], loadCourtCalendar?: (courtId: string) => CourtCalendar | undefined): number {
  const positional: string[] = [];
  let courtId: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--court') {
      courtId = args[++i];
      if (!courtId) return fail('--court needs a court id');
    } else if (arg.startsWith('-')) return fail(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [command, yearArg, ...extra] = positional;
  const list = command ? LISTS[command] : undefined;
  if (!list) return fail(command ? `unknown calendar command "${command}"` : 'missing calendar command');
  if (!yearArg) return fail('missing YEAR');
  if (extra.length) return fail(`unexpected argument "${extra[0]}"`);
  const year = /^\d{4}$/.test(yearArg) ? Number(yearArg) : NaN;
  if (!(year >= FIRST_YEAR && year <= LAST_YEAR))
    return fail(`invalid YEAR "${yearArg}": expected a year from ${FIRST_YEAR} to ${LAST_YEAR}`);

  let cal = defaultCalendar();
  if (courtId !== undefined) {
    if (loadCourtCalendar) {
      const court = loadCourtCalendar(courtId);
      if (!court) return fail(`unknown court "${courtId}"`);
      cal = court;
    } else {
      process.stderr.write(`note: court overrides are not available here; showing the national calendar\n`);
    }
  }
  const status = yearDataStatus(year);
  if (status !== 'official') {
    process.stderr.write(
      status === 'provisional'
        ? `warning: ${year} data is provisional (Kurban Ait estimated, transfer orders may follow)\n`
        : `warning: no reviewed data for ${year}: Kurban Ait and transfer orders are missing\n`,
    );
  }
  const dates = list(year, cal);
  process.stdout.write(dates.map((d) => `${d}\n`).join(''));
  return 0;
}
