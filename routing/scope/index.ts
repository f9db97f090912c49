// Scope filter: does a message contest a judicial act (out of scope: it must go to the court as an appeal or
// cassation complaint) or is it something the centre handles, including questions about that procedure?
// Text is folded onto one skeleton alphabet (normalize.ts); character and word n-grams and the hand-written cues
// (cues.ts) are scored by a logistic model learned from labelled messages (model.ts, trained by train.ts).
// See docs/scope-filter.md.
import { detectLanguage } from '../language.ts';
import { readFeatures } from './features.ts';
import { DEFAULT_MODEL_FILE, loadScopeModel, type Contribution, type ScopeModel } from './model.ts';
import { normalize } from './normalize.ts';

export type Lang = 'kk' | 'ru' | 'mixed' | 'unknown';

export interface ScopeVerdict {
  verdict: 'appeal' | 'in_scope';
  /** 0..1, how strongly the message reads as contesting a judicial act. */
  score: number;
  language: Lang;
  /** Short codes of the hand-written cues that fired, for operators and audits. */
  reasons: string[];
  /** The features that moved the score most, strongest first (both directions), for "why" in the console. */
  contributions: Contribution[];
  /** In scope, but scored between the thresholds: routed with a "possible appeal" mark. */
  flagged: boolean;
  /** The model that decided (its id). */
  model: string;
}

export type { Contribution } from './model.ts';

const TOP_CONTRIBUTIONS = 8;
let active: ScopeModel | null = null;

/**
 * The model `classifyScope` uses from now on: loaded from `file` (default: the committed model). Start-up
 * calls this so that a bad file stops it with one line; it throws ScopeModelError.
 */
export function useScopeModel(file = DEFAULT_MODEL_FILE): ScopeModel {
  active = loadScopeModel(file);
  return active;
}

export function scopeModel(): ScopeModel {
  return active ?? useScopeModel();
}

/** The active model's thresholds: score >= high is filtered out automatically; low <= score < high is flagged. */
export function scopeThresholds(): { high: number; low: number } {
  return scopeModel().thresholds;
}

/** What is read of a message: an appeal is stated in its first pages, and the time per message stays bounded. */
const MAX_CHARS = 20_000;

export function classifyScope(text: string, thresholds?: { high: number; low: number }, model: ScopeModel = scopeModel()): ScopeVerdict {
  const { high, low } = thresholds ?? model.thresholds;
  const features = readFeatures(normalize(text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text));
  const { z, parts } = model.score(features, TOP_CONTRIBUTIONS);
  const score = Math.round(1e4 / (1 + Math.exp(-z))) / 1e4;
  const appeal = score >= high;
  return {
    verdict: appeal ? 'appeal' : 'in_scope',
    score,
    language: detectLanguage(text),
    reasons: features.cues,
    contributions: parts.map((p) => ({ feature: p.feature, weight: Math.round(p.weight * 1000) / 1000 })),
    flagged: !appeal && score >= low,
    model: model.id,
  };
}
