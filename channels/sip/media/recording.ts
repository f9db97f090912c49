// Call recording (SIP_RECORDING=1, docs/media.md "Recording"): when an operator answers, rtpengine is told to
// record the call (ng `start recording`; its recording-method=pcap, userspace). When the call is deleted rtpengine
// writes <recording-dir>/pcaps/<call-id>-<16 hex>.pcap and a metadata file; VIC reads them from the same host
// (SIP_RECORDING_DIR), turns the pcap into one WAV (recording-pcap.ts) and removes both files, whether the
// conversion worked or not: the only copy of the conversation is then the ticket's attachment, under its rules.
import fs from 'node:fs/promises';
import path from 'node:path';
import { MAX_PCAP_BYTES, pcapToPcmAsync, RecordingError, wavOf } from './recording-pcap.ts';
import type { RtpengineClient } from './rtpengine.ts';

export interface RecordingSetup {
  /** rtpengine's recording-dir, readable (and writable, to remove the files) by VIC. */
  dir: string;
}

export type RecordingResult =
  { ok: true; wav: Buffer; durationMs: number; startedAt: number } | { ok: false; reason: string; startedAt: number };

/** A recording's end arrives after the call's; its files are there when `delete` returns, or a moment later. */
const FIND_TRIES = 20;
const FIND_EVERY_MS = 50;
/** The recording may not be longer than the call VIC saw (plus a margin): hostile timestamps cannot inflate it. */
const SLACK_MS = 2000;

/** rtpengine's file name for a call-id: percent-escaped except the unreserved characters (as glib's URI escape). */
export function rtpengineFileId(callId: string): string {
  return encodeURIComponent(callId).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export class CallRecorder {
  /** Calls being recorded: since when (wall clock), or why not. */
  private readonly calls = new Map<string, { startedAt: number; failed: string | null }>();

  constructor(
    private readonly setup: RecordingSetup,
    private readonly rtpengine: RtpengineClient,
  ) {}

  /** The operator answered: rtpengine records from now on. Never throws; a failure is reported by `collect`. */
  async start(callId: string): Promise<void> {
    if (this.calls.has(callId)) return; // a transfer reconnects: the recording goes on
    const entry = { startedAt: Date.now(), failed: null as string | null };
    this.calls.set(callId, entry);
    try {
      await this.rtpengine.startRecording(callId);
    } catch (err) {
      entry.failed = err instanceof Error ? err.message : String(err);
    }
  }

  /** After rtpengine deleted the call: its recording as a WAV, or why there is none; null when it was not recorded. */
  async collect(callId: string): Promise<RecordingResult | null> {
    const entry = this.calls.get(callId);
    if (!entry) return null;
    this.calls.delete(callId);
    const { startedAt } = entry;
    if (entry.failed) return { ok: false, reason: entry.failed, startedAt };
    const files = await this.find(callId);
    if (!files) return { ok: false, reason: `no recording file for the call in ${this.setup.dir}`, startedAt };
    try {
      const size = (await fs.stat(files.pcap)).size;
      if (size > MAX_PCAP_BYTES) throw new RecordingError(`the pcap is larger than ${MAX_PCAP_BYTES} bytes`);
      const audio = await pcapToPcmAsync(await fs.readFile(files.pcap), { maxMs: Date.now() - startedAt + SLACK_MS });
      if (!audio.packets) return { ok: false, reason: 'the recording holds no audio', startedAt };
      return { ok: true, wav: wavOf(audio.samples), durationMs: audio.durationMs, startedAt };
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : String(err), startedAt };
    } finally {
      await Promise.all([fs.rm(files.pcap, { force: true }), fs.rm(files.meta, { force: true })]).catch(() => undefined);
    }
  }

  /** The call's pcap and metadata file, found by rtpengine's naming (the metadata file appears last). */
  private async find(callId: string): Promise<{ pcap: string; meta: string } | null> {
    const id = rtpengineFileId(callId);
    const prefix = `rtpengine-meta-${id}-`;
    const metaDir = path.join(this.setup.dir, 'metadata');
    for (let i = 0; i < FIND_TRIES; i++) {
      const names = await fs.readdir(metaDir).catch(() => [] as string[]);
      for (const name of names) {
        const m = name.startsWith(prefix) ? /^([0-9a-f]{16})\.txt$/.exec(name.slice(prefix.length)) : null;
        if (m) return { meta: path.join(metaDir, name), pcap: path.join(this.setup.dir, 'pcaps', `${id}-${m[1]}.pcap`) };
      }
      await new Promise((r) => setTimeout(r, FIND_EVERY_MS));
    }
    return null;
  }
}
