// Scope filter: does a message contest a judicial act (out of scope: it must go to the court as an appeal or
// cassation complaint) or is it something the centre handles, including questions about that procedure?
// Text is folded onto one skeleton alphabet (normalize.ts), cut into sentences, and per-sentence cues from the
// lexicons (lexicon.ts) are combined into a hand-set logistic score. See docs/scope-filter.md.
import { detectLanguage } from '../language.ts';
import { normalize } from './normalize.ts';
import * as L from './lexicon.ts';

export type Lang = 'kk' | 'ru' | 'mixed' | 'unknown';

export interface ScopeVerdict {
  verdict: 'appeal' | 'in_scope';
  /** 0..1, how strongly the message reads as contesting a judicial act. */
  score: number;
  language: Lang;
  /** Short codes of the cues that moved the score, for operators and audits. */
  reasons: string[];
  /** In scope, but scored between the thresholds: routed with a "possible appeal" mark. */
  flagged: boolean;
}

/** score >= high: filtered out automatically; low <= score < high: routed but flagged. */
export const SCOPE_THRESHOLDS: { high: number; low: number } = Object.freeze({ high: 0.6, low: 0.35 });

// Logit weights. The bias keeps a message without cues near 0.1; one strong cue aimed at a judicial act
// (disagreement, a change request, lodging a complaint) crosses the high threshold on its own, weaker cues
// (intent to appeal, grievances, untargeted demands) only reach the flagged band unless combined.
const W = {
  bias: -2.2,
  disagreeAct: 3.2,
  disagreeFree: 1.2,
  changeAct: 3.0,
  changeFree: 1.0,
  changeAsked: 0.8,
  fileComplaint: 3.0,
  intent: 2.0,
  grievance: 1.2,
  negated: -4.0,
  question: -1.0,
} as const;

const SENTENCE = /[^.?!]+(?:[.?!]|$)/g;
const CLAUSE = / , /;

interface Sentence {
  act: boolean;
  courtAction: boolean;
  other: boolean;
  question: boolean;
  hypothetical: boolean;
  /** 'statement': said outright; 'question': only inside a questioning clause ("незаконно требуют оплату?"). */
  disagree: 'statement' | 'question' | null;
  change: 'request' | 'question' | null;
  /** Lodging a complaint or announcing an appeal, said outright (not "қайда шағымданамын?"). */
  fileComplaint: boolean;
  intent: boolean;
  caseObject: boolean;
}

// Which clauses of a sentence carry the disagreement, and whether those clauses are questions: "решение
// дұрыс емес, мен келіспеймін, пересмотр жасауға бола ма?" disagrees outright before it asks.
function readDisagreement(s: string, endsWithQuestion: boolean): Sentence['disagree'] {
  if (!L.DISAGREE.test(s)) return null;
  const clauses = s.split(CLAUSE);
  let inQuestion = false;
  for (let i = 0; i < clauses.length; i++) {
    const c = ` ${clauses[i]} `;
    if (!L.DISAGREE.test(c)) continue;
    if (!((endsWithQuestion && i === clauses.length - 1) || L.QUESTION.test(c))) return 'statement';
    inQuestion = true;
  }
  // A cue spanning a comma matched the sentence but no single clause: it is stated, not asked.
  return inQuestion ? 'question' : 'statement';
}

function readSentence(s: string): Sentence {
  const hypothetical = L.HYPOTHETICAL.test(s);
  const endsWithQuestion = s.endsWith('? ');
  const question = endsWithQuestion || L.QUESTION.test(s);
  let change: Sentence['change'] = null;
  if (!hypothetical && L.CHANGE.test(s) && !L.CHANGE_OTHER.test(s)) {
    // "Решение отменить!": an exclamation is a demand even without "прошу" or an imperative.
    const demanded = L.REQUEST.test(s) || L.IMPERATIVE.test(s) || s.endsWith('! ');
    change = demanded ? 'request' : question ? 'question' : null;
  }
  return {
    act: L.ACT.test(s) && !L.NOT_ACT.test(s),
    courtAction: L.COURT_ACTION.test(s),
    other: L.OTHER_OBJECT.test(s),
    question,
    hypothetical,
    disagree: hypothetical ? null : readDisagreement(s, endsWithQuestion),
    change,
    caseObject: L.CASE.test(s),
    fileComplaint: !question && !hypothetical && L.FILE_COMPLAINT.test(s),
    intent: !question && !hypothetical && L.INTENT.test(s),
  };
}

