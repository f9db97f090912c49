// A ticket's topics: chips with a remove button, and a list to add an active topic. Each change sends the whole
// set (PUT /api/tickets/:id/topics), which the server audits; the answer is what the ticket now has. A change made
// in another console arrives as `topics.changed`; a reconnect reads the set again (events are not replayed).
import { useEffect, useRef, useState } from 'react';
import type { TopicRow } from '../../src/store/index.ts';
import { api } from './api.ts';
import { useI18n } from './i18n.tsx';
import { useLive, useServerEvent } from './realtime.tsx';
import { ErrorLine } from './ui.tsx';
import { useAction } from './util.ts';
import './topics.css';

export function TopicTags({ ticketId }: { ticketId: number }) {
  const { t, lang } = useI18n();
  const [all, setAll] = useState<TopicRow[]>([]);
  const [mine, setMine] = useState<TopicRow[] | null>(null);
  const { busy, error, run } = useAction();
  const { epoch } = useLive();
  // Sets seen since a load began (live, or this console's own): newer than what the load reads.
  const changes = useRef(0);
  const show = (topics: TopicRow[]) => {
    changes.current++;
    setMine(topics);
  };
  useServerEvent('topics.changed', (e) => {
    if (e.ticketId === ticketId) show(e.topics);
  });

  useEffect(() => setMine(null), [ticketId]);
  useEffect(() => {
    let current = true;
    const seen = changes.current;
    void run(async () => {
      const [list, own] = await Promise.all([
        api.get<{ items: TopicRow[] }>('/api/topics'),
        api.get<{ topics: TopicRow[] }>(`/api/tickets/${ticketId}/topics`),
      ]);
      if (!current) return;
      setAll(list.items);
      if (changes.current === seen) setMine(own.topics);
    });
    return () => {
      current = false;
    };
  }, [ticketId, epoch]);

  const nameOf = (x: TopicRow) => (lang === 'kk' ? x.nameKk : x.nameRu);
  const save = (ids: number[]) =>
    run(async () => show((await api.put<{ topics: TopicRow[] }>(`/api/tickets/${ticketId}/topics`, { topicIds: ids })).topics));

  if (mine === null) return <ErrorLine error={error} />;
  const chosen = new Set(mine.map((x) => x.id));
  const addable = all.filter((x) => x.active && !chosen.has(x.id));
  return (
    <div className="topic-tags" role="group" aria-label={t('topics.label')} data-topic-tags={ticketId}>
      {mine.length === 0 && <span className="muted">{t('topics.empty')}</span>}
      <ul className="chips">
        {mine.map((x) => (
          <li key={x.id} className="chip" data-topic={x.id}>
            {nameOf(x)}
            <button
              type="button"
              disabled={busy}
              onClick={() => void save(mine.filter((m) => m.id !== x.id).map((m) => m.id))}
              aria-label={t('topics.remove', { name: nameOf(x) })}
              title={t('topics.remove', { name: nameOf(x) })}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {addable.length > 0 && (
        <select
          aria-label={t('topics.choose')}
          value=""
          disabled={busy}
          onChange={(e) => {
            if (e.target.value) void save([...mine.map((m) => m.id), Number(e.target.value)]);
          }}
        >
          <option value="">{t('topics.choose')}</option>
          {addable.map((x) => (
            <option key={x.id} value={x.id}>
              {nameOf(x)}
            </option>
          ))}
        </select>
      )}
      <ErrorLine error={error} />
    </div>
  );
}
