// The store: the one place that holds SQL, composed of one mixin per aggregate over the core (core.ts: connection,
// migrations, the one transaction boundary). A mixin that calls another's methods is composed above it.
import fs from 'node:fs';
import path from 'node:path';
import { AttachmentQueries } from './attachments.ts';
import { AuditQueries } from './audit.ts';
import { CallQueries } from './calls.ts';
import { CannedQueries } from './canned.ts';
import { ChannelStateQueries } from './channel-state.ts';
import { ContactQueries } from './contacts.ts';
import { ContactEditQueries } from './contact-edit.ts';
import { StoreCore } from './core.ts';
import { CourtQueries } from './courts.ts';
import { DemoQueries } from './demo.ts';
import { EscalationQueries } from './escalations.ts';
import { MessageQueries } from './messages.ts';
import { OutboxQueries } from './outbox.ts';
import { RetentionQueries } from './retention.ts';
import { QueueCountQueries } from './queue-counts.ts';
import { RecordingQueries } from './recordings.ts';
import { ReadQueries } from './reads.ts';
import { ScopeDecisionQueries } from './scope-decisions.ts';
import { SearchQueries } from './search.ts';
import { SessionQueries } from './sessions.ts';
import { TicketQueries } from './tickets.ts';
import { TopicQueries } from './topics.ts';
import { UserQueries } from './users.ts';

export type { AttachmentRow } from './attachments.ts';
export type { CallRow, CallbackAttempt, CallbackCounts, CallbackTaskRow } from './calls.ts';
export type { CannedRow } from './canned.ts';
export type { ContactMerge, ContactTicket, MergeMoved } from './contact-edit.ts';
export type { CourtRow, WeekHours } from './courts.ts';
export type { EscalationRow } from './escalations.ts';
export type { OperatorLoad, Role, UserRow } from './users.ts';
export type { OutboxRow } from './outbox.ts';
export type { TopicCount, TopicRow } from './topics.ts';
export type { ScopeCounts, ScopeDecisionEntry, ScopeDecisionExample, ScopeExplanation } from './scope-decisions.ts';
export { unauthoredMessageRow, type DeliveryStatus, type Direction, type MessageRow, type NewMessage } from './messages.ts';
export type { CourtQueue } from './queue-counts.ts';
export type { DraftRow, NotificationKind, NotificationRow, UnreadTicket } from './reads.ts';
export {
  TICKET_SELECT,
  decodeCursor,
  encodeCursor,
  SORTS,
  toTicket,
  type Cursor,
  type LastMessage,
  type Sort,
  type Queue,
  type QueueFilter,
  type TicketFilter,
  type TicketRow,
  type TicketStatus,
  type Viewer,
} from './tickets.ts';

// Tickets build on courts and the queue counters, search on tickets, contacts on search's name index.
// Reads (unread marks, notifications, drafts) stand alone: outermost.
const Aggregates = ReadQueries(
  ChannelStateQueries(
    CannedQueries(
      EscalationQueries(
        CallQueries(
          AttachmentQueries(
            ContactEditQueries(
              ContactQueries(
                SearchQueries(
                  TicketQueries(
                    QueueCountQueries(
                      RetentionQueries(
                        ScopeDecisionQueries(
                          MessageQueries(DemoQueries(AuditQueries(OutboxQueries(SessionQueries(CourtQueries(UserQueries(StoreCore))))))),
                        ),
                      ),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  ),
);

// Topics (tags on tickets) and call recordings stand alone too.
export class Store extends TopicQueries(RecordingQueries(Aggregates)) {
  /** Opens DATA_DIR/vic.sqlite, creating the folder; attachments go under DATA_DIR/attachments. */
  static open(dataDir: string): Store {
    fs.mkdirSync(dataDir, { recursive: true });
    return new Store(path.join(dataDir, 'vic.sqlite'), path.join(dataDir, 'attachments'));
  }

  /** Row counts of every table: tests use it to prove a failed ingest changed nothing. */
  counts(): Record<string, number> {
    const tables = ['contacts', 'contact_identities', 'tickets', 'messages', 'attachments', 'calls', 'outbox', 'audit_log', 'counters'];
    return Object.fromEntries(tables.map((t) => [t, (this.q(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
  }
}
