// Topics of requests, in Russian and Kazakh: list, add, rename, switch off / on, order. Topics are never deleted:
// tickets tagged with one keep it, and the reports count by it.
import { api } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { ActionTableHead, ErrorLine } from '../ui.tsx';
import { useFocusAfterRender } from '../util.ts';
import { DraftForm, useListEditor } from './list-editor.tsx';
import type { TopicRow } from '../../../src/store/index.ts';

type Draft = { nameRu: string; nameKk: string };
const empty: Draft = { nameRu: '', nameKk: '' };
const COLUMNS = ['topics.nameRu', 'topics.nameKk', 'topics.state'] as const;

export function AdminTopics() {
  const { t, lang } = useI18n();
  const { items, error, editing, setEditing, write } = useListEditor<TopicRow>('/api/topics');
  const focusLater = useFocusAfterRender();
  // The focus follows the moved topic (or its other arrow, once it reached an end), so it can be moved on by keyboard.
  const move = async (list: TopicRow[], i: number, by: -1 | 1) => {
    const ids = list.map((x) => x.id);
    [ids[i], ids[i + by]] = [ids[i + by], ids[i]];
    if (!(await write(() => api.put('/api/topics/order', { ids })))) return;
    const end = i + by === 0 || i + by === ids.length - 1;
    focusLater(`topic-${list[i].id}-${by < 0 !== end ? 'up' : 'down'}`);
  };
  const nameOf = (x: TopicRow) => (lang === 'kk' ? x.nameKk : x.nameRu);

  return (
    <main className="admin" aria-labelledby="topics-title">
      <h1 id="topics-title">{t('admin.topics')}</h1>
      <p className="muted">{t('topics.hint')}</p>
      <ErrorLine error={error} />
      {items && items.length === 0 && <p className="muted">{t('topics.none')}</p>}
      {items && items.length > 0 && (
        <table>
          <ActionTableHead columns={COLUMNS.map((k) => t(k))} />
          <tbody>
            {items.map((x, i) =>
              editing === x.id ? (
                <tr key={x.id}>
                  <td colSpan={COLUMNS.length + 1}>
                    <TopicForm
                      label={t('topics.editTitle', { name: nameOf(x) })}
                      initial={{ nameRu: x.nameRu, nameKk: x.nameKk }}
                      onSave={(d) => write(() => api.patch(`/api/topics/${x.id}`, d))}
                      onCancel={() => setEditing(null)}
                    />
                  </td>
                </tr>
              ) : (
                <tr key={x.id} data-topic={x.id} className={x.active ? undefined : 'inactive'}>
                  <td>{x.nameRu}</td>
                  <td>{x.nameKk}</td>
                  <td>{x.active ? t('topics.active') : t('topics.inactive')}</td>
                  <td className="row-actions">
                    <button type="button" onClick={() => setEditing(x.id)} aria-label={`${t('topics.edit')}: ${nameOf(x)}`}>
                      {t('topics.edit')}
                    </button>
                    <button
                      type="button"
                      onClick={() => void write(() => api.patch(`/api/topics/${x.id}`, { active: !x.active }))}
                      aria-label={`${x.active ? t('topics.disable') : t('topics.enable')}: ${nameOf(x)}`}
                    >
                      {x.active ? t('topics.disable') : t('topics.enable')}
                    </button>
                    <button
                      type="button"
                      id={`topic-${x.id}-up`}
                      disabled={i === 0}
                      onClick={() => void move(items, i, -1)}
                      aria-label={`${t('topics.up')}: ${nameOf(x)}`}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      id={`topic-${x.id}-down`}
                      disabled={i === items.length - 1}
                      onClick={() => void move(items, i, 1)}
                      aria-label={`${t('topics.down')}: ${nameOf(x)}`}
                    >
                      ↓
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      )}
      <div className="card">
        <h2>{t('topics.new')}</h2>
        <TopicForm label={t('topics.new')} initial={empty} onSave={(d) => write(() => api.post('/api/topics', d))} />
      </div>
    </main>
  );
}

function TopicForm(props: { label: string; initial: Draft; onSave: (d: Draft) => Promise<boolean>; onCancel?: () => void }) {
  const { t } = useI18n();
  return (
    <DraftForm {...props} addLabel={t('topics.add')} clean={(d) => ({ nameRu: d.nameRu.trim(), nameKk: d.nameKk.trim() })}>
      {(d, setD) => (
        <>
          <label>
            {t('topics.nameRu')}
            <input value={d.nameRu} onChange={(e) => setD({ ...d, nameRu: e.target.value })} required maxLength={200} lang="ru" />
          </label>
          <label>
            {t('topics.nameKk')}
            <input value={d.nameKk} onChange={(e) => setD({ ...d, nameKk: e.target.value })} required maxLength={200} lang="kk" />
          </label>
        </>
      )}
    </DraftForm>
  );
}
