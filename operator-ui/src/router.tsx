// A tiny history-API router: the server answers every non-API path with the console (SPA fallback),
// so a ticket's URL can be bookmarked, reloaded and shared.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();
const subscribe = (fn: () => void) => {
  listeners.add(fn);
  window.addEventListener('popstate', fn);
  return () => {
    listeners.delete(fn);
    window.removeEventListener('popstate', fn);
  };
};
const snapshot = () => location.pathname + location.search;

export function navigate(url: string, replace = false) {
  if (url === snapshot()) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const fn of listeners) fn();
}

export function useLocation(): { path: string; params: URLSearchParams } {
  const url = useSyncExternalStore(subscribe, snapshot);
  const u = new URL(url, location.origin);
  return { path: u.pathname, params: u.searchParams };
}

/** An ordinary link (open in new tab still works) that navigates without reloading. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest} />;
}
