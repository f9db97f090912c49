// VIC's call recordings (src/recordings.ts): the audio attachments of calls' entries in the conversation. Their
// age is their call's (its end, or its start for a call that never ended), for SIP_RECORDING_RETENTION_DAYS.
import type { StoreBase } from './core.ts';

export function RecordingQueries<B extends StoreBase>(Base: B) {
  abstract class Recordings extends Base {
    /** Recordings, not yet removed, of the calls in the id window (lo, hi] that ended before `before`. */
    dueRecordings(lo: number, hi: number, before: number, type: string): { id: number; sha256: string | null }[] {
      return this.q(
        `SELECT a.id, a.sha256 FROM calls c JOIN attachments a ON a.message_id = c.message_id
           WHERE c.id > @lo AND c.id <= @hi AND coalesce(c.ended_at, c.started_at) < @before
             AND a.removed_at IS NULL AND a.content_type = @type`,
      ).all({ lo, hi, before, type }) as { id: number; sha256: string | null }[];
    }
  }
  return Recordings;
}
