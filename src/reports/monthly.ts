// The monthly summary of one court: one sheet a section (volume, response times, reply-by limit, backlog,
// escalations, out of scope, calls, off hours and languages, ratings, topics) in Russian or Kazakh, each under a
// title with the court's name and the month. Every number is the report summary's (index.ts) or the topic counts'
// (store.countTicketsByTopic): nothing is defined here, only laid out; headers shared with the exports are tables.ts's.
import type { CourtRow } from '../store/courts.ts';
import type { TopicCount, TopicRow } from '../store/topics.ts';
import type { ReportSummary } from './index.ts';
import { channelColumns, dayCells, dayChannels, figureTable, nameIn, T, type Cell, type Column, type Lang, type Text } from './tables.ts';
import type { SheetSpec } from './xlsx.ts';

const MONTHS: Text[] = [
  { ru: 'январь', kk: 'қаңтар' },
  { ru: 'февраль', kk: 'ақпан' },
  { ru: 'март', kk: 'наурыз' },
  { ru: 'апрель', kk: 'сәуір' },
  { ru: 'май', kk: 'мамыр' },
  { ru: 'июнь', kk: 'маусым' },
  { ru: 'июль', kk: 'шілде' },
  { ru: 'август', kk: 'тамыз' },
  { ru: 'сентябрь', kk: 'қыркүйек' },
  { ru: 'октябрь', kk: 'қазан' },
  { ru: 'ноябрь', kk: 'қараша' },
  { ru: 'декабрь', kk: 'желтоқсан' },
];

/** The sections' sheet names (at most 31 characters: Excel's limit). */
const SHEETS = {
  volume: { ru: 'Обращения', kk: 'Өтініштер' },
  response: { ru: 'Время ответа', kk: 'Жауап беру уақыты' },
  limit: { ru: 'Соблюдение сроков', kk: 'Мерзімдердің сақталуы' },
  backlog: { ru: 'Остаток', kk: 'Қалдық' },
  escalations: { ru: 'Передача специалистам', kk: 'Мамандарға беру' },
  scope: { ru: 'Вне компетенции', kk: 'Құзыреттен тыс' },
  calls: { ru: 'Звонки и перезвоны', kk: 'Қоңыраулар мен кері қоңыраулар' },
  offHours: { ru: 'Нерабочее время и языки', kk: 'Жұмыстан тыс уақыт және тілдер' },
  ratings: { ru: 'Оценки граждан', kk: 'Азаматтардың бағалары' },
  topics: { ru: 'Темы обращений', kk: 'Өтініш тақырыптары' },
} satisfies Record<string, Text>;

