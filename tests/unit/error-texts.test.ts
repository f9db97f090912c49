// Every error code the API can return has a Russian and a Kazakh text in the console (operator-ui/src/errors-text.ts
// shows `error.<CODE>`, never the server's English message): a code added to src/errors.ts without its two texts
// fails here.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.ts';

const source = fs.readFileSync(path.resolve(import.meta.dirname, '../../operator-ui/src/i18n.tsx'), 'utf8');

/** The keys of one dictionary: the text between `const <name>` and the next top-level `export`. */
function keysOf(name: 'ru' | 'kk'): Set<string> {
  const start = source.indexOf(`\nconst ${name}`);
  const end = source.indexOf('\nexport ', start);
  expect(start, `const ${name} in i18n.tsx`).toBeGreaterThan(0);
  return new Set([...source.slice(start, end).matchAll(/^\s*'([^']+)':/gm)].map((m) => m[1]));
}

describe('console texts for the server’s error codes', () => {
  const codes = Object.keys(ERRORS);

  it.each(['ru', 'kk'] as const)('has a %s text for every code in src/errors.ts', (lang) => {
    const keys = keysOf(lang);
    expect(codes.filter((c) => !keys.has(`error.${c}`))).toEqual([]);
  });

  it('reads the codes and the dictionaries it checks', () => {
    expect(codes.length).toBeGreaterThan(30);
    expect(codes).toContain('VIC_CHANNEL_NOT_CONNECTED');
    expect(keysOf('ru').size).toBeGreaterThan(300);
    expect(keysOf('kk').size).toBe(keysOf('ru').size);
  });
});
