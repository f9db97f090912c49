// Features of a message for the learned scope model, all read off the skeleton (normalize.ts), so that spelling,
// script (Cyrillic, Kazakh Latin, translit) and repeated letters do not change them:
// - `c:` character 3- to 5-grams of each distinct word (with "_" at word edges): they survive inflection and typos;
// - `w:` words and `b:` word pairs (punctuation tokens count as words: "otmenite !", "ma ?");
// - `r:` the hand-written cues (cues.ts), which carry negation, targeting and question structure.
// Each n-gram group is scaled by 1/sqrt(its size), so long messages do not outvote short ones; a cue counts 1.
// A gram shared by two distinct words counts twice: that keeps a word's grams a fixed bundle, so a model can
// score a word's grams once and reuse the sum (model.ts), which is what keeps classification fast.
import { readCues } from './cues.ts';

/** A message as the model reads it, grouped so that scoring can reuse per-word sums. */
export interface MessageFeatures {
  /** Distinct words with character n-grams, and the number of grams they give in all. */
  gramWords: string[];
  gramCount: number;
  /** Prefixed feature names (`w:`, `b:`), each once. */
  unigrams: string[];
  bigrams: string[];
  /** The cues that fired (`reasons`), each a feature `r:<cue>` of value 1. */
  cues: string[];
}

const WORD = /[a-z]+|[?!]/g;
const MIN_GRAM = 3;
const MAX_GRAM = 5;
/** Words past this are ignored: the n-grams of the first thousands of words decide any real message. */
const MAX_WORDS = 2000;
/** Character n-grams of a longer "word" (a pasted hash, a base64 run) would only be noise, and many of them. */
const MAX_GRAM_WORD = 40;

// Messages repeat the same few thousand words, so each word's grams are cut once, not once a message.
// Cleared when full, which bounds the memory.
const CACHE = 50_000;
const gramsSeen = new Map<string, string[]>();

/** The character n-gram features of one word (deduplicated), e.g. "otmen" → c:_ot, c:otm, ... c:men_. */
export function gramsOf(word: string): string[] {
  let grams = gramsSeen.get(word);
  if (grams) return grams;
  const set = new Set<string>();
  if (word.length <= MAX_GRAM_WORD) {
    const padded = `_${word}_`;
    for (let n = MIN_GRAM; n <= MAX_GRAM; n++) {
      for (let i = 0; i + n <= padded.length; i++) set.add(`c:${padded.slice(i, i + n)}`);
    }
  }
  grams = [...set];
  if (gramsSeen.size >= CACHE) gramsSeen.clear();
  gramsSeen.set(word, grams);
  return grams;
}

export function readFeatures(skeleton: string): MessageFeatures {
  const words = (skeleton.match(WORD) ?? []).slice(0, MAX_WORDS);
  const distinct = new Set<string>();
  const unigrams = new Set<string>();
  const bigrams = new Set<string>();
  let previous = '';
  for (const w of words) {
    if (w !== '?' && w !== '!') distinct.add(w);
    unigrams.add(`w:${w}`);
    if (previous) bigrams.add(`b:${previous} ${w}`);
    previous = w;
  }
  const gramWords = [...distinct];
  let gramCount = 0;
  for (const w of gramWords) gramCount += gramsOf(w).length;
  return { gramWords, gramCount, unigrams: [...unigrams], bigrams: [...bigrams], cues: readCues(skeleton) };
}

/** The same features as one sparse vector of names and values, as training sees them. */
export function featureVector(f: MessageFeatures): { names: string[]; values: number[] } {
  const value = new Map<string, number>();
  const add = (name: string, v: number) => value.set(name, (value.get(name) ?? 0) + v);
  const scale = (n: number) => (n ? 1 / Math.sqrt(n) : 0);
  for (const w of f.gramWords) for (const g of gramsOf(w)) add(g, scale(f.gramCount));
  for (const u of f.unigrams) add(u, scale(f.unigrams.length));
  for (const b of f.bigrams) add(b, scale(f.bigrams.length));
  for (const c of f.cues) add(`r:${c}`, 1);
  return { names: [...value.keys()], values: [...value.values()] };
}
