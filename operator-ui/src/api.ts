// The REST client: JSON in and out, the session cookie travels by itself (same origin).
// Row shapes come from the server's store (type-only imports, erased from the bundle), so a change there
// fails the console's type check instead of its users. Only the store and files that import nothing are
// imported, so the console's check does not depend on the rest of the server.
import type {
  AttachmentRow,
  CallRow,
  CannedRow,
  CourtRow,
  EscalationRow,
  MessageRow,
  NotificationRow,
  Role,
  ScopeCounts,
  ScopeDecisionEntry,
  ScopeExplanation,
  TicketRow,
  TicketStatus,
  UnreadTicket,
  UserRow,
  WeekHours,
} from '../../src/store/index.ts';
import type { AuditEntry } from '../../src/store/audit.ts';
import type { ChannelHealth, HealthReason } from '../../src/channel-health.ts';

export type {
  AttachmentRow,
  AuditEntry,
  CannedRow,
  ChannelHealth,
  CourtRow,
  EscalationRow,
  HealthReason,
  MessageRow,
  NotificationRow,
  Role,
  ScopeCounts,
  ScopeDecisionEntry,
  ScopeExplanation,
  TicketRow,
  TicketStatus,
  UnreadTicket,
  UserRow,
  WeekHours,
};

export type Presence = { status: 'available' | 'away'; connections: number };

export interface Identity {
  kind: string;
  address: string;
}

export type CallEntry = CallRow;

export interface ContactDetail {
  id: number;
  name: string | null;
  iin: string | null;
  language: string | null;
  identities: Identity[];
}

export interface OtherTicket {
  id: number;
  ref: string;
  channel: string;
  status: string;
  createdAt: number;
  courtId: number;
}

export interface TicketDetail extends TicketRow {
  messages: MessageRow[];
  attachments: AttachmentRow[];
  calls: CallEntry[];
  escalations: EscalationRow[];
  contact: ContactDetail;
  otherTickets: OtherTicket[];
  /** What the appeal filter decided when the ticket came in, and why; null when it did not classify it (a call). */
  scopeExplanation: ScopeExplanation | null;
  /** The latest operator decision on the filter's verdict (overrule or "mark as appeal"); null when none. */
  scopeDecision: ScopeDecision | null;
  /** How a reply can reach the citizen (a phone ticket: no plain text); absent from a server before it. */
  replyVia?: ('text' | 'call-back' | 'whatsapp')[];
}

export interface ScopeDecision {
  label: 'appeal' | 'in_scope';
  source: 'overrule' | 'marked_appeal';
  userId: number | null;
  userName: string | null;
  reason: string;
  createdAt: number;
}

/** GET /api/tickets/:id/specialists: the one handling a case number of the ticket first, then the court's. */
export interface SpecialistSuggestion {
  userId: number;
  name: string;
  title: string | null;
  courtId: number | null;
  reason: 'case' | 'court';
  caseNumber?: string;
}

export interface Suggestions {
  caseNumbers: string[];
  items: SpecialistSuggestion[];
}

export interface CalendarInfo {
  year: number;
  overrides: { date: string; kind: 'off' | 'working'; note: string | null }[];
  daysOff: string[];
  workingWeekends: string[];
}

/** GET/PUT /api/courts/:id/hours: the week in force, and whether it is the court's own. */
export interface CourtHours {
  week: WeekHours;
  custom: boolean;
}

/** GET /api/audit: a page of the log, newest first; `until` keeps the next pages where they were. */
export interface AuditPage {
  items: AuditEntry[];
  more: boolean;
  until: number;
  actions: string[];
}

/** Precision and recall of the appeal filter on one set of messages (as routing/scope/model.ts writes them). */
export interface ScopeFigures {
  n: number;
  precision: number;
  recall: number;
  f1: number;
  flagged: number;
}

/** GET /api/scope/stats: the filter over the tickets of a period, the operators' corrections, the active model. */
export interface ScopeStats {
  from: string;
  to: string;
  tickets: ScopeCounts;
  /** Overruled ÷ filtered; null when nothing was filtered. */
  overruledShare: number | null;
  model: {
    id: string;
    algorithm: string;
    thresholds: { high: number; low: number };
    crossValidation: { folds: number; overall: ScopeFigures; byLang: Record<string, ScopeFigures> };
  };
  decisions: ScopeDecisionEntry[];
}

export interface ChannelInfo {
  name: string;
  health: ChannelHealth;
  commands: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthenticated: () => void = () => {};
/** Called when a request finds the session gone (expired, logged out elsewhere). */
export function setUnauthenticatedHandler(fn: () => void) {
  onUnauthenticated = fn;
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      // The server takes changes only as JSON (a form cannot send it), bodiless ones included.
      headers: method !== 'GET' ? { 'content-type': 'application/json' } : {},
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'network');
  }
  const json = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) {
    const code = json?.error?.code ?? `HTTP_${res.status}`;
    if (code === 'VIC_UNAUTHENTICATED') onUnauthenticated();
    throw new ApiError(res.status, code, json?.error?.message ?? res.statusText);
  }
  return json as T;
}

export const api = {
  get: <T>(url: string) => call<T>('GET', url),
  post: <T>(url: string, body: unknown = {}) => call<T>('POST', url, body),
  put: <T>(url: string, body: unknown) => call<T>('PUT', url, body),
  patch: <T>(url: string, body: unknown) => call<T>('PATCH', url, body),
  del: <T>(url: string) => call<T>('DELETE', url),
};

/** Query string from the set values only. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
