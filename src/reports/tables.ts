// The report's tables, as the exports (and later the page) show them: each a title and columns in Russian and
// Kazakh and rows of the summary's figures. Built from the summary only, so a table says what the screen says.
import type { ReportSummary } from './index.ts';

export type Lang = 'ru' | 'kk';
export type Text = Record<Lang, string>;
export type Cell = string | number | null;
/**
 * What a column's numbers are, for the XLSX export's cell formats: a count, working minutes, a share (0–1), a mean
 * score, or a local date (text `YYYY-MM-DD` in the court's time zone). A column without one holds counts or text.
 */
export type CellKind = 'count' | 'minutes' | 'share' | 'mean' | 'date';
export type Column = Text & { kind?: CellKind };

export interface ReportTable {
  key: TableKey;
  title: Text;
  columns: Column[];
  rows: Cell[][];
  /** Per row, the kind of its numbers where it depends on the row, not the column (the overview's values). */
  rowKinds?: (CellKind | undefined)[];
}

export const TABLE_KEYS = ['overview', 'days', 'channels', 'courts', 'operators', 'specialists', 'languages', 'arrivals'] as const;
export type TableKey = (typeof TABLE_KEYS)[number];

/** Every column's header, defined once: the exports' tables and the monthly summary's sheets share them. */
export const T = {
  figure: { ru: 'Показатель', kk: 'Көрсеткіш' },
  value: { ru: 'Значение', kk: 'Мәні' },
  date: { ru: 'Дата', kk: 'Күні', kind: 'date' },
  channel: { ru: 'Канал', kk: 'Арна' },
  court: { ru: 'Суд', kk: 'Сот' },
  operator: { ru: 'Оператор', kk: 'Оператор' },
  specialist: { ru: 'Специалист', kk: 'Маман' },
  language: { ru: 'Язык', kk: 'Тіл' },
  weekday: { ru: 'День недели', kk: 'Апта күні' },
  received: { ru: 'Поступило обращений', kk: 'Түскен өтініштер' },
  frCount: { ru: 'Получили первый ответ', kk: 'Алғашқы жауап алғаны' },
  frMedian: { ru: 'Первый ответ, медиана (мин рабочего времени)', kk: 'Алғашқы жауап, медиана (жұмыс уақытының минуты)', kind: 'minutes' },
  frP90: { ru: 'Первый ответ, 90-й процентиль (мин)', kk: 'Алғашқы жауап, 90-процентиль (мин)', kind: 'minutes' },
  within: { ru: 'Доля ответов в пределах норматива', kk: 'Норматив шегіндегі жауаптар үлесі', kind: 'share' },
  resMedian: { ru: 'Решение, медиана (мин рабочего времени)', kk: 'Шешу, медиана (жұмыс уақытының минуты)', kind: 'minutes' },
  resP90: { ru: 'Решение, 90-й процентиль (мин)', kk: 'Шешу, 90-процентиль (мин)', kind: 'minutes' },
  breaches: { ru: 'Нарушения срока ответа', kk: 'Жауап беру мерзімінің бұзылуы' },
  offHours: { ru: 'Доля вне рабочего времени', kk: 'Жұмыс уақытынан тыс үлесі', kind: 'share' },
  backlog: { ru: 'Остаток на конец дня', kk: 'Күн соңындағы қалдық' },
  escalations: { ru: 'Передано специалистам', kk: 'Мамандарға берілгені' },
  pickupMedian: { ru: 'Время до принятия, медиана (мин)', kk: 'Қабылдауға дейінгі уақыт, медиана (мин)', kind: 'minutes' },
  answerMedian: { ru: 'Время до ответа, медиана (мин)', kk: 'Жауапқа дейінгі уақыт, медиана (мин)', kind: 'minutes' },
  outOfScope: { ru: 'Доля вне компетенции', kk: 'Құзыреттен тыс үлесі', kind: 'share' },
  overruled: { ru: 'Возвращено операторами в работу', kk: 'Операторлар жұмысқа қайтарғаны' },
  missed: { ru: 'Пропущенные звонки', kk: 'Өткізіп алынған қоңыраулар' },
  calledBack: { ru: 'Перезвонили', kk: 'Кері қоңырау шалынғаны' },
  overdue: { ru: 'Перезвон просрочен', kk: 'Кері қоңырау мерзімі өткен' },
  ratingMean: { ru: 'Средняя оценка граждан', kk: 'Азаматтардың орташа бағасы', kind: 'mean' },
  rated: { ru: 'Оценок', kk: 'Бағалар саны' },
  unassigned: { ru: 'Не назначен', kk: 'Тағайындалмаған' },
} satisfies Record<string, Column>;

const WEEKDAYS: Text[] = [
  { ru: 'Пн', kk: 'Дс' },
  { ru: 'Вт', kk: 'Сс' },
  { ru: 'Ср', kk: 'Ср' },
  { ru: 'Чт', kk: 'Бс' },
  { ru: 'Пт', kk: 'Жм' },
  { ru: 'Сб', kk: 'Сн' },
  { ru: 'Вс', kk: 'Жс' },
];

/** A court's or a topic's name in the report's language. */
export const nameIn = (lang: Lang, r: { nameRu: string; nameKk: string }): string => (lang === 'kk' ? r.nameKk : r.nameRu);

