// A recorded call (SIP_RECORDING, docs/media.md "Recording") on its ticket: the WAV becomes an attachment of the
// call's entry in the conversation, so the attachments' access rules, download route and audit apply to it as to
// any other file; the call's end is the recording's age for SIP_RECORDING_RETENTION_DAYS (src/retention/). A
// recording that could not be made leaves a line on the ticket saying so (the reason is in the log).
import { AttachmentStore } from './attachments.ts';
import { lineLang } from './callbacks-lines.ts';
import type { Clock } from './clock.ts';
import type { EventBus } from './events.ts';
import type { Logger } from './log.ts';
import type { Store } from './store/index.ts';

export type CallRecording =
  { ok: true; wav: Buffer; durationMs: number; startedAt: number } | { ok: false; reason: string; startedAt: number };

/** What VIC's recordings are stored as: retention finds them by it (with the call's entry). */
export const RECORDING_TYPE = 'audio/wav';
/** A recording is kept whatever MAX_ATTACHMENT_BYTES says (an hour is about 58 MB); the pcap reader caps its length. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

const FAILED = {
  ru: 'Запись разговора не сохранена: произошла ошибка записи',
  kk: 'Әңгіме жазбасы сақталмады: жазу кезінде қате болды',
} as const;

export class CallRecordings {
  private readonly files: AttachmentStore;

  constructor(private readonly d: { store: Store; events: EventBus; clock: Clock; log: Logger }) {
    this.files = new AttachmentStore(d.store.attachmentsDir, NO_LIMIT);
  }

  /** Stores a call's recording (or the line that it failed) on the call's ticket. */
  recorded(callId: string, r: CallRecording): void {
    const { store, events, clock } = this.d;
    const call = store.getCall(callId);
    if (!call || call.messageId === null) {
      this.d.log.warn({ callId }, 'recording: no call record to attach it to');
      return;
    }
    const now = clock.now();
    const t = store.getTicket(call.ticketId)!;
    const stamp = new Date(call.answeredAt ?? call.startedAt).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
    let saved = r.ok
      ? this.files.save({ filename: `call-${stamp}.wav`, contentType: RECORDING_TYPE, size: r.wav.length, content: r.wav })
      : null;
    if (saved && !saved.sha256) {
      // No attachments folder (a store without DATA_DIR): the ticket says the recording was not kept.
      this.d.log.error({ callId, reason: saved.droppedReason }, 'recording: not kept');
      saved = null;
    }
    let line: number | null = null;
    store.tx(() => {
      if (saved) store.insertAttachment({ messageId: call.messageId!, ...saved, droppedReason: null });
      else
        line = store.insertMessage({
          ticketId: t.id,
          direction: 'note',
          channel: 'sip',
          auto: 'recording',
          text: FAILED[lineLang(t.language)],
          now,
        });
      store.audit({
        at: now,
        userId: null,
        action: saved ? 'call.recorded' : 'call.recording_failed',
        entity: 'ticket',
        entityId: t.id,
        details: {
          callId,
          ...(saved && r.ok ? { durationMs: r.durationMs, bytes: r.wav.length } : { reason: r.ok ? 'not kept' : r.reason }),
        },
      });
    });
    const ticket = store.getTicket(t.id)!;
    if (line !== null) events.emit({ type: 'message.created', ticket, message: store.getMessage(line)! });
    else events.emit({ type: 'message.updated', ticket, message: store.getMessage(call.messageId)! });
  }
}
