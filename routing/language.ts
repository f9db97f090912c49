// Language of a citizen's message, for auto-replies and routing: each word votes Kazakh or Russian (letters only
// Kazakh has, then common words, then endings), in Cyrillic, Kazakh Latin and Russian translit alike.
import type { Lang } from './scope/index.ts';
import { CODES, fold } from './scope/normalize.ts';

// Per character: 1 = a letter only Kazakh has (Cyrillic or Latin), 2 = a letter only Russian has, 4 = Cyrillic.
const CLASS = new Uint8Array(0x500);
for (const ch of 'әғқңөұүһі') CLASS[ch.codePointAt(0)!] = 1 | 4;
for (const ch of 'äöüğşıñūǵńóúýq') CLASS[ch.codePointAt(0)!] = 1;
for (const ch of 'абвгдежзийклмнопрстуфхцчшыьюяё') CLASS[ch.codePointAt(0)!] = 4;
for (const ch of 'ёщъэ') CLASS[ch.codePointAt(0)!] = 2 | 4;

/** A word's skeleton as `normalize` spells it, built with the same character table (no digraph fixes needed here). */
function skeletonOf(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const mapped = fold(word.charCodeAt(i));
    for (let k = 0; k < mapped.length; k++) if (mapped[k] !== out[out.length - 1]) out += mapped[k];
  }
  return out;
}

// Common words, compared as skeletons (see normalize.ts) so that "сот", "sot", "шешім" and "sheshim" all match.
const words = (list: string) => new Set(list.split(/\s+/).filter(Boolean).map(skeletonOf));
// Kazakh "не" (what) and "да" (also) are left out: Russian uses them far more often.
const KK_WORDS = words(
  `сот сотқа соттың сотта бар жоқ мен сен ол біз сіз маған менің сізге сіздер бола болады ма ме ба бе па пе
    керек туралы бойынша және бірақ емес қалай қайда қашан қандай қанша неге үшін сәлем сәлеметсіз рахмет рақмет
    осы сол мына деп де ғой ғана шешім шешімі шешімді шешімге шешімнің үкім үкімді іс ісім ісі істі талап арыз
    қаулы ұйғарым шағым шағымды апелляциялық кассациялық мерзімі мерзім келіспеймін келіспейміз сұраймын өтінемін
    қайта қарау қараңыздар жойыңыздар жою күшін берді келді алмай жатыр жатырмын айтыңыз беріңіз көшірмесі отырыс
    отырысы хатшы кеңсе қайырлы күн жақсы білгім келеді ала аламын алуға беру беремін салды соттады бізде сізде`,
);
const RU_WORDS = words(
  `и в во не на я что как где когда куда по с со суд суда суде судом судья решение решения решением решению приговор
    пожалуйста здравствуйте добрый день можно мне меня мой моя мое моему это за о об от до или но уже если для прошу
    хочу был была было дело делу дела делом вопрос подскажите скажите сколько почему кто какой какая какие нужно надо
    нет есть у вы вас вам ваш спасибо заседание заседания копия копию срок отменить отмените пересмотреть
    постановление определение жалоба жалобу согласен согласна незаконно незаконное несправедливо тоже очень только`,
);

// Endings that are strong cues in one language and rare in the other (on skeletons: і→i, ы→i, ң→n...).
const KK_ENDINGS =
  /(?:min|miz|piz|pin|niz|siz|lar|ler|dar|der|tar|ter|gan|gen|kan|ken|uga|uge|dan|den|tan|nan|nen|mun|dik|tik|gim|kim|shi|nin|nda|nde|ndi|ingiz|dagi|degi|adi|edi|idi)$/;
const RU_ENDINGS = /(?:enie|anie|ost|sia|ogo|ego|aia|iaia|uiu|iiu|ami|iami|ih|imi|ite|ete|aet|iat|ut|iu|oi|ii|ie|ia|ei|ov|ev|om|em)$/;
// Latin words vote Russian only on endings English does not have, so English stays 'unknown'.
const TRANSLIT_RU_ENDINGS = /(?:enie|enia|ania|ogo|iat|ite|ovat|aet|osti)$/;

function vote(skeleton: string, cls: number, tally: { kk: number; ru: number }): void {
  if (cls & 1) {
    tally.kk += 1;
    return;
  }
  const cyrillic = (cls & 4) !== 0;
  // Short function words ("и", "не", "ма") are frequent in both languages' code-switching: half a vote,
  // and none in Latin script, where "i", "a", "to" are more likely English.
  const weight = skeleton.length > 2 ? 1 : cyrillic ? 0.5 : 0;
  if (KK_WORDS.has(skeleton)) tally.kk += weight;
  else if (RU_WORDS.has(skeleton)) tally.ru += weight;
  else if (cls & 2) tally.ru += 1;
  else if (cyrillic) {
    // Unknown Cyrillic words still count by ending; Latin words without cues may be English and do not vote.
    if (skeleton.length < 4) return;
    if (KK_ENDINGS.test(skeleton)) tally.kk += 0.5;
    else if (RU_ENDINGS.test(skeleton)) tally.ru += 0.5;
  } else if (skeleton.length >= 5 && TRANSLIT_RU_ENDINGS.test(skeleton)) tally.ru += 0.5;
}

const word = Buffer.alloc(256);

/** 'kk' / 'ru' when one language dominates, 'mixed' when both are substantial, 'unknown' without evidence. */
export function detectLanguage(text: string): Lang {
  const lower = text.toLowerCase();
  // Latin words in a Cyrillic message are mostly names, brands and addresses ("Smart Sot", "office.sud.kz"):
  // they decide only when nothing is written in Cyrillic.
  const cyrillic = { kk: 0, ru: 0 };
  const latin = { kk: 0, ru: 0 };
  // One pass: each word's skeleton is built in `word` (as skeletonOf would spell it) together with its letter classes.
  let n = 0;
  let inWord = false;
  let cls = 0;
  for (let i = 0; i <= lower.length; i++) {
    const code = i < lower.length ? lower.charCodeAt(i) : 32;
    const mapped = code < 0x500 ? CODES[code] : null;
    const first = mapped && mapped.length ? mapped[0] : 0;
    const letter = mapped !== null && (mapped.length === 0 || first === 39 || (first >= 97 && first <= 122));
    if (letter) {
      inWord = true;
      cls |= CLASS[code];
      for (let k = 0; k < mapped.length && n < word.length; k++) if (n === 0 || word[n - 1] !== mapped[k]) word[n++] = mapped[k]!;
    } else if (inWord) {
      if (n > 0) vote(word.toString('latin1', 0, n), cls, cls & 4 ? cyrillic : latin);
      inWord = false;
      n = 0;
      cls = 0;
    }
  }
  const { kk, ru } = cyrillic.kk + cyrillic.ru >= 1 ? cyrillic : latin;
  const total = kk + ru;
  if (total < 1) return 'unknown';
  const minor = Math.min(kk, ru);
  if (minor >= 1.5 && minor / total >= 0.2) return 'mixed';
  return kk > ru ? 'kk' : 'ru';
}
