// The report API's answers as the console reads them (README: GET /api/reports/summary and /tickets): the server's
// own types, so a change of shape fails the console's type check.
import type { DrillFigure } from '../../../src/reports/index.ts';

export type { Durations } from '../../../src/reports/stats.ts';
export type { TicketFigures } from '../../../src/reports/tickets.ts';
export type { EscalationFigures } from '../../../src/reports/escalations.ts';
export type { DrillFigure, ReportSummary } from '../../../src/reports/index.ts';

export const PERIOD_KINDS = ['day', 'week', 'month', 'quarter', 'custom'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface DrillTicket {
  id: number;
  ref: string;
  courtId: number;
  courtCode: string;
  channel: string;
  status: string;
  contactName: string | null;
  assigneeName: string | null;
  specialistName: string | null;
  language: string | null;
  createdAt: number;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  firstResponseMin: number | null;
  resolutionMin: number | null;
}

export interface DrillPage {
  figure: DrillFigure;
  total: number;
  tickets: DrillTicket[];
  nextCursor: number | null;
}

/** The report's filters as the URL carries them (strings, empty when not chosen). */
export interface ReportFilters {
  courtId: string;
  channel: string;
  operatorId: string;
  period: PeriodKind;
  from: string;
  to: string;
}
