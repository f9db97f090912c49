// `npm run --silent vic -- <group> <command> ...`: the command-line entry used by operators and checks.
import fs from 'node:fs';
import path from 'node:path';
import { CalendarBook } from '../calendars.ts';
import { loadConfig } from '../config.ts';
import { Store } from '../store/index.ts';
import { runBackupCommand } from './backup.ts';
import { runCalendarCommand } from './calendar.ts';
import { runContactCommand } from './contact.ts';
import { runScopeCommand } from './scope.ts';

/** `--court ID|CODE` reads the court's own calendar changes from the helpdesk's database, when there is one. */
function courtCalendarLoader() {
  const config = loadConfig();
  if (!fs.existsSync(path.join(config.DATA_DIR, 'vic.sqlite'))) return undefined;
  const store = Store.open(config.DATA_DIR);
  const book = new CalendarBook(store, config.TZ_COURT);
  return (id: string) => {
    const court = /^\d+$/.test(id) ? store.getCourt(Number(id)) : store.getCourtByCode(id);
    return court ? book.for(court.id) : undefined;
  };
}

const [group, ...rest] = process.argv.slice(2);
const groups: Record<string, (args: string[]) => number | Promise<number>> = {
  calendar: (args) => runCalendarCommand(args, args.includes('--court') ? courtCalendarLoader() : undefined),
  scope: runScopeCommand,
  contact: runContactCommand,
  backup: (args) => runBackupCommand('backup', args),
  verify: (args) => runBackupCommand('verify', args),
  restore: (args) => runBackupCommand('restore', args),
};

const run = group ? groups[group] : undefined;
if (!run) {
  process.stderr.write(`usage: vic <${Object.keys(groups).join('|')}> ...\n`);
  process.exit(2);
}
process.exitCode = await run(rest);
