// The scope filter on ~1,000-character messages (greetings, case details, signatures around appeal and in-scope
// cores), against reading the hand-written cues alone (what the filter did before it had a model), measured in
// alternating rounds in the same run; and the time to load and check the model file, as at start-up.
import { readCues } from '../routing/scope/cues.ts';
import { classifyScope, useScopeModel } from '../routing/scope/index.ts';
import { normalize } from '../routing/scope/normalize.ts';

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
const ROUNDS = 10;

function messages(): string[] {
  return CORES.map((core, i) => {
    let text = i % 2 ? `${FILLER}${core} ` : `${core} ${FILLER}`;
    while (text.length < 1000) text += FILLER;
    return text.slice(0, 1000);
  });
}

function timeMs(n: number, texts: string[], run: (text: string) => unknown): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) run(texts[i % texts.length]);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export function benchScope(perRound = 1200): { per_msg_ms: number; cues_ms: number; ratio: number; load_ms: number; n: number } {
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    useScopeModel();
    loads.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const texts = messages();
  const filter = (t: string) => classifyScope(t);
  const cues = (t: string) => readCues(normalize(t));
  timeMs(200, texts, filter);
  timeMs(200, texts, cues);
  let filterMs = 0;
  let cuesMs = 0;
  for (let r = 0; r < ROUNDS; r++) {
    cuesMs += timeMs(perRound, texts, cues);
    filterMs += timeMs(perRound, texts, filter);
  }
  const n = ROUNDS * perRound;
  // The first load also compiles the modules' code paths; start-up pays it once, so the worst is reported.
  return { per_msg_ms: filterMs / n, cues_ms: cuesMs / n, ratio: filterMs / cuesMs, load_ms: Math.max(...loads), n };
}
