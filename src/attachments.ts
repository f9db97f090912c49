// Attachment files, content-addressed under DATA_DIR/attachments/<aa>/<sha256>: the same file is kept once.
// Files are written before the ingest transaction; a file whose transaction then fails is harmless
// (it is re-used when the message comes again).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { InboundAttachment } from './envelope.ts';
import type { StoredAttachment } from './ingest/context.ts';

export type PreviewType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/**
 * The raster image type of a stored file, read from its first bytes; null for anything else (SVG, HTML, PDF…).
 * The type a sender declared is never trusted: only these four formats are ever shown in the console.
 */
export function sniffImage(file: string): PreviewType | null {
  const head = Buffer.alloc(12);
  const fd = fs.openSync(file, 'r');
  let n: number;
  try {
    n = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const b = head.subarray(0, n);
  const starts = (sig: number[]) => sig.every((x, i) => b[i] === x);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (b.toString('latin1', 0, 6) === 'GIF87a' || b.toString('latin1', 0, 6) === 'GIF89a') return 'image/gif';
  if (b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export class AttachmentStore {
  constructor(
    private readonly dir: string | null,
    private readonly maxBytes: number,
  ) {}

  pathOf(sha256: string): string | null {
    return this.dir && /^[0-9a-f]{64}$/.test(sha256) ? path.join(this.dir, sha256.slice(0, 2), sha256) : null;
  }

  save(a: InboundAttachment): StoredAttachment {
    const meta = { filename: a.filename || 'attachment', contentType: a.contentType || 'application/octet-stream', size: a.size };
    if (!a.content) return { ...meta, sha256: null, droppedReason: a.droppedReason ?? 'no content' };
    if (a.content.length > this.maxBytes) {
      return {
        ...meta,
        size: a.content.length,
        sha256: null,
        droppedReason: `larger than the ${Math.round(this.maxBytes / 1048576)} MB limit`,
      };
    }
    const sha256 = crypto.createHash('sha256').update(a.content).digest('hex');
    const file = this.pathOf(sha256);
    if (file && !fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, a.content);
      fs.renameSync(tmp, file);
    }
    return { ...meta, size: a.content.length, sha256, droppedReason: null };
  }
}
