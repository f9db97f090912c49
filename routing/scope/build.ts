// Builds a model file from labelled sets: cross-validates the logistic model and the naive Bayes baseline on the
// evaluated sets (the shared corpora), chooses the thresholds from the logistic model's out-of-fold scores,
// then trains the final model on everything. The same inputs and seed give the same file, byte for byte.
import crypto from 'node:crypto';
import { FEATURE_SET, MODEL_FORMAT, modelId, type ScopeModelFile } from './model.ts';
import {
  chooseThresholds,
  crossValidate,
  DEFAULT_HYPER,
  featurize,
  figuresAt,
  LOGISTIC,
  NAIVE_BAYES,
  trainLogistic,
  type Example,
  type Figures,
} from './train.ts';

export interface LabelledSet {
  /** Where the rows came from, as the model file names it (a repository path, or "operator decisions"). */
  source: string;
  examples: Example[];
  /** Scored by cross-validation (the shared corpora); otherwise only trained on. */
  evaluated: boolean;
}

/** The precision the automatic filter must keep: at most one citizen in 40 wrongly turned away. */
export const TARGET_PRECISION = 0.975;
/** The "possible appeal" band reaches as low as at least one flagged message in four is an appeal. */
export const BAND_PRECISION = 0.25;

export interface BuildReport {
  thresholds: { high: number; low: number };
  logistic: { overall: Figures; byLang: Record<string, Figures> };
  naiveBayes: { overall: Figures; byLang: Record<string, Figures>; thresholds: { high: number; low: number } };
}

function byLanguage(examples: Example[], scores: number[], high: number, low: number): Record<string, Figures> {
  const langs = [...new Set(examples.map((e) => e.lang))].sort();
  return Object.fromEntries(
    langs.map((l) => {
      const idx = examples.flatMap((e, i) => (e.lang === l ? [i] : []));
      return [
        l,
        figuresAt(
          idx.map((i) => examples[i]),
          idx.map((i) => scores[i]),
          high,
          low,
        ),
      ];
    }),
  );
}

function evaluate(evaluated: Example[], scores: number[]) {
  const thresholds = chooseThresholds(evaluated, scores, TARGET_PRECISION, BAND_PRECISION);
  return {
    thresholds,
    overall: figuresAt(evaluated, scores, thresholds.high, thresholds.low),
    byLang: byLanguage(evaluated, scores, thresholds.high, thresholds.low),
  };
}

/** Six significant digits: enough for the verdicts, and the same text on every machine. */
const round = (x: number) => Number(x.toPrecision(6));

export function buildModel(sets: LabelledSet[], seed: number, folds = 5): { file: ScopeModelFile; report: BuildReport } {
  const evaluated = sets.filter((s) => s.evaluated).flatMap((s) => s.examples);
  const extra = sets.filter((s) => !s.evaluated).flatMap((s) => s.examples);
  if (evaluated.length < folds * 4)
    throw new Error(`cross-validation needs at least ${folds * 4} evaluated examples, got ${evaluated.length}`);
  const lr = evaluate(evaluated, crossValidate(evaluated, extra, folds, seed, LOGISTIC));
  const nb = evaluate(evaluated, crossValidate(evaluated, extra, folds, seed, NAIVE_BAYES));

  const everything = [...evaluated, ...extra];
  const model = trainLogistic(
    featurize(everything),
    everything.map((e) => e.appeal),
  );
  const weights: Record<string, number> = {};
  for (const [name, w] of [...model.weights].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) weights[name] = round(w);
  const body = { featureSet: FEATURE_SET, bias: round(model.bias), thresholds: lr.thresholds, weights };
  const file: ScopeModelFile = {
    format: MODEL_FORMAT,
    featureSet: FEATURE_SET,
    id: modelId(body),
    algorithm: 'logistic regression, L2, full-batch Adam',
    seed,
    hyper: { ...DEFAULT_HYPER },
    data: sets.map((s) => ({
      source: s.source,
      rows: s.examples.length,
      appeals: s.examples.filter((e) => e.appeal).length,
      sha256: crypto
        .createHash('sha256')
        .update(JSON.stringify(s.examples.map((e) => [e.text, e.appeal, e.lang])))
        .digest('hex'),
    })),
    crossValidation: { folds, overall: lr.overall, byLang: lr.byLang, baseline: { 'naive Bayes': nb.overall } },
    thresholds: lr.thresholds,
    bias: body.bias,
    weights,
  };
  return { file, report: { thresholds: lr.thresholds, logistic: lr, naiveBayes: nb } };
}

/** The file's text: two-space JSON, one weight a line, so that a retrained model diffs readably. */
export function serializeModel(file: ScopeModelFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
