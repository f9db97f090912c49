// File work for backups: listing a tree, copying with a checksum, hashing. All asynchronous, in chunks, so the
// helpdesk's event loop keeps serving while a scheduled backup copies gigabytes of attachments.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

export interface TreeFile {
  /** Relative to the root, `/`-separated. */
  rel: string;
  size: number;
}

export interface Tree {
  files: TreeFile[];
  /** Symbolic links, sockets, pipes: never copied, and a problem inside a backup. */
  special: string[];
}

/** Every regular file under root, sorted; `skip` leaves out a file or a whole folder by its relative path. */
export async function listTree(root: string, skip: (rel: string, isDir: boolean) => boolean = () => false): Promise<Tree> {
  const tree: Tree = { files: [], special: [] };
  const visit = async (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(rel ? path.join(root, rel) : root, { withFileTypes: true });
    } catch (e) {
      // A folder removed while we list it (a Chromium cache rotating) simply has nothing to copy.
      if (rel && (e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (skip(child, e.isDirectory())) continue;
      if (e.isDirectory()) await visit(child);
      else if (e.isFile()) {
        const st = await fsp.stat(path.join(root, child)).catch(() => null);
        if (st) tree.files.push({ rel: child, size: st.size });
      } else tree.special.push(child);
    }
  };
  await visit('');
  tree.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  tree.special.sort();
  return tree;
}

export interface Copied {
  size: number;
  sha256: string;
}

/**
 * Copies src to dst (which must not exist) and returns what was written, hashed on the way; dst is flushed to disk
 * before this returns. Throws ENOENT, before creating dst, when src is gone.
 */
export async function copyWithHash(src: string, dst: string): Promise<Copied> {
  const input = await fsp.open(src, 'r');
  try {
    await fsp.mkdir(path.dirname(dst), { recursive: true });
    const out = await fsp.open(dst, 'wx');
    const hash = crypto.createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of input.createReadStream({ highWaterMark: 1 << 20, autoClose: false }) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.length;
        await out.write(chunk);
      }
      await out.sync();
    } finally {
      await out.close();
    }
    return { size, sha256: hash.digest('hex') };
  } finally {
    await input.close();
  }
}

export async function hashFile(file: string): Promise<Copied> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest('hex') };
}

/** Makes a rename or a new file in dir survive a power loss. */
export async function syncDir(dir: string): Promise<void> {
  const h = await fsp.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Runs fn over items, `width` at a time (small files are dominated by open/fsync latency, not bandwidth). */
export async function eachLimited<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** `12.3 MB`: sizes in messages to people. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
