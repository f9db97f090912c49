// `npm run --silent vic -- <group> <command> ...`: the command-line entry used by operators and checks.
import { runCalendarCommand } from './calendar.ts';
import { runScopeCommand } from './scope.ts';

const [group, ...rest] = process.argv.slice(2);
const groups: Record<string, (args: string[]) => Promise<number>> = {
  calendar: runCalendarCommand,
  scope: runScopeCommand,
};

const run = group ? groups[group] : undefined;
if (!run) {
  process.stderr.write(`usage: vic <${Object.keys(groups).join('|')}> ...\n`);
  process.exit(2);
}
process.exitCode = await run(rest);