/** The channels the period's days received on, sorted: a column each in the tables of days. */
export const dayChannels = (s: ReportSummary): string[] => [...new Set(s.days.flatMap((d) => Object.keys(d.byChannel)))].sort();
/** Columns headed by the channels' own names (the same in both languages). */
export const channelColumns = (channels: string[]): Column[] => channels.map((c) => ({ ru: c, kk: c }));
/** A day's date, its tickets received and those of each channel. */
export const dayCells = (d: ReportSummary['days'][number], channels: string[]): Cell[] => [
  d.date,
  d.received,
  ...channels.map((c) => d.byChannel[c] ?? 0),
];

/** A figure-and-value table: each row's label carries the kind of its number. */
export function figureTable(rows: [Column, Cell][], lang: Lang) {
  return { columns: [T.figure, T.value], rows: rows.map(([c, v]) => [c[lang], v]), rowKinds: rows.map(([c]) => c.kind) };
}

type Figures = ReportSummary['tickets'];
const FIGURE_COLUMNS: Column[] = [T.received, T.frMedian, T.frP90, T.within, T.resMedian, T.breaches, T.offHours];
const figureCells = (f: Figures): Cell[] => [
  f.received,
  f.firstResponse.medianMin,
  f.firstResponse.p90Min,
  f.firstResponse.withinLimitShare,
  f.resolution.medianMin,
  f.slaBreaches.count,
  f.offHours.share,
];

/** Every table of a summary, as the CSV and XLSX exports offer them. */
export function reportTables(s: ReportSummary, lang: Lang): ReportTable[] {
  const channels = dayChannels(s);
  const overview: [Column, Cell][] = [
    [T.received, s.tickets.received],
    [T.frCount, s.tickets.firstResponse.count],
    [T.frMedian, s.tickets.firstResponse.medianMin],
    [T.frP90, s.tickets.firstResponse.p90Min],
    [T.within, s.tickets.firstResponse.withinLimitShare],
    [T.resMedian, s.tickets.resolution.medianMin],
    [T.resP90, s.tickets.resolution.p90Min],
    [T.breaches, s.tickets.slaBreaches.count],
    [T.offHours, s.tickets.offHours.share],
    [T.escalations, s.escalations.count],
    [T.pickupMedian, s.escalations.pickup.medianMin],
    [T.answerMedian, s.escalations.answer.medianMin],
    [T.outOfScope, s.scope.outOfScopeShare],
    [T.overruled, s.scope.overruled],
    [T.missed, s.calls.missed],
    [T.calledBack, s.calls.calledBack],
    [T.overdue, s.calls.overdue],
    ...(s.ratings
      ? ([
          [T.ratingMean, s.ratings.mean],
          [T.rated, s.ratings.rated],
        ] as [Column, Cell][])
      : []),
  ];
  return [
    {
      key: 'overview',
      title: { ru: 'Сводка', kk: 'Жиынтық' },
      ...figureTable(overview, lang),
    },
    {
      key: 'days',
      title: { ru: 'По дням', kk: 'Күндер бойынша' },
      columns: [T.date, T.received, ...channelColumns(channels), T.backlog],
      rows: s.days.map((d) => [...dayCells(d, channels), d.backlog]),
    },
    {
      key: 'channels',
      title: { ru: 'По каналам', kk: 'Арналар бойынша' },
      columns: [T.channel, ...FIGURE_COLUMNS],
      rows: s.byChannel.map((c) => [c.channel, ...figureCells(c)]),
    },
    {
      key: 'courts',
      title: { ru: 'По судам', kk: 'Соттар бойынша' },
      columns: [T.court, ...FIGURE_COLUMNS],
      rows: s.byCourt.map((c) => [nameIn(lang, c), ...figureCells(c)]),
    },
    {
      key: 'operators',
      title: { ru: 'По операторам', kk: 'Операторлар бойынша' },
      columns: [T.operator, ...FIGURE_COLUMNS],
      rows: s.byOperator.map((o) => [o.name ?? T.unassigned[lang], ...figureCells(o)]),
    },
    {
      key: 'specialists',
      title: { ru: 'Специалисты', kk: 'Мамандар' },
      columns: [T.specialist, T.escalations, T.pickupMedian, T.answerMedian],
      rows: s.escalations.bySpecialist.map((e) => [e.name, e.count, e.pickup.medianMin, e.answer.medianMin]),
    },
    {
      key: 'languages',
      title: { ru: 'Языки', kk: 'Тілдер' },
      columns: [T.language, T.received],
      rows: Object.entries(s.tickets.languages).map(([l, n]) => [l, n]),
    },
    {
      key: 'arrivals',
      title: { ru: 'Поступление по часам', kk: 'Сағат бойынша түсуі' },
      columns: [T.weekday, ...Array.from({ length: 24 }, (_, h) => ({ ru: String(h).padStart(2, '0'), kk: String(h).padStart(2, '0') }))],
      rows: s.arrivals.map((hours, d) => [WEEKDAYS[d][lang], ...hours]),
    },
  ];
}

/**
 * CSV for Excel as the courts have it (Russian or Kazakh regional settings): UTF-8 with a byte-order mark so
 * Cyrillic opens as such, `;` between fields and a decimal comma, fields quoted when they need it.
 */
export function toCsv(table: ReportTable, lang: Lang): string {
  const field = (c: Cell): string => {
    if (c === null) return '';
    // Text Excel would take for a formula (a name typed as "=…") is kept text.
    const s = typeof c === 'number' ? String(c).replace('.', ',') : /^[=+\-@\t\r]/.test(c) ? `'${c}` : c;
    return /[";\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [table.columns.map((c) => field(c[lang])), ...table.rows.map((r) => r.map(field))].map((r) => r.join(';'));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
