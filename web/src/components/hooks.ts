import { useCallback, useEffect, useRef, useState } from 'react';
import { parseRoute, type Route } from '../state/route.js';

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function navigate(href: string): void {
  window.location.hash = href.replace(/^#/, '');
}

/**
 * Loads data with `load` whenever `deps` change; exposes loading/error and a reload. A reload that
 * fails (one lost poll) keeps the last data beside the error, so live views stay up and keep
 * polling; a failure for new deps shows no stale data of the old ones.
 */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const lastDeps = useRef<unknown[] | null>(null);
  useEffect(() => {
    let alive = true;
    const prev = lastDeps.current;
    const sameDeps = prev !== null && prev.length === deps.length && deps.every((d, i) => Object.is(d, prev[i]));
    lastDeps.current = deps;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => alive && setState({ data, error: null, loading: false }),
      (error: unknown) => alive && setState((s) => ({ data: sameDeps ? s.data : null, error, loading: false })),
    );
    return () => {
      alive = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** Calls `tick` every `ms` while `active` (live progress of unfinished jobs). */
export function usePolling(active: boolean, tick: () => void, ms: number): void {
  useEffect(() => {
    if (!active) return;
    const t = setInterval(tick, ms);
    return () => clearInterval(t);
  }, [active, tick, ms]);
}
