// The scope model file: a linear model over the features of features.ts, written by `vic scope train` and
// committed (routing/scope/model/scope-model.json). It is checked whole when loaded, so that a file from another
// feature set, a truncated file or a hand edit gone wrong stops start-up with one line instead of misfiling
// citizens' messages.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { gramsOf, type MessageFeatures } from './features.ts';

/** Bumped whenever features.ts or cues.ts change what a message's features are: old models are refused. */
export const FEATURE_SET = 'skeleton-ngrams-cues/2' as const;
export const MODEL_FORMAT = 'vic-scope-model/1' as const;
export const DEFAULT_MODEL_FILE = path.resolve(import.meta.dirname, 'model/scope-model.json');

const figures = z.object({ n: z.number(), precision: z.number(), recall: z.number(), f1: z.number(), flagged: z.number() });
const finite = z.number().refine(Number.isFinite, 'not a finite number');

const schema = z.object({
  format: z.literal(MODEL_FORMAT),
  featureSet: z.literal(FEATURE_SET),
  /** sha256 of the weights, bias and thresholds (first 16 hex digits): names the model in logs and reports. */
  id: z.string().regex(/^[0-9a-f]{16}$/),
  algorithm: z.string(),
  seed: z.number().int(),
  hyper: z.record(z.string(), z.number()),
  data: z.array(z.object({ source: z.string(), rows: z.number().int(), appeals: z.number().int(), sha256: z.string() })),
  crossValidation: z.object({
    folds: z.number().int(),
    overall: figures,
    byLang: z.record(z.string(), figures),
    baseline: z.record(z.string(), figures),
  }),
  thresholds: z
    .object({ high: finite, low: finite })
    .refine((t) => t.low <= t.high && t.low >= 0 && t.high <= 1, 'need 0 <= low <= high <= 1'),
  bias: finite,
});

export type ScopeModelFile = z.infer<typeof schema> & { weights: Record<string, number> };

export interface Contribution {
  /** `c:` a word's character n-grams together, `w:` word, `b:` word pair, `r:` rule cue (see features.ts). */
  feature: string;
  /** Its share of the score's logit: positive pushes toward "appeal". */
  weight: number;
}

export class ScopeModelError extends Error {}

const WORD_SUMS = 50_000;

const stronger = (a: Contribution, b: Contribution) => Math.abs(b.weight) - Math.abs(a.weight) || (a.feature < b.feature ? -1 : 1);

function insertByStrength(list: Contribution[], c: Contribution, max: number): void {
  let i = list.length;
  while (i > 0 && stronger(c, list[i - 1]) < 0) i--;
  if (i >= max) return;
  list.splice(i, 0, c);
  if (list.length > max) list.pop();
}

export class ScopeModel {
  readonly id: string;
  readonly thresholds: { high: number; low: number };
  private readonly weights: Map<string, number>;
  private readonly bias: number;
  private readonly wordSums = new Map<string, number>();

  constructor(readonly file: ScopeModelFile) {
    this.id = file.id;
    this.thresholds = Object.freeze({ ...file.thresholds });
    this.weights = new Map(Object.entries(file.weights));
    this.bias = file.bias;
  }

  /**
   * The logit, and the `top` features with the largest parts of it, largest first. A word's character n-grams
   * are summed once per model and reported together, as `c:<word>`: an operator reads a word, not "c:tme".
   */
  score(f: MessageFeatures, top: number): { z: number; parts: Contribution[] } {
    let z = this.bias;
    const parts: Contribution[] = [];
    const add = (feature: string, part: number) => {
      z += part;
      // Most features are weak: only one that would enter the current top list is looked at further.
      if (parts.length === top && Math.abs(part) <= Math.abs(parts[top - 1].weight)) return;
      insertByStrength(parts, { feature, weight: part }, top);
    };
    const gramScale = f.gramCount ? 1 / Math.sqrt(f.gramCount) : 0;
    for (const word of f.gramWords) add(`c:${word}`, this.wordSum(word) * gramScale);
    for (const group of [f.unigrams, f.bigrams]) {
      const scale = 1 / Math.sqrt(group.length);
      for (const name of group) {
        const w = this.weights.get(name);
        if (w !== undefined) add(name, w * scale);
      }
    }
    for (const cue of f.cues) {
      const w = this.weights.get(`r:${cue}`);
      if (w !== undefined) add(`r:${cue}`, w);
    }
    return { z, parts };
  }

  /** The summed weights of a word's character n-grams, cached (bounded) since the same words keep coming. */
  private wordSum(word: string): number {
    let sum = this.wordSums.get(word);
    if (sum !== undefined) return sum;
    sum = 0;
    for (const g of gramsOf(word)) sum += this.weights.get(g) ?? 0;
    if (this.wordSums.size >= WORD_SUMS) this.wordSums.clear();
    this.wordSums.set(word, sum);
    return sum;
  }
}

/** The id a model file must carry: a hash of what decides its verdicts. */
export function modelId(m: Pick<ScopeModelFile, 'bias' | 'weights' | 'thresholds' | 'featureSet'>): string {
  const lines = Object.keys(m.weights)
    .sort()
    .map((name) => `${name}\t${m.weights[name]}`);
  const text = `${JSON.stringify([m.featureSet, m.bias, m.thresholds.high, m.thresholds.low])}\n${lines.join('\n')}`;
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function parseScopeModel(text: string): ScopeModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ScopeModelError('not valid JSON');
  }
  const kind = (json as { format?: unknown; featureSet?: unknown } | null) ?? {};
  if (kind.format !== MODEL_FORMAT) throw new ScopeModelError(`format is ${JSON.stringify(kind.format)}, this VIC reads "${MODEL_FORMAT}"`);
  if (kind.featureSet !== FEATURE_SET) {
    throw new ScopeModelError(
      `trained on features "${String(kind.featureSet)}", this VIC computes "${FEATURE_SET}": retrain with "vic scope train"`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScopeModelError(`${issue.path.join('.') || 'file'}: ${issue.message}`);
  }
  // The weights are checked by hand: zod's record check of 20,000 entries would cost more than the rest of start-up.
  const weights = (json as { weights?: unknown }).weights;
  if (!weights || typeof weights !== 'object' || Array.isArray(weights)) throw new ScopeModelError('weights: expected an object');
  for (const [name, w] of Object.entries(weights)) {
    if (typeof w !== 'number' || !Number.isFinite(w)) throw new ScopeModelError(`weights.${name}: not a finite number`);
  }
  const file: ScopeModelFile = { ...parsed.data, weights: weights as Record<string, number> };
  if (modelId(file) !== file.id) throw new ScopeModelError('its weights do not match its id (edited or damaged)');
  return new ScopeModel(file);
}

export function loadScopeModel(file: string): ScopeModel {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScopeModelError(`scope model ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return parseScopeModel(text);
  } catch (e) {
    throw new ScopeModelError(`scope model ${file}: ${(e as Error).message}`);
  }
}
