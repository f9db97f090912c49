// Per-year facts the Law on Holidays cannot compute: the first day of Kurban Ait (announced each year from
// the Spiritual Administration of Muslims of Kazakhstan, ДУМК/ҚМДБ) and the days off the Ministry of Labour
// and Social Protection of the Population transfers by order (Labour Code art. 85 p. 3).
// Every entry carries its source; see docs/calendar.md for how to review a year and add the next one.
import type { IsoDate } from './types.ts';

export interface Transfer {
  /** The weekday that becomes a day off. */
  off: IsoDate;
  /** The Saturday or Sunday that becomes a working day in exchange. */
  working: IsoDate;
  source: string;
}

export interface YearData {
  /** 'official': Kurban Ait is announced and every transfer order for the year is listed.
   *  'provisional': Kurban Ait is an estimate and/or transfer orders may still be issued. */
  status: 'official' | 'provisional';
  kurbanAit: { date: IsoDate; source: string };
  transfers: Transfer[];
}

export const YEARS: Record<number, YearData> = {
  2024: {
    status: 'official',
    kurbanAit: {
      date: '2024-06-16',
      source:
        'ДУМК announcement of 7 June 2024: Kurban Ait begins Sunday 16 June, so Monday 17 June (first planned as the day off) stays a working day.',
    },
    transfers: [
      {
        off: '2024-05-08',
        working: '2024-05-04',
        source: 'Order of the acting Minister of Labour and Social Protection of 17 April 2024 "О переносе дня отдыха в 2024 году".',
      },
    ],
  },
  2025: {
    status: 'official',
    kurbanAit: {
      date: '2025-06-06',
      source: 'ДУМК, department of sharia and fatwa (May 2025): Kurban Ait begins Friday 6 June 2025.',
    },
    transfers: [
      {
        off: '2025-01-03',
        working: '2025-01-05',
        source:
          'Order of the Minister of Labour and Social Protection (announced November 2024): day off moved from Sunday 5 January to Friday 3 January 2025.',
      },
    ],
  },
  2026: {
    status: 'official',
    kurbanAit: {
      date: '2026-05-27',
      source: 'ДУМК calendar of religious dates for 2026 (published 6 November 2025): Kurban Ait 27–29 May, first day Wednesday 27 May.',
    },
    // No transfer order for 2026 (checked against the official 2026 list of days off pinned in tests).
    transfers: [],
  },
  2027: {
    status: 'provisional',
    kurbanAit: {
      date: '2027-05-16',
      source: 'Provisional astronomical estimate of 10 Dhu al-Hijjah 1448; confirm with the ДУМК calendar.',
    },
    transfers: [],
  },
  2028: {
    status: 'provisional',
    kurbanAit: {
      date: '2028-05-05',
      source: 'Provisional astronomical estimate of 10 Dhu al-Hijjah 1449; confirm with the ДУМК calendar.',
    },
    transfers: [],
  },
  2029: {
    status: 'provisional',
    kurbanAit: {
      date: '2029-04-24',
      source: 'Provisional astronomical estimate of 10 Dhu al-Hijjah 1450; confirm with the ДУМК calendar.',
    },
    transfers: [],
  },
  2030: {
    status: 'provisional',
    kurbanAit: {
      date: '2030-04-13',
      source: 'Provisional astronomical estimate of 10 Dhu al-Hijjah 1451; confirm with the ДУМК calendar.',
    },
    transfers: [],
  },
};
