// "Why the filter decided so": the appeal filter's own verdict on the ticket's first message, its score, the cues
// that fired and the features that weighed most, so an operator can judge the verdict before overruling it.
// Features are shown as the filter sees them: the folded Latin skeleton of the citizen's words (React escapes them).
import type { ScopeExplanation as Explanation, TicketDetail } from './api.ts';
import { useI18n, type Key, type T } from './i18n.tsx';

/** The cue codes of routing/scope/cues.ts that have a label; a code added later is shown as it is. */
const CUES = [
  'disagrees-with-act',
  'disagrees',
  'asks-if-wrong',
  'asks-to-change-act',
  'asks-to-change',
  'asks-how-to-change-act',
  'lodges-complaint',
  'intends-to-appeal',
  'procedural-grievance',
  'not-contesting',
  'procedural-question',
  'contests-rhetorically',
  'hypothetical',
  'names-act',
  'other-object-present',
] as const;

const cueText = (t: T, code: string) => ((CUES as readonly string[]).includes(code) ? t(`cue.${code}` as Key) : code);

/** A feature's kind and its text: `c:` a piece of a word ("_" marks the word's edge), `w:` a word, `b:` two words, `r:` a cue. */
function feature(t: T, name: string): { kind: string; text: string } {
  const body = name.slice(2);
  switch (name.slice(0, 2)) {
    case 'c:':
      return { kind: t('why.kind.c'), text: `«${body.replace(/^_|_$/g, '').replaceAll('_', ' ')}»` };
    case 'w:':
      return { kind: t('why.kind.w'), text: `«${body}»` };
    case 'b:':
      return { kind: t('why.kind.b'), text: `«${body}»` };
    case 'r:':
      return { kind: t('why.kind.r'), text: cueText(t, body) };
    default:
      return { kind: '', text: name };
  }
}

/** Shown where the filter's verdict matters: filtered out, or with an appeal-like mark, or read as one. */
export function showsScopeExplanation(tk: TicketDetail): tk is TicketDetail & { scopeExplanation: Explanation } {
  const e = tk.scopeExplanation;
  return e !== null && (tk.status === 'out_of_scope' || tk.scopeFlagged || e.verdict === 'appeal' || e.flagged);
}

export function ScopeExplanation({ explanation: e, score }: { explanation: Explanation; score: number | null }) {
  const { t } = useI18n();
  return (
    <details className="scope-why" data-scope-why>
      <summary>{t('why.title')}</summary>
      <dl className="details">
        <dt>{t('why.verdict')}</dt>
        <dd>
          {t(`scope.${e.verdict}`)}
          {e.flagged && ` (${t('why.flagged')})`}
          {score !== null && ` · ${t('why.score')} ${score.toFixed(2)}`}
        </dd>
        <dt>{t('why.reasons')}</dt>
        <dd>{e.reasons.length ? e.reasons.map((r) => cueText(t, r)).join('; ') : t('why.noReasons')}</dd>
      </dl>
      {e.contributions.length > 0 && (
        <>
          <p className="muted">
            {t('why.features')} (↑ {t('why.up')}, ↓ {t('why.down')})
          </p>
          <ol className="scope-features">
            {e.contributions.map((c) => {
              const f = feature(t, c.feature);
              const up = c.weight > 0;
              return (
                <li key={c.feature} data-feature={c.feature}>
                  <span className={up ? 'up' : 'down'} aria-hidden="true">
                    {up ? '↑' : '↓'}
                  </span>
                  <span className="sr-only">{up ? t('why.up') : t('why.down')}</span> {f.text}{' '}
                  <span className="muted">
                    {f.kind && `${f.kind}, `}
                    {c.weight > 0 ? '+' : ''}
                    {c.weight.toFixed(2)}
                  </span>
                </li>
              );
            })}
          </ol>
          <p className="muted">{t('why.hint')}</p>
        </>
      )}
      <p className="muted">{t('why.model', { id: e.model })}</p>
    </details>
  );
}
