// The courts the centre serves: list, add, edit names, first-response time, active.
import { useState, type FormEvent } from 'react';
import { api, type CourtRow } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { Link } from '../router.tsx';
import { ActionTableHead, ErrorLine } from '../ui.tsx';
import { useAction } from '../util.ts';

const COLUMNS = ['courts.code', 'courts.nameRu', 'courts.nameKk', 'courts.sla', 'courts.active'] as const;

interface Props {
  courts: CourtRow[];
  onChanged: (courts: CourtRow[]) => void;
}

export function AdminCourts({ courts, onChanged }: Props) {
  const { t } = useI18n();
  const { error, run } = useAction();
  const [editing, setEditing] = useState<number | null>(null);

  const reload = async () => onChanged((await api.get<{ items: CourtRow[] }>('/api/courts')).items);
  const save = (id: number | null, body: Partial<CourtRow>) =>
    run(async () => {
      if (id === null) await api.post('/api/courts', body);
      else await api.patch(`/api/courts/${id}`, body);
      await reload();
      setEditing(null);
    });

  return (
    <main className="admin" aria-labelledby="courts-title">
      <h1 id="courts-title">{t('admin.courts')}</h1>
      <ErrorLine error={error} />
      <table>
        <ActionTableHead columns={COLUMNS.map((k) => t(k))} />
        <tbody>
          {courts.map((c) =>
            editing === c.id ? (
              <tr key={c.id}>
                <td colSpan={COLUMNS.length + 1}>
                  <CourtForm court={c} onSave={(b) => save(c.id, b)} onCancel={() => setEditing(null)} />
                </td>
              </tr>
            ) : (
              <tr key={c.id} className={c.active ? undefined : 'inactive'}>
                <td>{c.code}</td>
                <td>{c.nameRu}</td>
                <td>{c.nameKk}</td>
                <td>{c.slaFirstResponseMin}</td>
                <td>{c.active ? t('yes') : t('no')}</td>
                <td>
                  <button type="button" onClick={() => setEditing(c.id)} aria-label={`${t('courts.edit')}: ${c.code}`}>
                    {t('courts.edit')}
                  </button>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      <p className="muted">
        <Link href="/admin/calendar">{t('courts.calendar')}</Link>
      </p>
      <div className="card">
        <h2>{t('courts.new')}</h2>
        <CourtForm onSave={(b) => save(null, b)} />
      </div>
    </main>
  );
}

function CourtForm({
  court,
  onSave,
  onCancel,
}: {
  court?: CourtRow;
  onSave: (b: Partial<CourtRow>) => Promise<boolean>;
  onCancel?: () => void;
}) {
  const { t } = useI18n();
  const [f, setF] = useState({
    code: court?.code ?? '',
    nameRu: court?.nameRu ?? '',
    nameKk: court?.nameKk ?? '',
    sla: String(court?.slaFirstResponseMin ?? 60),
    active: court?.active ?? true,
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: Partial<CourtRow> = { nameRu: f.nameRu.trim(), nameKk: f.nameKk.trim(), slaFirstResponseMin: Number(f.sla) };
    const ok = await onSave(court ? { ...body, active: f.active } : { ...body, code: f.code.trim() });
    if (ok && !court) setF({ code: '', nameRu: '', nameKk: '', sla: '60', active: true });
  };
  return (
    <form className="form-grid" onSubmit={(e) => void submit(e)}>
      {!court && (
        <label>
          {t('courts.code')}
          <input value={f.code} onChange={(e) => setF({ ...f, code: e.target.value })} required pattern="[a-z0-9\-]{2,40}" />
        </label>
      )}
      <label>
        {t('courts.nameRu')}
        <input value={f.nameRu} onChange={(e) => setF({ ...f, nameRu: e.target.value })} required maxLength={300} />
      </label>
      <label>
        {t('courts.nameKk')}
        <input value={f.nameKk} onChange={(e) => setF({ ...f, nameKk: e.target.value })} required maxLength={300} />
      </label>
      <label>
        {t('courts.sla')}
        <input type="number" min={1} max={10000} value={f.sla} onChange={(e) => setF({ ...f, sla: e.target.value })} required />
      </label>
      {court && (
        <label className="check">
          <input type="checkbox" checked={f.active} onChange={(e) => setF({ ...f, active: e.target.checked })} /> {t('courts.active')}
        </label>
      )}
      <button type="submit" className="primary">
        {court ? t('action.save') : t('courts.create')}
      </button>
      {onCancel && (
        <button type="button" onClick={onCancel}>
          {t('action.cancel')}
        </button>
      )}
    </form>
  );
}
