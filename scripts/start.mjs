// `npm start`: runs the release build (dist/src/main.js) with plain node. A part of the build that is missing or
// was made from other sources than those here now (scripts/stamp.mjs) is built first, so that a fresh clone or a
// `git pull` starts with the same command. The service files run dist/src/main.js directly (docs/operations.md).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { staleParts } from './stamp.mjs';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'dist');
const stale = staleParts(root, out);
if (stale.length) {
  process.stderr.write(`npm start: building ${stale.join(' and ')} (changed since the last build)\n`);
  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--only', stale.join(',')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// Stack traces in the log name the TypeScript file and line (dist/ has the source maps).
process.setSourceMapsEnabled(true);
await import(pathToFileURL(path.join(out, 'src', 'main.js')).href);
