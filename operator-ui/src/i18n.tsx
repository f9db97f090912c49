// Interface language: every label in Russian and Kazakh. Russian is the default; the choice is remembered
// in this browser. The Kazakh dictionary is typed against the Russian one, so a missing label fails the build.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { kk, ru, type Key } from './i18n/dictionaries.ts';

export type { Key };
export type Lang = 'ru' | 'kk';
const dictionaries: Record<Lang, Record<Key, string>> = { ru, kk };
const STORAGE_KEY = 'vic.lang';

export type T = (key: Key, params?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: T;
}

const Ctx = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'kk' ? 'kk' : 'ru';
  } catch {
    return 'ru';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // Private mode without storage: the choice lasts until reload.
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const dict = dictionaries[lang];
    const t: T = (key, params) => {
      let s = dict[key];
      if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
      return s;
    };
    return { lang, setLang, t };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

/** Whether a key built at run time (`error.${code}`) has a text. */
export function isKey(key: string): key is Key {
  return Object.hasOwn(ru, key);
}

// The error texts live in errors-text.ts; exported here too for the modules that import it from here.
export { errorText } from './errors-text.ts';

export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div className="lang-switch" role="group" aria-label={t('lang.label')}>
      <button type="button" lang="ru" aria-pressed={lang === 'ru'} onClick={() => setLang('ru')}>
        Русский
      </button>
      <button type="button" lang="kk" aria-pressed={lang === 'kk'} onClick={() => setLang('kk')}>
        Қазақша
      </button>
    </div>
  );
}
