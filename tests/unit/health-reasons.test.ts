// Every reason code a channel gives for its health has a Russian and a Kazakh sentence in the console
// (operator-ui/src/admin/Channels.tsx shows `cleanup.health.<code>`, never the adapter's English): a code added to
// src/channel-health.ts without its two texts fails here.
import { describe, expect, it } from 'vitest';
import cleanup from '../../operator-ui/src/i18n/cleanup.ts';
import { HEALTH_REASONS } from '../../src/channel-health.ts';

const text = (lang: 'ru' | 'kk', code: string): string | undefined => (cleanup[lang] as Record<string, string>)[`cleanup.health.${code}`];

describe('console texts for the channels’ health reasons', () => {
  it.each(['ru', 'kk'] as const)('has a %s text for every reason code', (lang) => {
    expect(HEALTH_REASONS.filter((code) => !text(lang, code)?.trim())).toEqual([]);
  });

  it('says each reason in Kazakh in its own words, not a copy of the Russian', () => {
    expect(HEALTH_REASONS.length).toBeGreaterThan(20);
    expect(HEALTH_REASONS.filter((code) => text('kk', code) === text('ru', code))).toEqual([]);
  });
});