/** The monthly summary's own labels; the rest are the exports' (tables.ts T). */
const M = {
  total: { ru: 'Итого', kk: 'Барлығы' },
  allChannels: { ru: 'Все каналы', kk: 'Барлық арналар' },
  allSpecialists: { ru: 'Все специалисты', kk: 'Барлық мамандар' },
  resolved: { ru: 'Решено обращений', kk: 'Шешілген өтініштер' },
  limit: { ru: 'Норматив первого ответа (мин рабочего времени)', kk: 'Алғашқы жауап нормативі (жұмыс уақытының минуты)', kind: 'minutes' },
  withinCount: { ru: 'Ответ в пределах норматива', kk: 'Норматив шегінде жауап берілгені' },
  overCount: { ru: 'Ответ сверх норматива или нет ответа', kk: 'Нормативтен кеш жауап берілгені немесе жауапсыз' },
  breachShare: { ru: 'Доля нарушений срока ответа', kk: 'Жауап беру мерзімі бұзылуының үлесі', kind: 'share' },
  answered: { ru: 'Ответил специалист', kk: 'Маман жауап берді' },
  returned: { ru: 'Возвращено без ответа', kk: 'Жауапсыз қайтарылды' },
  passed: { ru: 'Передано другому специалисту', kk: 'Басқа маманға берілді' },
  open: { ru: 'У специалиста', kk: 'Маманда' },
  pickupP90: { ru: 'Время до принятия, 90-й процентиль (мин)', kk: 'Қабылдауға дейінгі уақыт, 90-процентиль (мин)', kind: 'minutes' },
  answerP90: { ru: 'Время до ответа, 90-й процентиль (мин)', kk: 'Жауапқа дейінгі уақыт, 90-процентиль (мин)', kind: 'minutes' },
  outOfScopeCount: { ru: 'Вне компетенции', kk: 'Құзыреттен тыс' },
  filtered: { ru: 'Отсеяно фильтром', kk: 'Сүзгі іріктеп тастағаны' },
  overruledShare: { ru: 'Доля возвращённых из отсеянных', kk: 'Іріктелгендерден қайтарылғанның үлесі', kind: 'share' },
  marked: { ru: 'Отмечено операторами как вне компетенции', kk: 'Операторлар құзыреттен тыс деп белгілегені' },
  calledBackInTime: { ru: 'Перезвонили в срок', kk: 'Мерзімінде кері қоңырау шалынғаны' },
  pending: { ru: 'Ждут перезвона (срок не истёк)', kk: 'Кері қоңырауды күтуде (мерзімі өтпеген)' },
  calledBackShare: { ru: 'Доля перезвонов', kk: 'Кері қоңырау шалынғанының үлесі', kind: 'share' },
  offHoursCount: { ru: 'Поступило вне рабочего времени', kk: 'Жұмыс уақытынан тыс түскені' },
  language: { ru: 'Язык обращения', kk: 'Өтініш тілі' },
  sent: { ru: 'Отправлено опросов', kk: 'Жіберілген сауалнамалар' },
  topic: { ru: 'Тема', kk: 'Тақырып' },
} satisfies Record<string, Column>;

const LANGUAGES: Record<string, Text> = {
  ru: { ru: 'русский', kk: 'орыс тілі' },
  kk: { ru: 'казахский', kk: 'қазақ тілі' },
  en: { ru: 'английский', kk: 'ағылшын тілі' },
  unknown: { ru: 'не определён', kk: 'анықталмаған' },
};

export interface MonthlyInput {
  summary: ReportSummary;
  court: Pick<CourtRow, 'nameRu' | 'nameKk' | 'slaFirstResponseMin'>;
  /** YYYY-MM */
  month: string;
  /** Every topic (admins' order) and the month's ticket counts per topic. */
  topics: TopicRow[];
  topicCounts: TopicCount[];
}

/** "Суд — декабрь 2026" / "Сот — 2026 жылғы желтоқсан". */
export function monthlyTitle(court: Pick<CourtRow, 'nameRu' | 'nameKk'>, month: string, lang: Lang): string {
  const [year, m] = month.split('-').map(Number);
  const name = MONTHS[m - 1][lang];
  return `${nameIn(lang, court)} — ${lang === 'kk' ? `${year} жылғы ${name}` : `${name} ${year}`}`;
}

/** A figure-and-value section under its title. */
function figureSheet(title: Text, rows: [Column, Cell][], lang: Lang) {
  return { title, ...figureTable(rows, lang) };
}

