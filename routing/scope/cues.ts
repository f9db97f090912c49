// The hand-written reading of a message (lexicon.ts cues combined per sentence): which cues fire, aimed at what.
// The learned model takes them as features beside the n-grams, because they carry what n-grams cannot see
// alone: negation, whether a complaint is aimed at a judicial act or at staff, and question structure.
import * as L from './lexicon.ts';

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

/** The cues that fire in a skeleton (see normalize.ts), by the short codes `reasons` reports. */
export function readCues(skeleton: string): string[] {
  const sentences: Sentence[] = [];
  for (const m of skeleton.matchAll(SENTENCE)) {
    if (m[0].trim().length > 1) sentences.push(readSentence(` ${m[0]} `));
  }
  const actInText = sentences.some((s) => s.act || s.courtAction);
  const otherInText = sentences.some((s) => s.other);
  let disagreeAct = false;
  let disagreeFree = false;
  let disagreeAsked = false;
  let changeAct = false;
  let changeFree = false;
  let changeAsked = false;
  let procedural = false;
  for (const s of sentences) {
    if (s.disagree === 'statement' && aimedAtAct(s, actInText, otherInText)) disagreeAct = true;
    else if (s.disagree === 'statement' && !otherInText) disagreeFree = true;
    else if (s.disagree) disagreeAsked = true;
    if (s.change === 'request') {
      if (aimedAtAct(s, actInText, otherInText) || (s.caseObject && !s.other)) changeAct = true;
      else if (!s.other) changeFree = true;
    } else if (s.change === 'question' && aimedAtAct(s, actInText, otherInText)) changeAsked = true;
    if (s.question && !s.disagree && s.change !== 'request') procedural = true;
  }
  const fileComplaint = actInText && (sentences.some((s) => s.fileComplaint) || L.VIA_CENTRE.test(skeleton));
  const cues: [on: boolean, reason: string][] = [
    [disagreeAct, 'disagrees-with-act'],
    [disagreeFree && !disagreeAct, 'disagrees'],
    [disagreeAsked && !disagreeAct && !disagreeFree, 'asks-if-wrong'],
    [changeAct, 'asks-to-change-act'],
    [changeFree && !changeAct, 'asks-to-change'],
    [changeAsked && !changeAct, 'asks-how-to-change-act'],
    [fileComplaint, 'lodges-complaint'],
    [actInText && sentences.some((s) => s.intent), 'intends-to-appeal'],
    [actInText && L.GRIEVANCE.test(skeleton), 'procedural-grievance'],
    [L.NEGATED.test(skeleton), 'not-contesting'],
    [procedural && !disagreeAct && !changeAct && !fileComplaint, 'procedural-question'],
    [L.RHETORICAL.test(skeleton), 'contests-rhetorically'],
    [sentences.some((s) => s.hypothetical), 'hypothetical'],
    [actInText, 'names-act'],
    [otherInText, 'other-object-present'],
  ];
  return cues.filter(([on]) => on).map(([, reason]) => reason);
}
