import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';

/** A stable function that runs the latest `fn` once, `ms` after the last call (bursts of events → one reload). */
export function useDebounced(fn: () => void | Promise<void>, ms: number): () => void {
  const ref = useRef(fn);
  useLayoutEffect(() => {
    ref.current = fn;
  });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  return useMemo(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void ref.current(), ms);
    },
    [ms],
  );
}
