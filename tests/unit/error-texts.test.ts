// Every error code the API can return has a Russian and a Kazakh text in the console (operator-ui/src/errors-text.ts
// shows `error.<CODE>`, never the server's English message): a code added to src/errors.ts without its two texts
// fails here. The labels live in one file per part of the console; a key two parts define would silently take
// the later part's text, so that fails here too.
import { describe, expect, it } from 'vitest';
import { PARTS, kk, ru } from '../../operator-ui/src/i18n/dictionaries.ts';
import { ERRORS } from '../../src/errors.ts';

const dictionaries = { ru: ru as Record<string, string>, kk: kk as Record<string, string> };

describe('console texts for the server’s error codes', () => {
  const codes = Object.keys(ERRORS);

  it.each(['ru', 'kk'] as const)('has a %s text for every code in src/errors.ts', (lang) => {
    expect(codes.filter((c) => !dictionaries[lang][`error.${c}`]?.trim())).toEqual([]);
  });

  it('reads the codes and the dictionaries it checks', () => {
    expect(codes.length).toBeGreaterThan(30);
    expect(codes).toContain('VIC_CHANNEL_NOT_CONNECTED');
    expect(Object.keys(ru).length).toBeGreaterThan(300);
    expect(Object.keys(kk).length).toBe(Object.keys(ru).length);
  });
});

describe('the console’s label files', () => {
  it('define each key in one part only', () => {
    const owner = new Map<string, string>();
    const twice: string[] = [];
    for (const [part, d] of Object.entries(PARTS))
      for (const key of Object.keys(d.ru)) {
        if (owner.has(key)) twice.push(`${key}: ${owner.get(key)} and ${part}`);
        owner.set(key, part);
      }
    expect(twice).toEqual([]);
    expect(owner.size).toBe(Object.keys(ru).length);
  });
});
