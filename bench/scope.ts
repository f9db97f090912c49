// Mean time to classify a ~1,000-character message: long mixed-language messages (greetings, case details,
// signatures) around appeal and in-scope cores, so every lexicon is exercised on realistic lengths.
import { classifyScope } from '../routing/scope/index.ts';

const CORES = [
  'Не согласен с решением суда по делу о взыскании долга, судья не учел мои доказательства. Прошу отменить решение и пересмотреть дело.',
  'Шешімнің көшірмесін қалай алуға болады? Өзім бара алмаймын, поштамен жібересіздер ме?',
  'Сот шешімімен келіспеймін, қайта қарауды сұраймын, судья дұрыс шешім шығармады.',
  'Подскажите, какой срок подачи апелляционной жалобы и можно ли подать её через Судебный кабинет?',
  'sud nespravedlivo reshil delo, otmenite postanovlenie, ya nichego ne narushal',
  'Секретарь судьи третий день не берет трубку, невозможно дозвониться. Прошу принять меры.',
];
const FILLER =
  'Здравствуйте! Меня зовут Ахметова Гульнара Сериковна, проживаю в городе Петропавловск, улица Конституции, дом 15. ' +
  'Іс нөмірі 5999-25-00-2/417, отырыс өткен күні маусымның 3-і болатын. Телефон для связи: 8 701 442 19 63. ' +
  'Обращаюсь к вам повторно, так как в прошлый раз не получила ответа на электронную почту. Құрметпен, Гүлнара. ';

function messages(): string[] {
  return CORES.map((core, i) => {
    let text = i % 2 ? `${FILLER}${core} ` : `${core} ${FILLER}`;
    while (text.length < 1000) text += FILLER;
    return text.slice(0, 1000);
  });
}

export function benchScope(rounds = 2000): { per_msg_ms: number; n: number } {
  const texts = messages();
  for (let i = 0; i < 200; i++) classifyScope(texts[i % texts.length]!);
  const n = rounds * texts.length;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) classifyScope(texts[i % texts.length]!);
  return { per_msg_ms: Number(process.hrtime.bigint() - t0) / 1e6 / n, n };
}
