// The readable lines phone events leave on a ticket, in the ticket's language. The console words call lines from
// the call itself (`ticket.calls`, by the message's id) in the interface language; these texts are what search,
// the list's last-message preview, exports and a console without that wording show.
import { formatLocal, type CourtCalendar } from '../routing/calendar/index.ts';

export type LineLang = 'ru' | 'kk';
export const lineLang = (language: string | null): LineLang => (language === 'kk' ? 'kk' : 'ru');

export type CallBackResult = 'answered' | 'no_answer' | 'busy' | 'operator_no_answer' | 'failed';

const T = {
  ru: {
    missed: 'Пропущенный звонок',
    abandoned: 'Гражданин не дождался ответа',
    rejected_off_hours: 'Звонок в нерабочее время',
    waited: 'ожидание',
    rung: 'звонили операторам',
    nobody: 'свободных операторов не было',
    min: 'мин',
    sec: 'с',
    callBack: 'Обратный звонок',
    answered: 'гражданин ответил',
    no_answer: 'гражданин не ответил',
    busy: 'занято',
    operator_no_answer: 'оператор не ответил',
    failed: 'дозвониться не удалось',
    retry: 'Не дозвонились, повторить',
    done: 'Обратный звонок выполнен',
  },
  kk: {
    missed: 'Жауапсыз қалған қоңырау',
    abandoned: 'Азамат жауап күтпей қоңырауды тастады',
    rejected_off_hours: 'Жұмыс уақытынан тыс қоңырау',
    waited: 'күтті',
    rung: 'қоңырау түскен операторлар',
    nobody: 'бос оператор болмады',
    min: 'мин',
    sec: 'сек',
    callBack: 'Кері қоңырау',
    answered: 'азамат жауап берді',
    no_answer: 'азамат жауап бермеді',
    busy: 'желі бос емес',
    operator_no_answer: 'оператор жауап бермеді',
    failed: 'хабарласу мүмкін болмады',
    retry: 'Хабарласа алмадық, қайта қоңырау шалу уақыты',
    done: 'Кері қоңырау орындалды',
  },
} as const;

/** `DD.MM.YYYY HH:MM` in the court's time. */
export function courtDateTime(cal: CourtCalendar, at: number): string {
  const { date, time } = formatLocal(cal, new Date(at));
  const [y, m, d] = date.split('-');
  return `${d}.${m}.${y} ${time}`;
}

function duration(lang: LineLang, ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)} ${T[lang].min} ${s % 60} ${T[lang].sec}` : `${s} ${T[lang].sec}`;
}

/** "Пропущенный звонок: +7701… (Ержан), 01.12.2026 10:00; ожидание 45 с; звонили операторам: А, Б". */
export function missedCallLine(
  lang: LineLang,
  f: {
    outcome: 'missed' | 'abandoned' | 'rejected_off_hours';
    number: string;
    contactName: string | null;
    when: string;
    waitedMs: number | null;
    rung: string[];
  },
): string {
  const t = T[lang];
  const who = f.contactName ? `${f.number} (${f.contactName})` : f.number;
  const parts = [`${t[f.outcome]}: ${who}, ${f.when}`];
  if (f.waitedMs !== null && f.outcome !== 'rejected_off_hours') parts.push(`${t.waited} ${duration(lang, f.waitedMs)}`);
  if (f.outcome !== 'rejected_off_hours') parts.push(f.rung.length ? `${t.rung}: ${f.rung.join(', ')}` : t.nobody);
  return parts.join('; ');
}

/** "Обратный звонок (Айгуль): гражданин не ответил". */
export function callBackLine(lang: LineLang, result: CallBackResult, operator: string | null): string {
  return `${T[lang].callBack}${operator ? ` (${operator})` : ''}: ${T[lang][result]}`;
}

export function retryLine(lang: LineLang, when: string): string {
  return `${T[lang].retry}: ${when}`;
}

export function doneLine(lang: LineLang): string {
  return T[lang].done;
}
