// What the citizen reads: the survey question on each channel, the thanks, and the survey page, in Kazakh and
// Russian. A ticket in both languages (or an unknown one) is asked in both, Kazakh first.

export type SurveyLang = 'kk' | 'ru' | 'mixed';
type One = 'kk' | 'ru';

export function surveyLang(ticketLanguage: string | null): SurveyLang {
  return ticketLanguage === 'kk' || ticketLanguage === 'ru' ? ticketLanguage : 'mixed';
}

export const langsOf = (l: SurveyLang): One[] => (l === 'mixed' ? ['kk', 'ru'] : [l]);
const both = (l: SurveyLang, text: Record<One, string>) => langsOf(l).map((x) => text[x]);

export const SCORE_LABELS: Record<One, Record<1 | 2 | 3 | 4 | 5, string>> = {
  ru: { 1: 'очень плохо', 2: 'плохо', 3: 'удовлетворительно', 4: 'хорошо', 5: 'отлично' },
  kk: { 1: 'өте нашар', 2: 'нашар', 3: 'қанағаттанарлық', 4: 'жақсы', 5: 'өте жақсы' },
};

export function whatsappQuestion(l: SurveyLang, ref: string): string {
  return both(l, {
    kk: `${ref} өтінішіңізге берілген жауапты бағалаңызшы: 1-ден (өте нашар) 5-ке (өте жақсы) дейін бір цифр жіберіңіз.`,
    ru: `Оцените, пожалуйста, ответ на ваше обращение ${ref}: отправьте одну цифру от 1 (очень плохо) до 5 (отлично).`,
  }).join('\n\n');
}

export function whatsappThanks(l: SurveyLang, windowMin: number): string {
  return both(l, {
    kk: `Бағаңызға рахмет! Қаласаңыз, ${windowMin} минут ішінде пікіріңізді бір хабарламамен жазыңыз.`,
    ru: `Спасибо за оценку! Если хотите, напишите комментарий одним сообщением в течение ${windowMin} минут.`,
  }).join('\n\n');
}

/** The thanks for a rating by e-mail reply: as the page's (its link is spent by the rating). */
export function emailThanks(l: SurveyLang): string {
  return both(l, PAGE.thanks).join('\n\n');
}

/** The e-mail: one link a score (the page asks to confirm, so a mail scanner opening links rates nothing). */
export function emailQuestion(l: SurveyLang, ref: string, link: (score: number) => string): string {
  const scores = [5, 4, 3, 2, 1] as const;
  return both(l, {
    kk: [
      `${ref} өтінішіңізге берілген жауапты бағалаңызшы. Бағаны таңдаңыз:`,
      ...scores.map((s) => `${s} — ${SCORE_LABELS.kk[s]}: ${link(s)}`),
      'Немесе осы хатқа 1-ден 5-ке дейін бір цифрмен жауап беріңіз.',
    ].join('\n'),
    ru: [
      `Оцените, пожалуйста, ответ на ваше обращение ${ref}. Выберите оценку:`,
      ...scores.map((s) => `${s} — ${SCORE_LABELS.ru[s]}: ${link(s)}`),
      'Или ответьте на это письмо одной цифрой от 1 до 5.',
    ].join('\n'),
  }).join('\n\n');
}

export const PAGE = {
  title: { kk: 'Жауапты бағалау', ru: 'Оценка ответа' },
  ask: { kk: '{ref} өтінішіңізге берілген жауапты бағалаңыз', ru: 'Оцените ответ на ваше обращение {ref}' },
  comment: { kk: 'Пікір (міндетті емес)', ru: 'Комментарий (необязательно)' },
  submit: { kk: 'Жіберу', ru: 'Отправить' },
  thanks: { kk: 'Бағаңызға рахмет!', ru: 'Спасибо за оценку!' },
  forged: {
    kk: 'Сілтеме жарамсыз. Хаттағы сілтемені толық көшіріңіз.',
    ru: 'Ссылка недействительна. Скопируйте ссылку из письма полностью.',
  },
  expired: { kk: 'Бағалау мерзімі өтіп кетті.', ru: 'Срок для оценки истёк.' },
  used: { kk: 'Бұл жауап бағаланып қойған. Рахмет!', ru: 'Этот ответ уже оценён. Спасибо!' },
  invalid: { kk: '1-ден 5-ке дейін бағаны таңдаңыз.', ru: 'Выберите оценку от 1 до 5.' },
} as const;

export function pageText(l: SurveyLang, key: keyof typeof PAGE, ref = ''): string[] {
  return both(l, PAGE[key]).map((t) => t.replace('{ref}', ref));
}
