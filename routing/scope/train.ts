// Training of the scope model: L2-regularised logistic regression over the features of features.ts, by
// full-batch Adam (deterministic: the same rows give the same weights), with k-fold cross-validation whose folds
// a seeded shuffle assigns. Naive Bayes over the same features is the baseline it is compared with.
import { featureVector, readFeatures } from './features.ts';
import { normalize } from './normalize.ts';
import { seededRandom } from '../../src/random.ts';

export interface Example {
  text: string;
  appeal: boolean;
  lang: string;
}

export interface Hyper {
  /** L2 penalty per weight, summed over the weights (the loss is the mean over rows). */
  l2: number;
  iterations: number;
  learningRate: number;
  /** A feature must occur in this many training messages to enter the vocabulary. */
  minCount: number;
}

export const DEFAULT_HYPER: Hyper = { l2: 1e-5, iterations: 800, learningRate: 0.05, minCount: 2 };

export interface Linear {
  bias: number;
  weights: Map<string, number>;
}

interface Row {
  index: Int32Array;
  value: Float64Array;
  y: number;
}

export type Featurized = { names: string[]; values: number[] }[];

export function featurize(examples: Example[]): Featurized {
  return examples.map((e) => featureVector(readFeatures(normalize(e.text))));
}

function vocabulary(rows: Featurized, minCount: number): string[] {
  const count = new Map<string, number>();
  for (const r of rows) for (const n of r.names) count.set(n, (count.get(n) ?? 0) + 1);
  return [...count]
    .filter(([name, c]) => c >= minCount || name.startsWith('r:'))
    .map(([n]) => n)
    .sort();
}

