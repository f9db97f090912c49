// The ticket's contact panel: who the citizen is (name and IIN, correctable by staff), their calls and the
// escalation timeline, every ticket of theirs on every channel, and merging two contacts of one person (a
// WhatsApp and an e-mail one), which an admin may undo for a day. Kept live: a name changed or a merge made in
// another console loads the ticket again.
import { useEffect, useState, type FormEvent } from 'react';
import { api, type TicketDetail, type TicketRow } from './api.ts';
import { EscalationTimeline } from './escalation.tsx';
import { courtTime } from './format.ts';
import { useI18n, type Key } from './i18n.tsx';
import { channelLabel, languageLabel } from './labels.ts';
import { useServerEvent } from './realtime.tsx';
import { Link } from './router.tsx';
import { useSession } from './session.tsx';
import { ChannelIcon, ErrorLine, StatusBadge } from './ui.tsx';
import { useAction } from './util.ts';
import './contacts.css';

interface Props {
  ticket: TicketDetail;
  /** Load the ticket again: the contact changed. */
  onChanged: () => void;
}

export function ContactPanel({ ticket, onChanged }: Props) {
  const { t } = useI18n();
  const { user } = useSession();
  const staff = user.role !== 'specialist';
  const c = ticket.contact;
  const kinds = ['phone', 'email', 'whatsapp'] as const;
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  useServerEvent('ticket.updated', ({ ticket: row }) => {
    if (row.id === ticket.id && (row.contactId !== c.id || row.contactName !== c.name)) onChanged();
  });
  const changed = (message: string) => {
    setNotice(message);
    onChanged();
  };

  return (
    <aside className="contact" aria-labelledby="contact-title">
      <h3 id="contact-title">{t('contact.title')}</h3>
      {editing ? (
        <ContactEditForm
          ticket={ticket}
          onDone={(saved) => {
            setEditing(false);
            if (saved) changed(t('contacts.saved'));
          }}
        />
      ) : (
        <p className="contact-name">
          {c.name ?? t('contact.noName')}{' '}
          {staff && (
            <button type="button" className="contacts-edit" onClick={() => (setNotice(null), setEditing(true))}>
              {t('contacts.edit')}
            </button>
          )}
        </p>
      )}
      {notice && (
        <p className="contacts-notice" role="status">
          {notice}
        </p>
      )}
      <dl>
        {kinds.map((k) => {
          const values = c.identities.filter((i) => i.kind === k);
          if (values.length === 0) return null;
          return (
            <div key={k}>
              <dt>{t(`contact.${k}`)}</dt>
              {values.map((i) => (
                <dd key={i.address}>{i.address}</dd>
              ))}
            </div>
          );
        })}
        <div>
          <dt>{t('contact.iin')}</dt>
          <dd className="contact-iin">{c.iin ?? t('contact.none')}</dd>
        </div>
        {c.language && (
          <div>
            <dt>{t('contact.language')}</dt>
            <dd>{languageLabel(t, c.language)}</dd>
          </div>
        )}
      </dl>
      {ticket.calls.length > 0 && (
        <>
          <h4>{t('calls.title')}</h4>
          <ul className="calls">
            {ticket.calls.map((call) => (
              <li key={call.callId}>
                <ChannelIcon channel="sip" /> {courtTime(call.startedAt)} · {call.from} ·{' '}
                {(['ringing', 'answered', 'missed', 'abandoned', 'rejected_off_hours', 'ended'] as const).includes(call.outcome as 'ended')
                  ? t(`call.${call.outcome}` as Key)
                  : call.outcome}
              </li>
            ))}
          </ul>
        </>
      )}
      <EscalationTimeline ticket={ticket} />
      <ContactHistory ticket={ticket} />
      {staff && <MergeTools ticket={ticket} onMerged={() => changed(t('contacts.merged'))} />}
      {user.role === 'admin' && <RecentMerges ticket={ticket} onUndone={onChanged} />}
    </aside>
  );
}

