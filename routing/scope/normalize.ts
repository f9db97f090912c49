// Folds Russian, Kazakh (Cyrillic, 2017/2018/2021 Latin, informal ASCII) and Russian translit onto one ASCII
// skeleton, so a single lexicon covers "решение", "reshenie", "шешім", "şeşım" and "sheshim" alike.
// Kazakh letters fold onto their usual substitutes (ә→a, қ→k, ң→n, ө→o, ұ/ү→u, і→i...), i/y/ы/й merge,
// hard/soft signs vanish, runs of one letter collapse ("отмениииите" = "отмените"), digit runs become "0",
// and sentence punctuation survives as the tokens "?", "!" and "." (",", ";" and ":" become ",").

const TABLE = new Array<string | undefined>(0x500);
const HIGH = new Map<number, string>();

function set(chars: string, to: string): void {
  for (const ch of chars) {
    const code = ch.codePointAt(0)!;
    if (code < TABLE.length) TABLE[code] = to;
    else HIGH.set(code, to);
  }
}

// Cyrillic (Russian + Kazakh) to the skeleton.
set('аә', 'a');
set('б', 'b');
set('в', 'v');
set('гғ', 'g');
set('д', 'd');
set('еёэ', 'e');
set('ж', 'zh');
set('з', 'z');
set('ийіыї', 'i');
set('кқ', 'k');
set('л', 'l');
set('м', 'm');
set('нң', 'n');
set('оө', 'o');
set('п', 'p');
set('р', 'r');
set('с', 's');
set('т', 't');
set('уұүў', 'u');
set('ф', 'f');
set('хһ', 'h');
set('ц', 'c');
set('ч', 'ch');
set('шщ', 'sh');
set('ъь', '');
set('ю', 'iu');
set('я', 'ia');
set('є', 'e');
// Latin: plain letters, the Kazakh 2018 acute and 2021 diacritic alphabets, Turkish-style letters.
for (let c = 97; c <= 122; c++) TABLE[c] = String.fromCharCode(c);
set('y', 'i');
set('j', 'zh');
set('q', 'k');
set('x', 'h');
set('w', 'v');
set('äáàâ', 'a');
set('öóô', 'o');
set('üūúùûýŭ', 'u');
set('ğǵ', 'g');
set('şś', 'sh');
set('çć', 'ch');
set('ñń', 'n');
set('ıíìî', 'i');
set('éèê', 'e');
set('ž', 'zh');
set('č', 'ch');
set('0123456789', '0');
set('?', '?');
set('!', '!');
set('.\n\r', '.');
set(',;:', ',');
// Apostrophes mark the 2017 Kazakh Latin (s' = ш, c' = ч, a' = ә) and are otherwise noise.
set("'’`ʼ", "'");

/** The skeleton of one character (lowercase input): letters, "0" for a digit, punctuation marks, or " ". */
export function fold(code: number): string {
  return (code < 0x500 ? TABLE[code] : HIGH.get(code)) ?? ' ';
}

// The same table as byte codes (for code points below 0x500), and one output buffer reused by every call.
export const CODES: Uint8Array[] = Array.from({ length: 0x500 }, (_, c) => Buffer.from(fold(c), 'latin1'));
const PUNCT = new Uint8Array(128);
for (const ch of '?!.,0') PUNCT[ch.charCodeAt(0)] = 1;
const HIGH_CODES = new Map([...HIGH].map(([code, to]) => [code, Buffer.from(to, 'latin1')]));
const BLANK = Buffer.from(' ');
const SPACE = 32;
let buffer = Buffer.alloc(4096);

const KH = /kh/g;
const TS = /ts/g;
const APOS_SH = /s'/g;
const APOS_CH = /c'/g;
const APOS = /'/g;
const REPEAT = /([a-z])\1+/g;

/** The skeleton of `text`: lowercase ASCII words and the tokens "0", "?", "!", ".", "," between single spaces. */
export function normalize(text: string): string {
  const lower = text.toLowerCase();
  if (buffer.length < lower.length * 4 + 2) buffer = Buffer.alloc(lower.length * 4 + 2);
  const out = buffer;
  let n = 0;
  let last = SPACE;
  out[n++] = SPACE;
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    const mapped = code < 0x500 ? CODES[code] : (HIGH_CODES.get(code) ?? BLANK);
    for (let k = 0; k < mapped.length; k++) {
      const ch = mapped[k];
      if (ch === last) continue; // collapses repeated letters, digits and spaces in one pass
      if (PUNCT[ch] || PUNCT[last]) {
        if (last !== SPACE) out[n++] = SPACE;
        last = SPACE;
        if (ch === SPACE) continue;
      }
      out[n++] = ch;
      last = ch;
    }
  }
  if (last !== SPACE) out[n++] = SPACE;
  let s = out.toString('latin1', 0, n);
  if (s.includes("'")) s = s.replace(APOS_SH, 'sh').replace(APOS_CH, 'ch').replace(APOS, '');
  if (s.includes('kh') || s.includes('ts')) s = s.replace(KH, 'h').replace(TS, 'c').replace(REPEAT, '$1');
  return s;
}

/**
 * A RegExp over skeletons, written with ordinary words: every run of letters in `source` (Cyrillic or Latin)
 * is folded by `normalize`, escapes and regex syntax are kept. `\\b` before a stem is the usual word start.
 */
export function rx(source: string, flags = ''): RegExp {
  const folded = source.replace(/(\\.)|([^\s\\()[\]{}|?*+.^$:!=<>,0-9-]+)/gu, (m, esc: string | undefined) =>
    esc !== undefined ? m : normalize(m).trim(),
  );
  return new RegExp(folded, flags);
}