function indexRows(rows: Featurized, ys: boolean[], vocab: Map<string, number>): Row[] {
  return rows.map((r, i) => {
    const index: number[] = [];
    const value: number[] = [];
    r.names.forEach((n, k) => {
      const j = vocab.get(n);
      if (j !== undefined) {
        index.push(j);
        value.push(r.values[k]);
      }
    });
    return { index: Int32Array.from(index), value: Float64Array.from(value), y: ys[i] ? 1 : 0 };
  });
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function trainLogistic(rows: Featurized, ys: boolean[], hyper: Hyper = DEFAULT_HYPER): Linear {
  const names = vocabulary(rows, hyper.minCount);
  const vocab = new Map(names.map((n, i) => [n, i]));
  const data = indexRows(rows, ys, vocab);
  const d = names.length;
  const w = new Float64Array(d + 1); // the last one is the bias
  const m = new Float64Array(d + 1);
  const v = new Float64Array(d + 1);
  const g = new Float64Array(d + 1);
  const b1 = 0.9;
  const b2 = 0.999;
  for (let t = 1; t <= hyper.iterations; t++) {
    g.fill(0);
    for (const r of data) {
      let z = w[d];
      for (let k = 0; k < r.index.length; k++) z += w[r.index[k]] * r.value[k];
      const err = (sigmoid(z) - r.y) / data.length;
      for (let k = 0; k < r.index.length; k++) g[r.index[k]] += err * r.value[k];
      g[d] += err;
    }
    for (let j = 0; j < d; j++) g[j] += hyper.l2 * w[j];
    const c1 = 1 - b1 ** t;
    const c2 = 1 - b2 ** t;
    for (let j = 0; j <= d; j++) {
      m[j] = b1 * m[j] + (1 - b1) * g[j];
      v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
      w[j] -= (hyper.learningRate * (m[j] / c1)) / (Math.sqrt(v[j] / c2) + 1e-8);
    }
  }
  return { bias: w[d], weights: new Map(names.map((n, i) => [n, w[i]])) };
}

/** Bernoulli naive Bayes over the same features (present or not), as log-odds weights of a linear model. */
export function trainNaiveBayes(rows: Featurized, ys: boolean[], minCount = DEFAULT_HYPER.minCount): Linear {
  const names = vocabulary(rows, minCount);
  const pos = new Map<string, number>();
  const neg = new Map<string, number>();
  let nPos = 0;
  rows.forEach((r, i) => {
    const into = ys[i] ? pos : neg;
    if (ys[i]) nPos++;
    for (const n of new Set(r.names)) into.set(n, (into.get(n) ?? 0) + 1);
  });
  const nNeg = rows.length - nPos;
  let bias = Math.log((nPos + 1) / (nNeg + 1));
  const weights = new Map<string, number>();
  for (const n of names) {
    const p = ((pos.get(n) ?? 0) + 1) / (nPos + 2);
    const q = ((neg.get(n) ?? 0) + 1) / (nNeg + 2);
    // Presence adds log(p/q); absence, folded into the bias, log((1-p)/(1-q)).
    weights.set(n, Math.log(p / q) - Math.log((1 - p) / (1 - q)));
    bias += Math.log((1 - p) / (1 - q));
  }
  return { bias, weights };
}

/** Naive Bayes counts presence, so its features are binary; the regression takes the weighted values. */
export function linearScore(model: Linear, f: { names: string[]; values: number[] }, binary = false): number {
  let z = model.bias;
  f.names.forEach((n, k) => {
    const w = model.weights.get(n);
    if (w !== undefined) z += binary ? w : w * f.values[k];
  });
  return sigmoid(z);
}

/** A small seeded generator (mulberry32): the same seed gives the same folds on every machine. */
export function random(seed: number): () => number {
  return seededRandom(seed);
}

/** Fold of each example, stratified by language and label so every fold has its share of each. */
export function folds(examples: Example[], k: number, seed: number): number[] {
  const rnd = random(seed);
  const groups = new Map<string, number[]>();
  examples.forEach((e, i) => {
    const key = `${e.lang}/${e.appeal}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  });
  const fold = new Array<number>(examples.length);
  let next = 0;
  for (const key of [...groups.keys()].sort()) {
    const members = groups.get(key)!;
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [members[i], members[j]] = [members[j], members[i]];
    }
    for (const i of members) fold[i] = next++ % k;
  }
  return fold;
}

export type Trainer = (rows: Featurized, ys: boolean[]) => (f: { names: string[]; values: number[] }) => number;

export const LOGISTIC: Trainer = (rows, ys) => {
  const m = trainLogistic(rows, ys);
  return (f) => linearScore(m, f);
};
export const NAIVE_BAYES: Trainer = (rows, ys) => {
  const m = trainNaiveBayes(rows, ys);
  return (f) => linearScore(m, f, true);
};

/**
 * Out-of-fold scores: each of the `evaluated` examples scored by a model trained on the other folds plus every
 * `extra` example (the own fixtures and operators' decisions train, but are never scored here).
 */
export function crossValidate(evaluated: Example[], extra: Example[], k: number, seed: number, trainer: Trainer): number[] {
  const fold = folds(evaluated, k, seed);
  const rows = featurize(evaluated);
  const extraRows = featurize(extra);
  const scores = new Array<number>(evaluated.length);
  for (let f = 0; f < k; f++) {
    const train = rows.filter((_, i) => fold[i] !== f).concat(extraRows);
    const ys = evaluated
      .filter((_, i) => fold[i] !== f)
      .map((e) => e.appeal)
      .concat(extra.map((e) => e.appeal));
    const score = trainer(train, ys);
    rows.forEach((r, i) => {
      if (fold[i] === f) scores[i] = score(r);
    });
  }
  return scores;
}

export interface Figures {
  n: number;
  precision: number;
  recall: number;
  f1: number;
  flagged: number;
}

export function figuresAt(examples: Example[], scores: number[], high: number, low: number): Figures {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let flagged = 0;
  examples.forEach((e, i) => {
    const s = scores[i];
    if (s >= high) {
      if (e.appeal) tp++;
      else fp++;
    } else if (e.appeal) fn++;
    if (!e.appeal && s < high && s >= low) flagged++;
  });
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  const r = (x: number) => Math.round(x * 1e4) / 1e4;
  return { n: examples.length, precision: r(precision), recall: r(recall), f1: r(f1), flagged };
}

/**
 * Thresholds from out-of-fold scores: `high`, the lowest score at which filtering keeps the precision the
 * centre needs (a citizen wrongly turned away costs more than an appeal reaching an operator); `low`, the
 * lowest score down to which at least `bandPrecision` of the messages between `low` and `high` are appeals, so
 * the "possible appeal" mark stays worth an operator's look.
 */
export function chooseThresholds(
  examples: Example[],
  scores: number[],
  precision: number,
  bandPrecision: number,
): { high: number; low: number } {
  const order = scores.map((s, i) => [s, examples[i].appeal] as const).sort((a, b) => b[0] - a[0]);
  const tied = (i: number) => i + 1 < order.length && order[i + 1][0] === order[i][0];
  let tp = 0;
  let fp = 0;
  let high = 1;
  for (let i = 0; i < order.length; i++) {
    if (order[i][1]) tp++;
    else fp++;
    if (!tied(i) && tp / (tp + fp) >= precision) high = order[i][0];
  }
  let low = high;
  let band = 0;
  let bandAppeals = 0;
  for (let i = 0; i < order.length; i++) {
    if (order[i][0] >= high) continue;
    band++;
    if (order[i][1]) bandAppeals++;
    if (!tied(i) && bandAppeals / band >= bandPrecision) low = order[i][0];
  }
  const r = (x: number) => Math.floor(x * 1e4) / 1e4;
  return { high: r(high), low: r(low) };
}
