// @ts-check
// What a release build was made from: per part, a hash of the files it is compiled from. scripts/build.mjs records
// it in dist/build-stamp.json once a part is built; scripts/start.mjs rebuilds the parts whose sources differ.
// Contents are hashed, not times: a fresh clone or a checkout gives every file a new time.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** @typedef {'server' | 'ui'} Part */

export const STAMP_FILE = 'build-stamp.json';

/**
 * Each part's inputs, relative to the repository root (directories read whole), and the file that shows it built.
 * @type {Record<Part, { inputs: string[]; output: string }>}
 */
export const PARTS = {
  server: {
    inputs: ['src', 'channels', 'routing', 'package.json', 'package-lock.json', 'scripts/build.mjs', 'scripts/stamp.mjs'],
    output: 'src/main.js',
  },
  ui: {
    inputs: ['operator-ui', 'package-lock.json', 'scripts/build.mjs', 'scripts/stamp.mjs'],
    output: 'operator-ui/dist/index.html',
  },
};

// Build outputs and installed packages are not sources; Vite leaves `vite.config.ts.timestamp-*` files while it runs.
const skipped = (/** @type {string} */ name) =>
  name === 'node_modules' || name === 'dist' || name.startsWith('.') || name.includes('.timestamp-');

/**
 * @param {string} root
 * @param {string} rel
 * @param {string[]} into
 */
function listFiles(root, rel, into) {
  const abs = path.join(root, rel);
  const st = fs.statSync(abs, { throwIfNoEntry: false });
  if (!st) return;
  if (!st.isDirectory()) return void into.push(rel);
  for (const name of fs.readdirSync(abs).sort()) if (!skipped(name)) listFiles(root, path.join(rel, name), into);
}

/**
 * `{ server, ui }`: sha256 over each part's input files (paths and contents).
 * @param {string} root
 * @returns {Record<Part, string>}
 */
export function sourceStamp(root) {
  /** @type {Record<string, string>} */
  const stamp = {};
  for (const [part, { inputs }] of Object.entries(PARTS)) {
    /** @type {string[]} */
    const files = [];
    for (const input of inputs) listFiles(root, input, files);
    const hash = crypto.createHash('sha256');
    for (const rel of files)
      hash
        .update(`${rel.split(path.sep).join('/')}\0`)
        .update(fs.readFileSync(path.join(root, rel)))
        .update('\0');
    stamp[part] = hash.digest('hex');
  }
  return /** @type {Record<Part, string>} */ (stamp);
}

/**
 * @param {string} outDir
 * @returns {Partial<Record<Part, string>>}
 */
export function readStamp(outDir) {
  try {
    /** @type {unknown} */
    const recorded = JSON.parse(fs.readFileSync(path.join(outDir, STAMP_FILE), 'utf8'));
    return /** @type {Partial<Record<Part, string>>} */ (recorded);
  } catch {
    return {};
  }
}

/**
 * @param {string} outDir
 * @param {Partial<Record<Part, string>>} stamp
 */
export function writeStamp(outDir, stamp) {
  const file = path.join(outDir, STAMP_FILE);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(stamp, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * The parts of the build in `outDir` that are missing or were built from other sources than those in `root` now.
 * @param {string} root
 * @param {string} outDir
 * @param {Record<Part, string>} [current]
 * @returns {Part[]}
 */
export function staleParts(root, outDir, current = sourceStamp(root)) {
  const recorded = readStamp(outDir);
  return /** @type {Part[]} */ (Object.keys(PARTS)).filter(
    (part) => recorded[part] !== current[part] || !fs.existsSync(path.join(outDir, PARTS[part].output)),
  );
}