/** Name and IIN. The IIN is shown masked, so it is typed anew; left empty it stays as it is. */
function ContactEditForm({ ticket, onDone }: { ticket: TicketDetail; onDone: (saved: boolean) => void }) {
  const { t } = useI18n();
  const c = ticket.contact;
  const [name, setName] = useState(c.name ?? '');
  const [iin, setIin] = useState('');
  const { busy, error, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: { name?: string | null; iin?: string } = {};
    if (name.trim() !== (c.name ?? '')) body.name = name.trim() || null;
    if (iin.trim()) body.iin = iin;
    if (!Object.keys(body).length) return onDone(false);
    if (await run(() => api.patch(`/api/contacts/${c.id}`, body))) onDone(true);
  };
  return (
    <form className="contacts-form" onSubmit={(e) => void submit(e)}>
      <label>
        {t('contacts.name')}
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoFocus />
      </label>
      <label>
        {t('contacts.iin')}
        <input
          value={iin}
          onChange={(e) => setIin(e.target.value)}
          inputMode="numeric"
          maxLength={20}
          placeholder={c.iin ? t('contacts.iinKeep') : ''}
          aria-invalid={error ? true : undefined}
        />
      </label>
      <div className="contacts-row">
        <button type="submit" className="primary" disabled={busy}>
          {t('contacts.save')}
        </button>
        <button type="button" onClick={() => onDone(false)} disabled={busy}>
          {t('contacts.cancel')}
        </button>
      </div>
      <ErrorLine error={error} />
    </form>
  );
}

/** Every ticket of the contact, this one included, newest first, on whichever channel it came. */
function ContactHistory({ ticket }: { ticket: TicketDetail }) {
  const { t } = useI18n();
  const all = [{ ...ticket, current: true }, ...ticket.otherTickets.map((o) => ({ ...o, current: false }))].sort((a, b) => b.id - a.id);
  return (
    <>
      <h4>{t('contacts.history')}</h4>
      <ul className="other-tickets contacts-history">
        {all.map((o) => (
          <li key={o.id} data-ticket={o.id}>
            <ChannelIcon channel={o.channel} /> <span className="contacts-channel">{channelLabel(t, o.channel)}</span>{' '}
            {o.current ? <strong>{o.ref}</strong> : <Link href={`/tickets/${o.id}`}>{o.ref}</Link>}{' '}
            <span className="muted">{courtTime(o.createdAt)}</span> <StatusBadge status={o.status as TicketRow['status']} />
            {o.current && <span className="muted"> · {t('contacts.current')}</span>}
          </li>
        ))}
      </ul>
    </>
  );
}

interface Candidate {
  contactId: number;
  name: string | null;
  tickets: Pick<TicketRow, 'id' | 'ref' | 'channel'>[];
}

