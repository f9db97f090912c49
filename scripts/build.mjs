// @ts-check
// `npm run build`: the release build in dist/, run by `npm start` (scripts/start.mjs) and the service files with
// plain node: no TypeScript loader at start-up and no console build at every start.
// - server: src/, channels/ and routing/ compiled file by file with esbuild into the same layout (dist/src/main.js,
//   dist/channels/…), every package left to node_modules (native ones included); files that are not TypeScript
//   (the appeal filter's model and training data, the e-mail worker's loader) are copied beside them, so paths
//   taken from import.meta.dirname resolve as in the sources;
// - ui: the console built once with Vite into dist/operator-ui/dist, where the built server looks for it.
// Usage: node scripts/build.mjs [--out DIR] [--only server|ui|server,ui]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PARTS, readStamp, sourceStamp, writeStamp } from './stamp.mjs';

/** @typedef {import('./stamp.mjs').Part} Part */

const root = path.resolve(import.meta.dirname, '..');
const SERVER_DIRS = ['src', 'channels', 'routing'];

/**
 * esbuild and Vite are development packages: an install with --omit=dev cannot build.
 * @template T
 * @param {string} name
 * @param {() => Promise<T>} importer `() => import(name)`, with the name written out so that the module's types are known
 * @returns {Promise<T>}
 */
async function load(name, importer) {
  try {
    return await importer();
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === 'ERR_MODULE_NOT_FOUND')) throw err;
    process.stderr.write(`build: ${name} is not installed; building needs the development packages (npm ci without --omit=dev)\n`);
    process.exit(1);
  }
}

/** @param {string} dir */
function filesUnder(dir) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

/** @param {string} out */
async function buildServer(out) {
  const esbuild = await load('esbuild', () => import('esbuild'));
  for (const dir of SERVER_DIRS) fs.rmSync(path.join(out, dir), { recursive: true, force: true });
  const sources = SERVER_DIRS.flatMap((dir) => filesUnder(path.join(root, dir)));
  const compiled = sources.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  await esbuild.build({
    entryPoints: compiled,
    outdir: out,
    outbase: root,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    // Bundling only so that the plugin sees every import: each one stays an import, so every entry becomes a file
    // of its own. Relative imports are rewritten from .ts to the compiled .js; packages load from node_modules.
    bundle: true,
    plugins: [
      {
        name: 'keep-imports',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === 'entry-point') return undefined;
            return { path: args.path.startsWith('.') ? args.path.replace(/\.ts$/, '.js') : args.path, external: true };
          });
        },
      },
    ],
  });
  for (const file of sources.filter((f) => !compiled.includes(f))) {
    const to = path.join(out, path.relative(root, file));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(file, to);
  }
  // The compiled files are ES modules wherever dist/ is put.
  /** @type {unknown} */
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const { name, version } = /** @type {{ name: string; version: string }} */ (pkg);
  fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify({ name, version, private: true, type: 'module' }, null, 2)}\n`);
}

/** @param {string} out */
async function buildUi(out) {
  // React's production build, whatever NODE_ENV the caller had (vitest sets "test").
  process.env.NODE_ENV = 'production';
  const vite = await load('vite', () => import('vite'));
  await vite.build({
    configFile: path.join(root, 'operator-ui', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: path.join(out, 'operator-ui', 'dist'), emptyOutDir: true },
  });
}

const { values } = parseArgs({ options: { out: { type: 'string' }, only: { type: 'string' } } });
const out = path.resolve(values.out ?? path.join(root, 'dist'));
/** @type {(name: string) => name is Part} */
const isPart = (name) => name in PARTS;
const named = values.only ? values.only.split(',') : Object.keys(PARTS);
const unknown = named.filter((p) => !isPart(p));
if (unknown.length) {
  process.stderr.write(`build: unknown part ${unknown.join(', ')} (parts: ${Object.keys(PARTS).join(', ')})\n`);
  process.exit(2);
}
const parts = named.filter(isPart);

const started = Date.now();
// Taken before compiling: a source edited during the build leaves the build stale, to be built again.
const current = sourceStamp(root);
fs.mkdirSync(out, { recursive: true });
const stamp = readStamp(out);
// Until a part is finished it is stale, so an interrupted build is never taken for a current one.
for (const part of parts) delete stamp[part];
writeStamp(out, stamp);
const builders = { server: buildServer, ui: buildUi };
for (const part of parts) {
  await builders[part](out);
  stamp[part] = current[part];
  writeStamp(out, stamp);
}
process.stderr.write(
  `build: ${parts.join(' and ')} in ${path.relative(process.cwd(), out) || '.'} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
);
