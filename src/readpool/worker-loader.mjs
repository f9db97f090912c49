// @ts-check
// Entry of the read workers (pool.ts), started as child processes without the TypeScript loader of the server
// (vitest's, or tsx's from the sources): in the release build (scripts/build.mjs) the worker is compiled
// JavaScript beside this file; from the sources, tsx's scoped import loads the TypeScript worker.
import fs from 'node:fs';

/**
 * @param {string} spec
 * @returns {Promise<unknown>}
 */
async function tsImport(spec) {
  const { tsImport: load } = await import('tsx/esm/api');
  /** @type {unknown} */
  const m = await load(spec, import.meta.url);
  return m;
}

const built = new URL('./worker.js', import.meta.url);
/** @type {unknown} */
const loaded = fs.existsSync(built) ? await import(built.href) : await tsImport('./worker.ts');
const worker = /** @type {typeof import('./worker.js')} */ (loaded);

/** @type {unknown} */
const given = JSON.parse(process.argv[2] ?? '{}');
const options = /** @type {import('./worker.js').WorkerOptions} */ (given);
// Test-only reads (a query slow on purpose, a write attempt): a module named by the test that made the pool.
/** @type {unknown} */
let extra = null;
if (options.extraReads) extra = options.extraReads.endsWith('.ts') ? await tsImport(options.extraReads) : await import(options.extraReads);
worker.serve(options, /** @type {{ READS?: Record<string, import('./reads.js').Read> } | null} */ (extra)?.READS ?? {});