/** Finds the other contact through the ticket search, and merges it into this one after a confirmation. */
function MergeTools({ ticket, onMerged }: { ticket: TicketDetail; onMerged: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Candidate[] | null>(null);
  const [picked, setPicked] = useState<Candidate | null>(null);
  const { busy, error, run } = useAction();
  const self = ticket.contact;

  const search = async (e: FormEvent) => {
    e.preventDefault();
    if (!q.trim()) return;
    await run(async () => {
      const page = await api.get<{ items: TicketRow[] }>(`/api/tickets?q=${encodeURIComponent(q.trim())}&limit=50`);
      const byContact = new Map<number, Candidate>();
      for (const row of page.items) {
        if (row.contactId === self.id) continue;
        const cand = byContact.get(row.contactId) ?? { contactId: row.contactId, name: row.contactName, tickets: [] };
        cand.tickets.push(row);
        byContact.set(row.contactId, cand);
      }
      setFound([...byContact.values()]);
    });
  };
  const merge = async (other: Candidate) => {
    if (await run(() => api.post(`/api/contacts/${self.id}/merge`, { mergedId: other.contactId }))) {
      setPicked(null);
      setFound(null);
      setOpen(false);
      setQ('');
      onMerged();
    }
  };

  if (!open)
    return (
      <p>
        <button type="button" className="contacts-merge" onClick={() => setOpen(true)}>
          {t('contacts.merge')}
        </button>
      </p>
    );
  const label = (name: string | null) => name ?? t('contact.noName');
  return (
    <section className="contacts-merge-box" aria-label={t('contacts.merge')}>
      <h4>{t('contacts.merge')}</h4>
      <form className="contacts-row" onSubmit={(e) => void search(e)} role="search">
        <input
          value={q}
          onChange={(e) => setQ(e.target.value)}
          aria-label={t('contacts.mergeSearch')}
          placeholder={t('contacts.mergeSearch')}
          maxLength={200}
          autoFocus
        />
        <button type="submit" disabled={busy}>
          {t('contacts.mergeFind')}
        </button>
        <button type="button" onClick={() => (setOpen(false), setPicked(null), setFound(null))}>
          {t('contacts.cancel')}
        </button>
      </form>
      {found && found.length === 0 && <p className="muted">{t('contacts.mergeNone')}</p>}
      {found && found.length > 0 && !picked && (
        <ul className="contacts-candidates">
          {found.map((cand) => (
            <li key={cand.contactId}>
              <span className="contacts-candidate-name">{label(cand.name)}</span>{' '}
              {cand.tickets.slice(0, 3).map((tk) => (
                <span key={tk.id} className="muted">
                  <ChannelIcon channel={tk.channel} /> {tk.ref}{' '}
                </span>
              ))}
              <button type="button" onClick={() => setPicked(cand)}>
                {t('contacts.mergePick')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {picked && (
        <div className="contacts-confirm" role="alertdialog" aria-labelledby="contacts-confirm-text">
          <p id="contacts-confirm-text">{t('contacts.mergeConfirm', { other: label(picked.name), kept: label(self.name) })}</p>
          <div className="contacts-row">
            <button type="button" className="primary" disabled={busy} onClick={() => void merge(picked)}>
              {t('contacts.mergeDo')}
            </button>
            <button type="button" onClick={() => setPicked(null)} disabled={busy}>
              {t('contacts.cancel')}
            </button>
          </div>
        </div>
      )}
      <ErrorLine error={error} />
    </section>
  );
}

interface MergeView {
  id: number;
  mergedName: string | null;
  tickets: number;
  at: number;
  undoneAt: number | null;
  undoableUntil: number | null;
}

/** An admin's view of the merges into this contact in the last day, each undoable until a day has passed. */
function RecentMerges({ ticket, onUndone }: { ticket: TicketDetail; onUndone: () => void }) {
  const { t } = useI18n();
  const [merges, setMerges] = useState<MergeView[]>([]);
  const { busy, error, run } = useAction();
  const id = ticket.contact.id;
  // The contact's identities change with each merge or undo: asked again then.
  const shape = ticket.contact.identities.map((i) => i.address).join(' ');
  useEffect(() => {
    void run(async () => setMerges((await api.get<{ merges: MergeView[] }>(`/api/contacts/${id}`)).merges));
  }, [id, shape]);
  const undo = async (m: MergeView) => {
    if (await run(() => api.post(`/api/contacts/merges/${m.id}/undo`))) onUndone();
  };
  if (merges.length === 0) return <ErrorLine error={error} />;
  return (
    <section className="contacts-merges">
      <h4>{t('contacts.merges')}</h4>
      <ul className="other-tickets">
        {merges.map((m) => (
          <li key={m.id}>
            {t('contacts.mergeEntry', { name: m.mergedName ?? t('contact.noName'), tickets: m.tickets, at: courtTime(m.at) })}{' '}
            {m.undoableUntil !== null ? (
              <button type="button" disabled={busy} onClick={() => void undo(m)}>
                {t('contacts.undo')}
              </button>
            ) : (
              m.undoneAt !== null && <span className="muted">{t('contacts.undone')}</span>
            )}
          </li>
        ))}
      </ul>
      <ErrorLine error={error} />
    </section>
  );
}
