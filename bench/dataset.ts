// The synthetic helpdesk of bench/queries.ts: a seeded generator of contacts, tickets and messages shaped like
// the centre's (four courts, four channels, Kazakh, Russian and mixed texts, 96 % resolved, four years).
// Everything comes from one PRNG, so the same size gives the same database.

import { seededRandom } from '../src/random.ts';

/** The dataset's one generator (src/random.ts). */
export function prng(seed: number) {
  return seededRandom(seed);
}

/** The last moment of the data: Tuesday 2026-12-01 10:00 in Petropavl. */
export const DATA_END = Date.parse('2026-12-01T05:00:00Z');
export const DATA_SPAN_MS = 4 * 365 * 86_400_000;

const RU = (
  'суд решение дело иск заседание апелляция жалоба постановление штраф алименты развод имущество раздел наследство ' +
  'копия приговор адвокат истец ответчик судья канцелярия срок исполнение взыскание долг кредит банк договор аренда ' +
  'квартира земля участок работа увольнение зарплата пенсия пособие опека ребенок свидетель экспертиза ходатайство ' +
  'отложить перенести получить подать отменить обжаловать узнать когда сколько где почему помогите пожалуйста ' +
  'здравствуйте спасибо добрый день вопрос номер телефон адрес кабинет электронный подпись госпошлина оплата квитанция'
).split(' ');
const KK = (
  'сот шешім іс талап отырыс апелляция шағым қаулы айыппұл алимент ажырасу мүлік бөлу мұра көшірме үкім адвокат ' +
  'талапкер жауапкер судья кеңсе мерзім орындау өндіріп алу қарыз несие банк шарт жалға пәтер жер учаске жұмыс ' +
  'жалақы зейнетақы жәрдемақы қорғаншылық бала куәгер сараптама өтініш кейінге қалдыру алу беру жою білу қашан ' +
  'қанша қайда неге көмектесіңіз өтінемін сәлеметсіз бе рахмет қайырлы күн сұрақ нөмір телефон мекенжай кабинет ' +
  'электрондық қолтаңба мемлекеттік баж төлем түбіртек'
).split(' ');
const OPENERS = {
  ru: ['Здравствуйте,', 'Добрый день,', 'Подскажите,', 'Прошу помочь:', ''],
  kk: ['Сәлеметсіз бе,', 'Қайырлы күн,', 'Айтыңызшы,', 'Көмектесіңіз:', ''],
};
const REPLIES = {
  ru: ['Ваше обращение получено, ответим в рабочее время.', 'Решение будет изготовлено в течение пяти рабочих дней.'],
  kk: ['Өтінішіңіз қабылданды, жұмыс уақытында жауап береміз.', 'Шешім бес жұмыс күні ішінде дайындалады.'],
};
const FIRST = ['Ержан', 'Айгуль', 'Марат', 'Асель', 'Сергей', 'Ольга', 'Нурлан', 'Дина', 'Алексей', 'Гульнара', 'Бауыржан', 'Елена'];
const LAST = ['Ахметов', 'Серикова', 'Иванов', 'Жумабаева', 'Ким', 'Петрова', 'Касымов', 'Нуртаева', 'Смирнов', 'Омарова'];
const MOBILE = ['700', '701', '702', '705', '707', '708', '747', '771', '775', '776', '777', '778'];
export const CHANNELS = ['whatsapp', 'email', 'sip', 'web'] as const;

/** Words a search by text looks for: the last of each list, so in about 3 % of the messages of that language. */
export const SEARCH_WORDS = { ru: 'квитанция', kk: 'түбіртек' };

/** A contact's phone: unique per contact (7919 is prime to 10^7, so the multiplication is a bijection). */
export function phoneOf(contact: number): string {
  return `+7${MOBILE[contact % MOBILE.length]}${String((contact * 7919 + 12_345) % 10_000_000).padStart(7, '0')}`;
}
export const emailOf = (contact: number) => `user${contact}.${(contact * 31) % 997}@mail.kz`;
export const caseNumberOf = (ticket: number, court: number, year: number) =>
  `59${String(court).padStart(2, '0')}-${String(year % 100).padStart(2, '0')}-00-${1 + (ticket % 4)}/${ticket % 5000}`;

export type Lang = 'ru' | 'kk' | 'mixed';

/** A citizen's message of 6–22 words, Zipf-like over the word list so some words are common and some rare. */
export function citizenText(rand: () => number, lang: Lang): string {
  const n = 6 + Math.floor(rand() * 16);
  const words: string[] = [];
  for (let k = 0; k < n; k++) {
    const list = lang === 'ru' || (lang === 'mixed' && rand() < 0.5) ? RU : KK;
    words.push(list[Math.floor(list.length * rand() ** 2)]);
  }
  const opener = OPENERS[lang === 'kk' ? 'kk' : 'ru'][Math.floor(rand() * 5)];
  return `${opener} ${words.join(' ')}?`.trim();
}
export const operatorText = (rand: () => number, lang: Lang) => REPLIES[lang === 'kk' ? 'kk' : 'ru'][Math.floor(rand() * 2)];
export const nameOf = (rand: () => number) =>
  rand() < 0.6 ? `${FIRST[Math.floor(rand() * FIRST.length)]} ${LAST[Math.floor(rand() * LAST.length)]}` : null;
