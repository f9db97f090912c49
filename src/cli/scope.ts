// `vic scope eval FILE.jsonl | --decisions`: precision/recall of the scope filter on a labelled file (or on the
// operators' stored decisions), per language, with the overall figures as JSON on the last line.
// `vic scope train`: cross-validates and writes the model file. `vic scope classify`: one text a line on stdin,
// one verdict a line out.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { buildModel, serializeModel, type LabelledSet } from '../../routing/scope/build.ts';
import { classifyScope, scopeModel, useScopeModel } from '../../routing/scope/index.ts';
import { DEFAULT_MODEL_FILE } from '../../routing/scope/model.ts';
import type { Figures } from '../../routing/scope/train.ts';
import { detectLanguage } from '../../routing/language.ts';
import { loadConfig } from '../config.ts';
import { Store } from '../store/index.ts';

const USAGE =
  'usage: vic scope eval FILE.jsonl | vic scope eval --decisions | ' +
  'vic scope train [--seed N] [--folds K] [--out FILE] [--data FILE]... [--extra FILE]... [--with-decisions] | ' +
  'vic scope classify < texts.txt';
const ROOT = path.resolve(import.meta.dirname, '../..');
const TRAINING = path.join(ROOT, 'routing/scope/training');
/** Cross-validated and trained on: the shared corpora, written independently of the cues. */
const DEFAULT_DATA = ['scope-train.jsonl', 'scope-dev.jsonl'].map((f) => path.join(TRAINING, f));
/** Trained on only: the project's own labelled messages. */
const DEFAULT_EXTRA = [path.join(TRAINING, 'own.jsonl')];

interface Labelled {
  text: string;
  label: 'appeal' | 'in_scope';
  lang?: string;
}

export type ScopeFigures = Figures;

function fail(message: string): number {
  process.stderr.write(`${message} (${USAGE})\n`);
  return 2;
}

/** Parses a labelled JSONL text; throws with the 1-based line number of the first malformed line. */
export function parseLabelled(content: string): Labelled[] {
  const rows: Labelled[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new Error(`line ${i + 1}: not valid JSON`);
    }
    const r = row as Partial<Labelled> | null;
    if (!r || typeof r !== 'object' || typeof r.text !== 'string') throw new Error(`line ${i + 1}: missing "text" string`);
    if (r.label !== 'appeal' && r.label !== 'in_scope') throw new Error(`line ${i + 1}: "label" must be "appeal" or "in_scope"`);
    rows.push({ text: r.text, label: r.label, lang: typeof r.lang === 'string' ? r.lang : undefined });
  });
  return rows;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

class Tally {
  n = 0;
  tp = 0;
  fp = 0;
  fn = 0;
  flagged = 0;
  add(label: Labelled['label'], verdict: ReturnType<typeof classifyScope>): void {
    this.n++;
    const predicted = verdict.verdict === 'appeal';
    if (predicted && label === 'appeal') this.tp++;
    else if (predicted) this.fp++;
    else if (label === 'appeal') this.fn++;
    if (label === 'in_scope' && verdict.flagged) this.flagged++;
  }
  figures(): ScopeFigures {
    // No predicted (or no actual) appeals: nothing was wrongly filtered (or missed), so the figure is 1.
    const precision = this.tp + this.fp ? this.tp / (this.tp + this.fp) : 1;
    const recall = this.tp + this.fn ? this.tp / (this.tp + this.fn) : 1;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { n: this.n, precision: round(precision), recall: round(recall), f1: round(f1), flagged: this.flagged };
  }
}

/** Overall and per-language figures (by the row's `lang`, else the detected language). */
export function evaluateScope(rows: Labelled[]): { overall: ScopeFigures; byLang: Map<string, ScopeFigures> } {
  const overall = new Tally();
  const byLang = new Map<string, Tally>();
  for (const row of rows) {
    const verdict = classifyScope(row.text);
    const lang = row.lang ?? detectLanguage(row.text);
    if (!byLang.has(lang)) byLang.set(lang, new Tally());
    byLang.get(lang)!.add(row.label, verdict);
    overall.add(row.label, verdict);
  }
  const sorted = [...byLang.entries()].sort(([a], [b]) => a.localeCompare(b));
  return { overall: overall.figures(), byLang: new Map(sorted.map(([k, t]) => [k, t.figures()])) };
}

