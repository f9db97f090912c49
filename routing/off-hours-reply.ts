// The automatic answer to a citizen who writes outside working time: received, registered, when we open.
import type { IsoDate } from './calendar/index.ts';

function ddmmyyyy(date: IsoDate): string {
  const [y, m, d] = date.split('-');
  return `${d}.${m}.${y}`;
}

export function offHoursReply(lang: 'kk' | 'ru' | 'mixed' | 'unknown', ref: string, opensAt: { date: IsoDate; time: string }): string {
  const date = ddmmyyyy(opensAt.date);
  const kk =
    `Сәлеметсіз бе! Өтінішіңіз қабылданып, ${ref} нөмірімен тіркелді. ` +
    `Ақпараттық орталық жұмыс күндері жұмыс істейді. ` +
    `Орталық ${date} күні, сағат ${opensAt.time} (Астана уақыты бойынша) жұмысын қайта бастайды, сол кезде маманымыз өтінішіңізді қарайды. ` +
    `Күткеніңіз үшін рақмет!`;
  const ru =
    `Здравствуйте! Ваше обращение получено и зарегистрировано под номером ${ref}. ` +
    `Информационный центр работает в рабочие дни. ` +
    `Центр возобновит работу ${date} в ${opensAt.time} (по времени Астаны), и специалист рассмотрит ваше обращение. ` +
    `Благодарим за ожидание!`;
  if (lang === 'kk') return kk;
  if (lang === 'ru') return ru;
  return `${kk}\n\n${ru}`;
}
