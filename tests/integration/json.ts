// Typed views of the JSON the integration tests read back. The test client (tests/helpers.ts) and fetch's
// Response.json() hand the parsed body over untyped; these name, at that boundary, the shape a test expects.
// Nothing is checked here: a wrong shape still fails the test's own assertions.
import type { CallRow, CannedRow, CourtRow, EscalationRow, MessageRow, TicketRow, UserRow, WeekHours } from '../../src/store/index.ts';
import type { AuditEntry } from '../../src/store/audit.ts';
import type { TicketService } from '../../src/tickets.ts';

/** A response of the test client: `body` is the parsed JSON (or the text, when it was not JSON). */
interface Answer {
  body: unknown;
}

/** The body of a test-client response, as the shape T. */
export const json = <T>(res: Answer): T => res.body as T;

/** fetch's Response.json(), as the shape T. */
export const responseJson = <T>(res: Response): Promise<T> => res.json() as Promise<T>;

/** A refusal's error, as VicError.toJSON writes it. */
export interface ApiError {
  code: string;
  message: string;
  details?: { path: string; message: string }[];
}

/** The error of a refused test-client request: `body.error`. */
export const errorOf = (res: Answer): ApiError => json<{ error: ApiError }>(res).error;

/** A list route's page: `{ items, total }`. */
export interface Page<T> {
  items: T[];
  total: number;
}

/** A ticket as GET /api/tickets/:id shows it: the row with its conversation, escalations, contact… */
export type TicketView = ReturnType<TicketService['read']>;

export type { AuditEntry, CallRow, CannedRow, CourtRow, EscalationRow, MessageRow, TicketRow, UserRow, WeekHours };
