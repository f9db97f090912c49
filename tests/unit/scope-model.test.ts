import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, serializeModel, type LabelledSet } from '../../routing/scope/build.ts';
import { classifyScope } from '../../routing/scope/index.ts';
import { DEFAULT_MODEL_FILE, loadScopeModel, parseScopeModel, ScopeModelError } from '../../routing/scope/model.ts';
import { parseLabelled } from '../../src/cli/scope.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TRAINING = path.join(ROOT, 'routing/scope/training');
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vic-scope-'));

function labelled(file: string, evaluated: boolean): LabelledSet {
  const rows = parseLabelled(fs.readFileSync(path.join(TRAINING, file), 'utf8'));
  return {
    source: `routing/scope/training/${file}`,
    evaluated,
    examples: rows.map((r) => ({ text: r.text, appeal: r.label === 'appeal', lang: r.lang ?? 'ru' })),
  };
}

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}

describe('scope model training', () => {
  it('gives the same file byte for byte for the same data and seed, and the committed model is what its data gives', () => {
    const committed = fs.readFileSync(DEFAULT_MODEL_FILE, 'utf8');
    const recorded = JSON.parse(committed) as { seed: number; crossValidation: { folds: number } };
    const sets = () => [labelled('scope-train.jsonl', true), labelled('scope-dev.jsonl', true), labelled('own.jsonl', false)];
    const first = serializeModel(buildModel(sets(), recorded.seed, recorded.crossValidation.folds).file);
    const second = serializeModel(buildModel(sets(), recorded.seed, recorded.crossValidation.folds).file);
    expect(second).toBe(first);
    expect(first).toBe(committed);
  }, 120_000);

  it('cross-validates on the shared corpora to precision >= 0.95 and recall >= 0.88, overall and in ru, kk and mixed', () => {
    const model = loadScopeModel(DEFAULT_MODEL_FILE).file;
    expect(
      model.data.filter((d) => d.source.endsWith('scope-train.jsonl') || d.source.endsWith('scope-dev.jsonl')).map((d) => d.rows),
    ).toEqual([720, 142]);
    for (const f of [model.crossValidation.overall, ...['ru', 'kk', 'mixed'].map((l) => model.crossValidation.byLang[l])]) {
      expect(f.precision).toBeGreaterThanOrEqual(0.95);
      expect(f.recall).toBeGreaterThanOrEqual(0.88);
    }
    // The learned model must beat the baseline it was compared with.
    expect(model.crossValidation.overall.f1).toBeGreaterThan(model.crossValidation.baseline['naive Bayes'].f1);
  });

  it('`vic scope train` prints per-language cross-validated figures and writes a model that `vic scope eval` uses', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'model.json');
    const train = await run([
      'src/cli/vic.ts',
      'scope',
      'train',
      '--seed',
      '3',
      '--folds',
      '3',
      '--data',
      path.join(TRAINING, 'own.jsonl'),
      '--extra',
      path.join(TRAINING, 'scope-dev.jsonl'),
      '--out',
      out,
    ]);
    expect(train.err).toBe('');
    expect(train.code).toBe(0);
    expect(train.out).toMatch(/logistic regression, 3-fold cross-validation \(seed 3\)/);
    expect(train.out).toMatch(/^kk +\d+ +[01]\.\d{4} +[01]\.\d{4}/m);
    expect(train.out).toMatch(/^ru +\d+ +[01]\.\d{4} +[01]\.\d{4}/m);
    expect(train.out).toMatch(/naive Bayes \(baseline\)/);
    const { id } = JSON.parse(fs.readFileSync(out, 'utf8')) as { id: string };
    expect(train.out).toContain(`model ${id}`);
    const evaluated = await run(['src/cli/vic.ts', 'scope', 'eval', 'tests/fixtures/scope-blind.jsonl'], { SCOPE_MODEL_FILE: out });
    expect(evaluated.code).toBe(0);
    expect(evaluated.out).toContain(`model ${id}`);
    expect(Object.keys(JSON.parse(evaluated.out.trim().split('\n').at(-1)!) as Record<string, unknown>)).toEqual([
      'n',
      'precision',
      'recall',
      'f1',
      'flagged',
    ]);
  }, 120_000);
});

describe('scope model file', () => {
  const good = fs.readFileSync(DEFAULT_MODEL_FILE, 'utf8');
  type ModelJson = Record<string, unknown> & { weights: Record<string, number> };
  const edit = (change: (m: ModelJson) => void) => {
    const m = JSON.parse(good) as ModelJson;
    change(m);
    return JSON.stringify(m);
  };
  const refusal = (text: string) => {
    try {
      parseScopeModel(text);
    } catch (e) {
      expect(e).toBeInstanceOf(ScopeModelError);
      return (e as Error).message;
    }
    throw new Error('the model was accepted');
  };

  it('refuses a damaged, edited or foreign file with a reason', () => {
    expect(refusal(good.slice(0, good.length / 2))).toBe('not valid JSON');
    expect(refusal(edit((m) => (m.featureSet = 'skeleton-ngrams-cues/0')))).toMatch(
      /trained on features "skeleton-ngrams-cues\/0".*retrain/,
    );
    expect(refusal(edit((m) => (m.format = 'other/1')))).toMatch(/format is "other\/1"/);
    expect(refusal(edit((m) => (m.weights['w:otmenite'] = 9)))).toMatch(/do not match its id/);
    expect(refusal(edit((m) => (m.weights['w:otmenite'] = 'x' as unknown as number)))).toBe('weights.w:otmenite: not a finite number');
    expect(refusal(edit((m) => delete m.thresholds))).toMatch(/^thresholds: /);
  });

  it('stops start-up with one clear line when the model file is wrong', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'model.json');
    fs.writeFileSync(
      bad,
      edit((m) => (m.weights['w:otmenite'] = 9)),
    );
    const env = { DATA_DIR: path.join(dir, 'data'), PORT: '0', HOST: '127.0.0.1', ADMIN_PASSWORD: 'admin-secret-1', SCOPE_MODEL_FILE: bad };
    const { code, out, err } = await run(['src/main.ts'], env);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(`scope model ${bad}: its weights do not match its id (edited or damaged)\n`);
    const missing = await run(['src/main.ts'], { ...env, SCOPE_MODEL_FILE: path.join(dir, 'none.json') });
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(`scope model ${path.join(dir, 'none.json')}: cannot read (ENOENT)\n`);
  }, 60_000);
});

describe('explanations', () => {
  it('names the cues that fired and the words that weighed most, in both directions', () => {
    const appeal = classifyScope('Не согласен с решением суда, прошу отменить его');
    expect(appeal.verdict).toBe('appeal');
    expect(appeal.reasons).toContain('disagrees-with-act');
    expect(appeal.contributions.length).toBeGreaterThan(3);
    const strongest = appeal.contributions[0];
    expect(strongest.weight).toBeGreaterThan(0);
    const magnitudes = appeal.contributions.map((c) => Math.abs(c.weight));
    expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));
    const question = classifyScope('Какой срок подачи апелляционной жалобы на решение?');
    expect(question.verdict).toBe('in_scope');
    expect(question.contributions.some((c) => c.weight < 0)).toBe(true);
    expect(question.model).toMatch(/^[0-9a-f]{16}$/);
  });
});
