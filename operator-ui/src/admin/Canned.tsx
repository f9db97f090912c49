// Canned answers in Kazakh and Russian: list, add, edit, delete. {ref} and {name} are filled in by the composer.
import { api, type CannedRow } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { ActionTableHead, ErrorLine } from '../ui.tsx';
import { DraftForm, useListEditor } from './list-editor.tsx';

type Draft = { title: string; lang: 'kk' | 'ru'; text: string };
const empty: Draft = { title: '', lang: 'ru', text: '' };
const COLUMNS = ['canned.title', 'canned.lang', 'canned.text'] as const;

export function AdminCanned() {
  const { t } = useI18n();
  const { items, error, editing, setEditing, write } = useListEditor<CannedRow>('/api/canned');

  return (
    <main className="admin" aria-labelledby="canned-title">
      <h1 id="canned-title">{t('admin.canned')}</h1>
      <p className="muted">{t('canned.hint')}</p>
      <ErrorLine error={error} />
      {items && items.length === 0 && <p className="muted">{t('canned.none')}</p>}
      {items && items.length > 0 && (
        <table>
          <ActionTableHead columns={COLUMNS.map((k) => t(k))} />
          <tbody>
            {items.map((c) =>
              editing === c.id ? (
                <tr key={c.id}>
                  <td colSpan={COLUMNS.length + 1}>
                    <CannedForm
                      label={`${t('courts.edit')}: ${c.title}`}
                      initial={{ title: c.title, lang: c.lang, text: c.text }}
                      onSave={(d) => write(() => api.put(`/api/canned/${c.id}`, d))}
                      onCancel={() => setEditing(null)}
                    />
                  </td>
                </tr>
              ) : (
                <tr key={c.id}>
                  <td>{c.title}</td>
                  <td>{t(`lang.${c.lang}`)}</td>
                  <td className="pre">{c.text}</td>
                  <td className="row-actions">
                    <button type="button" onClick={() => setEditing(c.id)} aria-label={`${t('courts.edit')}: ${c.title}`}>
                      {t('courts.edit')}
                    </button>
                    <button
                      type="button"
                      onClick={() => void write(() => api.del(`/api/canned/${c.id}`))}
                      aria-label={`${t('canned.delete')}: ${c.title}`}
                    >
                      {t('canned.delete')}
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
      <div className="card">
        <h2 id="canned-new">{t('canned.new')}</h2>
        <CannedForm label={t('canned.new')} initial={empty} onSave={(d) => write(() => api.post('/api/canned', d))} />
      </div>
    </main>
  );
}

function CannedForm(props: { label: string; initial: Draft; onSave: (d: Draft) => Promise<boolean>; onCancel?: () => void }) {
  const { t } = useI18n();
  return (
    <DraftForm {...props} addLabel={t('canned.add')} clean={(d) => ({ title: d.title.trim(), lang: d.lang, text: d.text.trim() })}>
      {(d, setD) => (
        <>
          <label>
            {t('canned.title')}
            <input value={d.title} onChange={(e) => setD({ ...d, title: e.target.value })} required maxLength={200} />
          </label>
          <label>
            {t('canned.lang')}
            <select value={d.lang} onChange={(e) => setD({ ...d, lang: e.target.value as Draft['lang'] })}>
              <option value="ru">{t('lang.ru')}</option>
              <option value="kk">{t('lang.kk')}</option>
            </select>
          </label>
          <label className="wide">
            {t('canned.text')}
            <textarea value={d.text} onChange={(e) => setD({ ...d, text: e.target.value })} required maxLength={5000} rows={4} />
          </label>
        </>
      )}
    </DraftForm>
  );
}