// A cue counts against an act when the act is in the same sentence (and no bailiff/staff/etc. competes there),
// or when the message names an act and nothing else the writer could be objecting to.
function aimedAtAct(s: Sentence, actInText: boolean, otherInText: boolean): boolean {
  return ((s.act || s.courtAction) && !s.other) || (actInText && !otherInText);
}

export function classifyScope(text: string, thresholds: { high: number; low: number } = SCOPE_THRESHOLDS): ScopeVerdict {
  const skeleton = normalize(text);
  const sentences: Sentence[] = [];
  for (const m of skeleton.matchAll(SENTENCE)) {
    if (m[0].trim().length > 1) sentences.push(readSentence(` ${m[0]} `));
  }
  const actInText = sentences.some((s) => s.act || s.courtAction);
  const otherInText = sentences.some((s) => s.other);
  let disagreeAct = false;
  let disagreeFree = false;
  let changeAct = false;
  let changeFree = false;
  let changeAsked = false;
  let procedural = false;
  for (const s of sentences) {
    if (s.disagree === 'statement' && aimedAtAct(s, actInText, otherInText)) disagreeAct = true;
    else if (s.disagree && !otherInText) disagreeFree = true;
    if (s.change === 'request') {
      if (aimedAtAct(s, actInText, otherInText) || (s.caseObject && !s.other)) changeAct = true;
      else if (!s.other) changeFree = true;
    } else if (s.change === 'question' && aimedAtAct(s, actInText, otherInText)) changeAsked = true;
    if (s.question && !s.disagree && s.change !== 'request') procedural = true;
  }
  const fileComplaint = actInText && sentences.some((s) => s.fileComplaint);
  const intent = actInText && sentences.some((s) => s.intent);
  const grievance = L.GRIEVANCE.test(skeleton) && actInText;
  const negated = L.NEGATED.test(skeleton);

  const cues: [on: boolean, weight: number, reason: string][] = [
    [disagreeAct, W.disagreeAct, 'disagrees-with-act'],
    [disagreeFree && !disagreeAct, W.disagreeFree, 'disagrees'],
    [changeAct, W.changeAct, 'asks-to-change-act'],
    [changeFree && !changeAct, W.changeFree, 'asks-to-change'],
    [changeAsked && !changeAct, W.changeAsked, 'asks-how-to-change-act'],
    [fileComplaint, W.fileComplaint, 'lodges-complaint'],
    [intent, W.intent, 'intends-to-appeal'],
    [grievance, W.grievance, 'procedural-grievance'],
    [negated, W.negated, 'not-contesting'],
    [procedural && !disagreeAct && !changeAct && !fileComplaint, W.question, 'procedural-question'],
  ];
  const reasons: string[] = [];
  let z = W.bias;
  for (const [on, weight, reason] of cues) {
    if (!on) continue;
    z += weight;
    reasons.push(reason);
  }
  if (otherInText && (disagreeAct || disagreeFree || changeAct || changeFree)) reasons.push('other-object-present');

  const score = Math.round(1e4 / (1 + Math.exp(-z))) / 1e4;
  const appeal = score >= thresholds.high;
  return {
    verdict: appeal ? 'appeal' : 'in_scope',
    score,
    language: detectLanguage(text),
    reasons,
    flagged: !appeal && score >= thresholds.low,
  };
}
