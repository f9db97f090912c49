// The release build: `npm start` (scripts/start.mjs) builds dist/ when it is missing or stale and runs it with
// plain node. Run on a copy of the repository's sources in a temporary directory (node_modules linked), so the
// repository's own dist/ and sources are left alone; the copy is built once, then once more after an edit.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PARTS, sourceStamp, staleParts, writeStamp } from '../../scripts/stamp.mjs';
import { tempDir } from '../helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUILD_TIMEOUT = 180_000;

let copy: string;
beforeAll(() => {
  copy = tempDir();
  for (const entry of ['src', 'channels', 'routing', 'operator-ui', 'scripts', 'package.json', 'package-lock.json']) {
    fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true, filter: (src) => !/[/\\](dist|node_modules)$/.test(src) });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
});

interface Started {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  lines: Record<string, unknown>[];
}
const running: ChildProcess[] = [];
afterEach(() => {
  for (const c of running.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** `node <script>` in the copy, as `npm start` runs it, until /api/health answers 200. */
async function start(script: string, dataDir = tempDir()): Promise<Started> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_PASSWORD: 'admin-secret-1',
    LOG_LEVEL: 'info',
  };
  const child = spawn(process.execPath, [script], { cwd: copy, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const lines: Record<string, unknown>[] = [];
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (typeof entry.port === 'number') resolve(entry.port);
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${err}`)));
  });
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, port, stderr: () => err, lines };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

const distFiles = () => fs.readdirSync(path.join(copy, 'dist'), { recursive: true, encoding: 'utf8' });

describe('release build', () => {
  it(
    'npm start on a fresh clone builds dist/ first, then serves the API and the console from plain JavaScript',
    { timeout: BUILD_TIMEOUT },
    async () => {
      const vic = await start('scripts/start.mjs');
      expect(vic.stderr()).toContain('building server and ui');
      const health = await fetch(`http://127.0.0.1:${vic.port}/api/health`);
      expect(await health.json()).toMatchObject({ ok: true, channels: {} });
      expect(health.headers.get('x-request-id')).toBeTruthy();
      const page = await fetch(`http://127.0.0.1:${vic.port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<script type="module"[^>]* src="\/assets\/[^"]+\.js"/);
      expect(await stop(vic.child)).toBe(0);

      // Nothing TypeScript is left to load: every relative import points at compiled JavaScript.
      const files = distFiles();
      expect(files).toEqual(
        expect.arrayContaining([
          'src/main.js',
          'src/cli/vic.js',
          'channels/email/parse-worker.js',
          'routing/scope/model/scope-model.json',
          'operator-ui/dist/index.html',
        ]),
      );
      expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
      for (const f of files.filter((f) => /\.m?js$/.test(f))) {
        expect(fs.readFileSync(path.join(copy, 'dist', f), 'utf8'), f).not.toMatch(/(from|import\()\s*["']\.{1,2}\/[^"']+\.ts["']/);
      }
    },
  );

  it('runs the e-mail parser workers from the build, without a TypeScript loader', { timeout: BUILD_TIMEOUT }, () => {
    if (!fs.existsSync(path.join(copy, 'dist', 'channels', 'email', 'parse-pool.js')))
      spawnSync(process.execPath, ['scripts/build.mjs', '--only', 'server'], { cwd: copy });
    const script = `
      const { ParsePool } = await import('./dist/channels/email/parse-pool.js');
      const pool = new ParsePool({ deadlineMs: 10000, threads: 1 });
      const raw = Buffer.from('From: Citizen <citizen@example.com>\\r\\nTo: vic@example.org\\r\\nSubject: Question\\r\\nMessage-ID: <q1@example.com>\\r\\n\\r\\nWhen is the hearing?\\r\\n');
      const n = await pool.normalize(raw, { account: 'vic@example.org', attachmentsMaxBytes: 1e6, receivedAt: 0, ourMessageId: /@vic\\.test>$/ });
      await pool.destroy();
      process.stdout.write(JSON.stringify({ text: n.envelope.text, subject: n.envelope.thread?.subject }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: copy,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ text: expect.stringContaining('When is the hearing?') as string, subject: 'Question' });
  });

  it(
    'npm start builds nothing when dist/ is current, and builds an edited server again before it starts',
    { timeout: BUILD_TIMEOUT },
    async () => {
      const dataDir = tempDir();
      const first = await start('scripts/start.mjs', dataDir);
      await stop(first.child);
      const again = await start('scripts/start.mjs', dataDir);
      expect(again.stderr()).not.toContain('building');
      await stop(again.child);

      const main = path.join(copy, 'src', 'main.ts');
      fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace("'VIC is listening'", "'VIC is listening, edited'"));
      const edited = await start('scripts/start.mjs', dataDir);
      expect(edited.stderr()).toContain('building server (changed');
      expect(edited.lines.map((l) => l.msg)).toContain('VIC is listening, edited');
      await stop(edited.child);
    },
  );
});

describe('build stamp', () => {
  function tree() {
    const root = tempDir();
    const files: Record<string, string> = {
      'src/main.ts': 'export {};\n',
      'channels/email/index.ts': 'export {};\n',
      'routing/scope/model/scope-model.json': '{}\n',
      'operator-ui/src/App.tsx': 'export const App = 1;\n',
      'operator-ui/dist/index.html': 'built by hand\n',
      'package.json': '{}\n',
      'package-lock.json': '{}\n',
      'scripts/build.mjs': '\n',
      'scripts/stamp.mjs': '\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    const out = path.join(root, 'dist');
    for (const part of Object.values(PARTS)) {
      fs.mkdirSync(path.dirname(path.join(out, part.output)), { recursive: true });
      fs.writeFileSync(path.join(out, part.output), '');
    }
    return { root, out, edit: (rel: string, text: string) => fs.writeFileSync(path.join(root, rel), text) };
  }

  it('names the parts whose sources changed since they were built, by content', () => {
    const { root, out, edit } = tree();
    expect(staleParts(root, out)).toEqual(['server', 'ui']);
    writeStamp(out, sourceStamp(root));
    expect(staleParts(root, out)).toEqual([]);

    edit('operator-ui/src/App.tsx', 'export const App = 2;\n');
    expect(staleParts(root, out)).toEqual(['ui']);
    writeStamp(out, sourceStamp(root));
    // Same contents, a new time (a checkout): nothing to build. The console's own build output is not a source.
    edit('operator-ui/src/App.tsx', 'export const App = 2;\n');
    edit('operator-ui/dist/index.html', 'built again\n');
    expect(staleParts(root, out)).toEqual([]);

    edit('routing/scope/model/scope-model.json', '{"retrained":true}\n');
    expect(staleParts(root, out)).toEqual(['server']);
    writeStamp(out, sourceStamp(root));
    fs.writeFileSync(path.join(root, 'channels/email/new.ts'), 'export {};\n');
    expect(staleParts(root, out)).toEqual(['server']);
    writeStamp(out, sourceStamp(root));

    edit('package-lock.json', '{"lockfileVersion":3}\n');
    expect(staleParts(root, out)).toEqual(['server', 'ui']);
    writeStamp(out, sourceStamp(root));
    fs.rmSync(path.join(out, PARTS.server.output));
    expect(staleParts(root, out)).toEqual(['server']);
  });
});
