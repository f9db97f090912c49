// Attachments of messages: their metadata (the files themselves lie under DATA_DIR/attachments).
import type { StoreBase } from './core.ts';

export interface AttachmentRow {
  id: number;
  messageId: number;
  filename: string;
  contentType: string;
  size: number;
  sha256: string | null;
  droppedReason: string | null;
}

export function AttachmentQueries<B extends StoreBase>(Base: B) {
  abstract class Attachments extends Base {
    insertAttachment(a: Omit<AttachmentRow, 'id'>) {
      this.q(`INSERT INTO attachments (message_id, filename, content_type, size, sha256, dropped_reason) VALUES (?, ?, ?, ?, ?, ?)`).run(
        a.messageId,
        a.filename,
        a.contentType,
        a.size,
        a.sha256,
        a.droppedReason,
      );
    }
    listAttachments(ticketId: number): AttachmentRow[] {
      return this.q(
        `SELECT a.id, a.message_id AS messageId, a.filename, a.content_type AS contentType, a.size, a.sha256, a.dropped_reason AS droppedReason
         FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.ticket_id = ? ORDER BY a.id`,
      ).all(ticketId) as AttachmentRow[];
    }
    getAttachment(id: number): (AttachmentRow & { ticketId: number }) | undefined {
      return this.q(
        `SELECT a.id, a.message_id AS messageId, a.filename, a.content_type AS contentType, a.size, a.sha256, a.dropped_reason AS droppedReason,
           m.ticket_id AS ticketId FROM attachments a JOIN messages m ON m.id = a.message_id WHERE a.id = ?`,
      ).get(id) as never;
    }
  }
  return Attachments;
}
