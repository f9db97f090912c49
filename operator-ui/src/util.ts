import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { errorText, useI18n } from './i18n.tsx';

/** A stable function that runs the latest `fn` once, `ms` after the last call (bursts of events → one reload). */
export function useDebounced(fn: () => void | Promise<void>, ms: number): () => void {
  const ref = useRef(fn);
  useLayoutEffect(() => {
    ref.current = fn;
  });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return useMemo(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void ref.current(), ms);
    },
    [ms],
  );
}

/** Focuses the element with this id once the next render has put it on the page: after adding, removing or
 * closing something, a keyboard user continues where they were instead of at the top of the page. */
export function useFocusAfterRender(): (id: string) => void {
  const pending = useRef<string | null>(null);
  const [, rerender] = useState(0);
  useEffect(() => {
    if (pending.current === null) return;
    document.getElementById(pending.current)?.focus();
    pending.current = null;
  });
  return useCallback((id: string) => {
    pending.current = id;
    rerender((n) => n + 1);
  }, []);
}

/**
 * One action's busy flag and error line: `run` clears the error, shows a failure in the interface language,
 * and answers whether the action succeeded (forms keep what was typed when it did not).
 */
export function useAction() {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(errorText(t, e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
