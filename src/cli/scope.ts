// `vic scope eval FILE.jsonl`: precision/recall of the scope filter on a labelled file, per language, with the
// overall figures as JSON on the last line. `vic scope classify`: one text a line on stdin, one verdict a line out.
import fs from 'node:fs';
import readline from 'node:readline';
import { classifyScope, SCOPE_THRESHOLDS } from '../../routing/scope/index.ts';
import { detectLanguage } from '../../routing/language.ts';

const USAGE = 'usage: vic scope eval FILE.jsonl | vic scope classify < texts.txt';

interface Labelled {
  text: string;
  label: 'appeal' | 'in_scope';
  lang?: string;
}

export interface ScopeFigures {
  n: number;
  precision: number;
  recall: number;
  f1: number;
  flagged: number;
}

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
    lang, String(f.n), f.precision.toFixed(4), f.recall.toFixed(4), f.f1.toFixed(4), String(f.flagged),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

async function runEval(file: string): Promise<number> {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return fail(`cannot read ${file}: ${(e as Error).message}`);
  }
  let rows: Labelled[];
  try {
    rows = parseLabelled(content);
  } catch (e) {
    process.stderr.write(`${file}: ${(e as Error).message}\n`);
    return 2;
  }
  const { overall, byLang } = evaluateScope(rows);
  const { high, low } = SCOPE_THRESHOLDS;
  process.stdout.write(`scope filter on ${file} (appeal at score >= ${high}, flagged from ${low})\n\n`);
  process.stdout.write(`${table(byLang, overall)}\n\n`);
  process.stdout.write(`${JSON.stringify(overall)}\n`);
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
  if (command === 'eval') {
    if (rest.length !== 1) return fail(rest.length ? `unexpected argument "${rest[1]}"` : 'missing FILE');
    return runEval(rest[0]!);
  }
  if (command === 'classify') {
    if (rest.length) return fail(`unexpected argument "${rest[0]}"`);
    return runClassify();
  }
  return fail(command ? `unknown scope command "${command}"` : 'missing scope command');
}