/** The monthly summary's sheets, in order. */
export function monthlySheets({ summary: s, court, month, topics, topicCounts }: MonthlyInput, lang: Lang): SheetSpec[] {
  const title = monthlyTitle(court, month, lang);
  const channels = dayChannels(s);
  const esc = s.escalations;
  const escalationRow = (name: string, e: Omit<typeof esc, 'bySpecialist'>): Cell[] => [
    name,
    e.count,
    e.byStatus.answered,
    e.byStatus.returned,
    e.byStatus.passed,
    e.byStatus.open,
    e.pickup.medianMin,
    e.pickup.p90Min,
    e.answer.medianMin,
    e.answer.p90Min,
  ];
  const responseRow = (name: string, f: ReportSummary['tickets']): Cell[] => [
    name,
    f.firstResponse.count,
    f.firstResponse.medianMin,
    f.firstResponse.p90Min,
    f.firstResponse.withinLimitShare,
    f.resolution.count,
    f.resolution.medianMin,
    f.resolution.p90Min,
  ];
  const counts = new Map(topicCounts.map((c) => [c.topicId, c.tickets]));
  const ratings = s.ratings;
  const tables: SheetSpec['table'][] = [
    {
      title: SHEETS.volume,
      columns: [T.date, T.received, ...channelColumns(channels)],
      rows: [
        ...s.days.map((d) => dayCells(d, channels)),
        [M.total[lang], s.tickets.received, ...channels.map((c) => s.tickets.byChannel[c] ?? 0)],
      ],
    },
    {
      title: SHEETS.response,
      columns: [T.channel, T.frCount, T.frMedian, T.frP90, T.within, M.resolved, T.resMedian, T.resP90],
      rows: [responseRow(M.allChannels[lang], s.tickets), ...s.byChannel.map((c) => responseRow(c.channel, c))],
    },
    figureSheet(
      SHEETS.limit,
      [
        [M.limit, court.slaFirstResponseMin],
        [M.withinCount, s.tickets.firstResponse.withinLimit],
        [M.overCount, s.tickets.firstResponse.overLimit],
        [T.within, s.tickets.firstResponse.withinLimitShare],
        [T.breaches, s.tickets.slaBreaches.count],
        [M.breachShare, s.tickets.slaBreaches.share],
      ],
      lang,
    ),
    { title: SHEETS.backlog, columns: [T.date, T.backlog], rows: s.days.map((d) => [d.date, d.backlog]) },
    {
      title: SHEETS.escalations,
      columns: [
        T.specialist,
        T.escalations,
        M.answered,
        M.returned,
        M.passed,
        M.open,
        T.pickupMedian,
        M.pickupP90,
        T.answerMedian,
        M.answerP90,
      ],
      rows: [escalationRow(M.allSpecialists[lang], esc), ...esc.bySpecialist.map((e) => escalationRow(e.name ?? '—', e))],
    },
    figureSheet(
      SHEETS.scope,
      [
        [T.received, s.scope.received],
        [M.outOfScopeCount, s.scope.outOfScope],
        [T.outOfScope, s.scope.outOfScopeShare],
        [M.filtered, s.scope.filtered],
        [T.overruled, s.scope.overruled],
        [M.overruledShare, s.scope.overruledShare],
        [M.marked, s.scope.markedAppeal],
      ],
      lang,
    ),
    figureSheet(
      SHEETS.calls,
      [
        [T.missed, s.calls.missed],
        [T.calledBack, s.calls.calledBack],
        [M.calledBackInTime, s.calls.calledBackInTime],
        [T.overdue, s.calls.overdue],
        [M.pending, s.calls.pending],
        [M.calledBackShare, s.calls.calledBackShare],
      ],
      lang,
    ),
    figureSheet(
      SHEETS.offHours,
      [
        [T.received, s.tickets.received],
        [M.offHoursCount, s.tickets.offHours.count],
        [T.offHours, s.tickets.offHours.share],
        ...Object.entries(s.tickets.languages).map(([l, n]): [Column, Cell] => [
          { ru: `${M.language.ru}: ${LANGUAGES[l]?.ru ?? l}`, kk: `${M.language.kk}: ${LANGUAGES[l]?.kk ?? l}` },
          n,
        ]),
      ],
      lang,
    ),
    // Never null here: the monthly summary is of every channel.
    figureSheet(
      SHEETS.ratings,
      ratings
        ? [
            [M.sent, ratings.sent],
            [T.rated, ratings.rated],
            [T.ratingMean, ratings.mean],
            ...([5, 4, 3, 2, 1] as const).map((n): [Column, Cell] => [{ ru: `Оценка «${n}»`, kk: `«${n}» бағасы` }, ratings.counts[n]]),
          ]
        : [],
      lang,
    ),
    {
      title: SHEETS.topics,
      columns: [M.topic, T.received],
      // The admins' list in its order: switched-off topics only where the month has tickets of them.
      rows: topics.filter((t) => t.active || counts.has(t.id)).map((t) => [nameIn(lang, t), counts.get(t.id) ?? 0]),
    },
  ];
  return tables.map((table) => ({ table, title }));
}
