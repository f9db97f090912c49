// The retention policy: how long each kind of citizens' personal data (and the staff data around it) is kept,
// from the configuration. The defaults and why they were chosen are in docs/retention.md; they are proposals for
// the court to confirm, not settled law.
import { DAY } from '../../routing/calendar/days.ts';
import type { Config } from '../config.ts';

export type RetentionKind = 'messageText' | 'recordings' | 'callRecordings' | 'contacts' | 'audit' | 'sessions';

export interface PolicyEntry {
  kind: RetentionKind;
  days: number;
  /** The variable that sets it. */
  env: string;
  /** Data that ended before this instant is past its age (epoch ms). */
  cutoff: number;
}

/** The instants before which each kind is past its age. */
export interface Cutoffs {
  /** Message texts, subjects, case numbers and attachments of tickets that ended before it; operators' scope decisions on them. */
  text: number;
  /** Attachments of phone tickets (call recordings, when the phone channel keeps them). */
  recordings: number;
  /** VIC's call recordings (SIP_RECORDING) made before it, by their own age, whatever their ticket's state. */
  callRecordings: number;
  /** A contact whose tickets all ended before it (or were anonymised) loses name, IIN, phones and e-mails. */
  contacts: number;
  audit: number;
  /** Sessions that expired at or before it. */
  sessions: number;
  /** Notifications created before it, and drafts last saved before it (NOTIFICATION_RETENTION_DAYS). */
  notifications: number;
  /** Read notifications created before it (see READ_NOTIFICATION_DAYS). */
  readNotifications: number;
}

/**
 * A read notification is only the bell's history, and the bell lists the newest 50: a busy operator's month-old
 * read ones are long out of sight. An unread one is still news to someone (back from leave), so it stays the full age.
 */
export const READ_NOTIFICATION_DAYS = 30;

/** What a run removed (or a preview would remove). Ticket rows themselves always stay: reports count them. */
export interface RetentionCounts {
  /** Tickets whose personal content was anonymised. */
  tickets: number;
  /** Their messages whose text was replaced by the marker. */
  messages: number;
  /** Operators' scope decisions on them whose classified text was removed. */
  scopeDecisions: number;
  /** Attachments of written tickets removed (row marked, file deleted when nothing else refers to it). */
  attachments: number;
  /** Attachments of phone tickets removed. */
  recordings: number;
  /** Files deleted from disk. */
  files: number;
  contacts: number;
  audit: number;
  sessions: number;
  /** The bell's notifications deleted. */
  notifications: number;
  /** Unsent drafts deleted. */
  drafts: number;
}

export const zeroCounts = (): RetentionCounts => ({
  tickets: 0,
  messages: 0,
  scopeDecisions: 0,
  attachments: 0,
  recordings: 0,
  files: 0,
  contacts: 0,
  audit: 0,
  sessions: 0,
  notifications: 0,
  drafts: 0,
});

/** What replaces removed text, in both languages of the console (the only text left in the row). */
export const MARKERS = {
  retention: '[удалено: истёк срок хранения · сақтау мерзімі өтті, жойылды]',
  erasure: '[удалено по заявлению гражданина · азаматтың өтініші бойынша жойылды]',
} as const;

/** The reason an attachment row then gives for its missing file. */
export const REMOVED_ATTACHMENT = {
  retention: 'removed: its retention period is over',
  erasure: "removed at the citizen's request",
} as const;

export function retentionPolicy(config: Config, now: number): PolicyEntry[] {
  const entry = (kind: RetentionKind, env: keyof Config & `${string}RETENTION_${string}DAYS`): PolicyEntry => {
    const days = config[env];
    return { kind, days, env, cutoff: now - days * DAY };
  };
  return [
    entry('messageText', 'RETENTION_MESSAGE_TEXT_DAYS'),
    entry('recordings', 'RETENTION_RECORDINGS_DAYS'),
    entry('callRecordings', 'SIP_RECORDING_RETENTION_DAYS'),
    entry('contacts', 'RETENTION_CONTACT_DAYS'),
    entry('audit', 'RETENTION_AUDIT_DAYS'),
    entry('sessions', 'RETENTION_SESSIONS_DAYS'),
  ];
}

export function cutoffs(config: Config, now: number): Cutoffs {
  const at = Object.fromEntries(retentionPolicy(config, now).map((p) => [p.kind, p.cutoff])) as Record<RetentionKind, number>;
  const notifications = now - config.NOTIFICATION_RETENTION_DAYS * DAY;
  return {
    text: at.messageText,
    recordings: at.recordings,
    callRecordings: at.callRecordings,
    contacts: at.contacts,
    audit: at.audit,
    sessions: at.sessions,
    notifications,
    readNotifications: Math.max(notifications, now - READ_NOTIFICATION_DAYS * DAY),
  };
}
