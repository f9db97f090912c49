// Which replies are a rating. The rule: the whole reply (an e-mail's new text, above the quoted original) is one
// score, 1–5 as a digit or a Russian or Kazakh number word ("5", "пять", "бес", "5/5", "5 из 5"), optionally with
// thanks ("5 спасибо", "рахмет, 4!"), punctuation and emoji. Anything more ("3 но у меня ещё вопрос…") is a
// message for the operators and goes through ingest as usual: a rating never swallows a question.

const SCORE_WORDS: Record<string, number> = {
  один: 1,
  одна: 1,
  единица: 1,
  два: 2,
  две: 2,
  двойка: 2,
  три: 3,
  тройка: 3,
  четыре: 4,
  четверка: 4,
  пять: 5,
  пятерка: 5,
  бір: 1,
  екі: 2,
  үш: 3,
  төрт: 4,
  бес: 5,
};

const THANKS = new Set([
  'спасибо',
  'спс',
  'благодарю',
  'большое',
  'огромное',
  'вам',
  'рахмет',
  'рақмет',
  'көп',
  'сізге',
  'алғыс',
  'thanks',
  'thank',
  'you',
]);

/** Six words of a rating with their blanks fit in far less. */
const RATING_MAX_CHARS = 200;

/** The score this reply gives, or null when it is not (only) a rating. */
export function parseRating(text: string): number | null {
  // A rating is a few words: a longer reply is a message, and is not worth taking apart.
  if (text.length > RATING_MAX_CHARS) return null;
  const words = text
    .toLowerCase()
    .replaceAll('ё', 'е')
    .replace(/\b([1-5])\s*(?:\/|из)\s*5\b/gu, '$1')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  if (words.length === 0 || words.length > 6) return null;
  let score: number | null = null;
  for (const w of words) {
    const s = /^[1-5]$/.test(w) ? Number(w) : SCORE_WORDS[w];
    if (s !== undefined) {
      if (score !== null) return null;
      score = s;
    } else if (!THANKS.has(w)) return null;
  }
  return score;
}

/** Where the quoted original or a signature starts in an e-mail reply ("> …", "On … wrote:", "-- "). */
const QUOTE_START =
  /^(>|-- ?$|-{3,}\s*(original|исходное|пересылаемое)|(on|le|am)\s.*(wrote|écrit|schrieb)\s*:?\s*$|.*(писал|пишет|написал|написала|жазды)\s*\(?а?\)?\s*:?\s*$)/i;

/** How much of a line is read for a quote's start: its first words say it. */
const QUOTE_HEAD = 200;

/** The new text of an e-mail reply, without what it quotes. A line's head is tested with its runs of blanks made
 * one: QUOTE_START's optional blanks around optional marks backtrack polynomially over a long run (a line of
 * "…писал", 5,000 spaces and a letter took 19 s). */
export function replyBody(text: string): string {
  const lines = text.split(/\r?\n/);
  const end = lines.findIndex((l) => QUOTE_START.test(l.trim().slice(0, QUOTE_HEAD).replace(/\s+/g, ' ').trim()));
  return (end === -1 ? lines : lines.slice(0, end)).join('\n').trim();
}