function table(byLang: Map<string, ScopeFigures>, overall: ScopeFigures): string {
  const head = ['language', 'n', 'precision', 'recall', 'f1', 'flagged'];
  const rows = [...byLang.entries(), ['all', overall] as const].map(([lang, f]) => [
    lang,
    String(f.n),
    f.precision.toFixed(4),
    f.recall.toFixed(4),
    f.f1.toFixed(4),
    String(f.flagged),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

function readLabelled(file: string): Labelled[] {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  try {
    return parseLabelled(content);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** The operators' overrules and "mark as appeal" decisions, from the helpdesk's database in DATA_DIR. */
function storedDecisions(): Labelled[] {
  const { DATA_DIR } = loadConfig();
  if (!fs.existsSync(path.join(DATA_DIR, 'vic.sqlite'))) throw new Error(`no helpdesk database in ${DATA_DIR} (DATA_DIR)`);
  const store = Store.open(DATA_DIR);
  try {
    return store.listScopeDecisions().map((d) => ({ text: d.text, label: d.label, lang: d.lang }));
  } finally {
    store.close();
  }
}

function printFigures(title: string, overall: ScopeFigures, byLang: Map<string, ScopeFigures>): void {
  process.stdout.write(`${title}\n\n${table(byLang, overall)}\n\n`);
}

function runEval(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { decisions: { type: 'boolean' } } });
  if (values.decisions ? positionals.length : positionals.length !== 1) {
    return fail(positionals.length > 1 || values.decisions ? 'give either FILE.jsonl or --decisions' : 'missing FILE');
  }
  const source = values.decisions ? 'operator decisions' : positionals[0];
  const rows = values.decisions ? storedDecisions() : readLabelled(source);
  const { overall, byLang } = evaluateScope(rows);
  const { high, low } = scopeModel().thresholds;
  printFigures(`scope filter (model ${scopeModel().id}) on ${source} (appeal at score >= ${high}, flagged from ${low})`, overall, byLang);
  process.stdout.write(`${JSON.stringify(overall)}\n`);
  return 0;
}

function toSet(file: string, evaluated: boolean): LabelledSet {
  // Files of the repository are named from its root, so the model file does not depend on where training ran.
  const rel = path.relative(ROOT, path.resolve(file));
  return {
    source: rel.startsWith('..') ? path.resolve(file) : rel.split(path.sep).join('/'),
    evaluated,
    examples: readLabelled(file).map((r) => ({ text: r.text, appeal: r.label === 'appeal', lang: r.lang ?? detectLanguage(r.text) })),
  };
}

function runTrain(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: 'string', default: '1' },
      folds: { type: 'string', default: '5' },
      out: { type: 'string', default: DEFAULT_MODEL_FILE },
      data: { type: 'string', multiple: true },
      extra: { type: 'string', multiple: true },
      'with-decisions': { type: 'boolean' },
    },
  });
  const seed = Number(values.seed);
  const folds = Number(values.folds);
  if (!Number.isInteger(seed)) return fail(`--seed must be an integer, got "${values.seed}"`);
  if (!Number.isInteger(folds) || folds < 2) return fail(`--folds must be an integer >= 2, got "${values.folds}"`);
  const sets = [
    ...(values.data ?? DEFAULT_DATA).map((f) => toSet(f, true)),
    ...(values.extra ?? DEFAULT_EXTRA).map((f) => toSet(f, false)),
  ];
  if (values['with-decisions']) {
    const decisions = storedDecisions();
    sets.push({
      source: 'operator decisions',
      evaluated: false,
      examples: decisions.map((r) => ({ text: r.text, appeal: r.label === 'appeal', lang: r.lang ?? detectLanguage(r.text) })),
    });
  }
  for (const s of sets)
    process.stdout.write(`${s.source}: ${s.examples.length} messages${s.evaluated ? ', cross-validated' : ', training only'}\n`);
  const { file, report } = buildModel(sets, seed, folds);
  const map = (r: Record<string, ScopeFigures>) => new Map(Object.entries(r));
  const { high, low } = report.thresholds;
  printFigures(
    `\nlogistic regression, ${folds}-fold cross-validation (seed ${seed}), appeal at score >= ${high}, flagged from ${low}:`,
    report.logistic.overall,
    map(report.logistic.byLang),
  );
  const nb = report.naiveBayes;
  printFigures(`naive Bayes (baseline), same folds, appeal at score >= ${nb.thresholds.high}:`, nb.overall, map(nb.byLang));
  fs.mkdirSync(path.dirname(values.out), { recursive: true });
  fs.writeFileSync(values.out, serializeModel(file));
  useScopeModel(values.out);
  process.stdout.write(`model ${file.id}: ${Object.keys(file.weights).length} features, written to ${values.out}\n`);
  return 0;
}

async function runClassify(): Promise<number> {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    process.stdout.write(`${JSON.stringify({ text: line, ...classifyScope(line) })}\n`);
  }
  return 0;
}

export async function runScopeCommand(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const commands: Record<string, (args: string[]) => number | Promise<number>> = {
    eval: runEval,
    train: runTrain,
    classify: (a) => (a.length ? Promise.resolve(fail(`unexpected argument "${a[0]}"`)) : runClassify()),
  };
  const run = command ? commands[command] : undefined;
  if (!run) return fail(command ? `unknown scope command "${command}"` : 'missing scope command');
  try {
    // The model the helpdesk itself would use (SCOPE_MODEL_FILE, else the committed one).
    if (command !== 'train') useScopeModel(loadConfig().SCOPE_MODEL_FILE || undefined);
    return await run(rest);
  } catch (e) {
    // Bad arguments, unreadable or malformed files, a bad model: one line, no stack.
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
}
