// Small shared pieces: channel icons, status badges, the page-level error line, court names and pickers.
import { useEffect, useRef, type JSX } from 'react';
import type { CourtRow, TicketStatus } from './api.ts';
import { useI18n, type Key, type Lang } from './i18n.tsx';

// Inline SVG, not emoji: a workstation may have no colour-emoji font.
const ICONS: Record<string, JSX.Element> = {
  whatsapp: <path d="M2 2.5h12v8.5H6.5L3 14v-3H2z" fill="currentColor" />,
  email: (
    <g fill="none" stroke="currentColor" strokeWidth="1.5">
      <rect x="1.5" y="3.5" width="13" height="9" rx="1" />
      <path d="M2 4.5l6 4.5 6-4.5" />
    </g>
  ),
  sip: <path d="M4.5 1.5l2.5 3.2-1.6 1.6a8.5 8.5 0 0 0 4.3 4.3l1.6-1.6 3.2 2.5-1.3 2.5C7.5 14.5 1.5 8.5 2 2.8z" fill="currentColor" />,
  web: (
    <g fill="none" stroke="currentColor" strokeWidth="1.3">
      <circle cx="8" cy="8" r="6.3" />
      <ellipse cx="8" cy="8" rx="2.8" ry="6.3" />
      <path d="M1.7 8h12.6" />
    </g>
  ),
};

export function ChannelIcon({ channel }: { channel: string }) {
  const { t } = useI18n();
  const known = channel in ICONS;
  const label = known ? t(`channel.${channel}` as Key) : channel;
  return (
    <svg
      className={`channel-icon ch-${known ? channel : 'other'}`}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      role="img"
      aria-label={label}
    >
      <title>{label}</title>
      {ICONS[channel] ?? <circle cx="8" cy="8" r="3" fill="currentColor" />}
    </svg>
  );
}

export function StatusBadge({ status }: { status: TicketStatus }) {
  const { t } = useI18n();
  return <span className={`badge status-${status}`}>{t(`status.${status}`)}</span>;
}

export function ErrorLine({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error}
    </p>
  );
}

/** An admin table's header: its columns, then an unnamed one for each row's buttons. */
export function ActionTableHead({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c}>{c}</th>
        ))}
        <th />
      </tr>
    </thead>
  );
}

export const courtName = (c: Pick<CourtRow, 'nameKk' | 'nameRu'>, lang: Lang) => (lang === 'kk' ? c.nameKk : c.nameRu);

/** The options of a court picker, by name in the interface language; `empty` labels a first "no court" option. */
export function CourtOptions({ courts, empty }: { courts: CourtRow[]; empty?: string }) {
  const { lang } = useI18n();
  return (
    <>
      {empty !== undefined && <option value="">{empty}</option>}
      {courts.map((c) => (
        <option key={c.id} value={c.id}>
          {courtName(c, lang)}
        </option>
      ))}
    </>
  );
}

/** A native modal <dialog> shown while `open` (focus stays inside, Escape closes): attach the ref to the dialog. */
export function useModalDialog(open: boolean) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return ref;
}
