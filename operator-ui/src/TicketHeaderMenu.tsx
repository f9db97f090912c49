// The ticket header's "⋯" menu: forms used a few times a day (hand the ticket to another court, note its case
// number) folded away, so that the conversation starts higher. Closes on Escape and on a click elsewhere.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, type CourtRow, type TicketRow } from './api.ts';
import { useI18n } from './i18n.tsx';
import { CourtOptions } from './ui.tsx';
import './list.css';

interface Props {
  ticket: TicketRow;
  courts: CourtRow[];
  busy: boolean;
  /** Runs the change as the other ticket actions do (merging the answer, or leaving a ticket moved away). */
  run: (fn: () => Promise<{ ticket: TicketRow }>) => Promise<boolean>;
}

export function TicketHeaderMenu({ ticket, courts, busy, run }: Props) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [courtId, setCourtId] = useState(String(ticket.courtId));
  const [caseNumber, setCaseNumber] = useState(ticket.caseNumber ?? '');
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => setCourtId(String(ticket.courtId)), [ticket.courtId]);
  useEffect(() => setCaseNumber(ticket.caseNumber ?? ''), [ticket.caseNumber]);
  useEffect(() => {
    if (!open) return;
    const outside = (e: MouseEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);

  const base = `/api/tickets/${ticket.id}`;
  const submit = (e: FormEvent, body: object) => {
    e.preventDefault();
    void run(() => api.patch(base, body)).then((ok) => ok && setOpen(false));
  };

  return (
    <div
      className="head-menu"
      ref={box}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
          button.current?.focus();
        }
      }}
    >
      <button
        type="button"
        ref={button}
        aria-haspopup="true"
        aria-expanded={open}
        aria-label={t('list.moreActions')}
        title={t('list.moreActions')}
        onClick={() => setOpen((o) => !o)}
      >
        ⋯
      </button>
      {open && (
        <div className="menu" role="group" aria-label={t('list.moreActions')}>
          <form onSubmit={(e) => submit(e, { courtId: Number(courtId) })} className="inline">
            <label>
              {t('action.changeCourt')}
              <select value={courtId} onChange={(e) => setCourtId(e.target.value)}>
                <CourtOptions courts={courts} />
              </select>
            </label>
            <button type="submit" disabled={busy || courtId === String(ticket.courtId)}>
              {t('action.move')}
            </button>
          </form>
          <form onSubmit={(e) => submit(e, { caseNumber: caseNumber.trim() || null })} className="inline">
            <label>
              {t('ticket.caseNumber')}
              <input className="case-number" value={caseNumber} onChange={(e) => setCaseNumber(e.target.value)} maxLength={60} />
            </label>
            <button type="submit" disabled={busy || caseNumber.trim() === (ticket.caseNumber ?? '')}>
              {t('action.save')}
            </button>
          </form>
        </div>
      )}
    </div>
  );
}
