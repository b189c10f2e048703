import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { parseRoute, type Route } from '../state/route.js';

function subscribeToHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}
const currentHash = () => window.location.hash;

/**
 * The route of the URL hash. An external store rather than state + a passive effect: that effect
 * subscribed a frame after the first render, so a hash change in that frame was never seen.
 */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribeToHash, currentHash);
  return useMemo(() => parseRoute(hash), [hash]);
}

/**
 * Runs one async action at a time: while it runs `busy` is true (for disabling its buttons) and
 * further calls are ignored. The ref, not the state, is what blocks: a second click can arrive before
 * the render that disables the button (a double click publishing two versions).
 */
export function useExclusiveAction(): { busy: boolean; run: (action: () => Promise<void>) => Promise<void> } {
  const running = useRef(false);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (action: () => Promise<void>) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    try {
      await action();
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  return { busy, run };
}

export function navigate(href: string): void {
  window.location.hash = href.replace(/^#/, '');
}

/**
 * Loads data with `load` whenever `deps` change; exposes loading/error and a reload. A reload that
 * fails (one lost poll) keeps the last data beside the error, so live views stay up and keep
 * polling; new deps show no data (nor error) of the old ones.
 *
 * What is shown is derived during render from which deps and reload the answer belongs to, not
 * cleared by the effect that starts the next load: with that effect, the frame in which deps changed
 * (a search, the next page) showed the old answer as the new one, with `loading` false, so the
 * "No template matches …" line or an enabled "Next" (the old page's cursor) could be acted on.
 */
export function useAsync<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data: T | null; error: unknown; loading: boolean; reload: () => void } {
  const [answer, setAnswer] = useState<{ data: T | null; error: unknown; deps: unknown[] | null; tick: number }>({
    data: null,
    error: null,
    deps: null,
    tick: -1,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    load().then(
      (data) => alive && setAnswer({ data, error: null, deps, tick }),
      (error: unknown) => alive && setAnswer((a) => ({ data: sameDeps(a.deps, deps) ? a.data : null, error, deps, tick })),
    );
    return () => {
      alive = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const current = sameDeps(answer.deps, deps);
  const settled = current && answer.tick === tick;
  return { data: current ? answer.data : null, error: settled ? answer.error : null, loading: !settled, reload };
}

function sameDeps(a: readonly unknown[] | null, b: readonly unknown[]): boolean {
  return a !== null && a.length === b.length && b.every((d, i) => Object.is(d, a[i]));
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

/**
 * Reloads `res` `ms` after each answer while `active` (live progress of unfinished jobs). Timed from
 * the last answer, not a fixed interval: a reload drops the answer still in flight, so with
 * setInterval a server slower than `ms` per request (a loaded machine) never got an answer shown
 * and the progress stood still until the job was over, or forever.
 */
export function usePolling(
  active: boolean,
  res: { loading: boolean; reload: () => void },
  ms: number,
  stalledMs = Math.max(ms * 5, 15_000),
): void {
  const { loading, reload } = res;
  useEffect(() => {
    if (!active) return;
    // A request that never answers (a laptop waking from sleep, a network change) would otherwise
    // stop the polling for good: after `stalledMs` it is abandoned and asked again.
    const t = setTimeout(reload, loading ? stalledMs : ms);
    return () => clearTimeout(t);
  }, [active, loading, reload, ms, stalledMs]);
}

/**
 * Copies text to the clipboard and remembers what was copied last (`what`, for a status line);
 * '' when nothing was, or the browser refused (no permission, an insecure origin).
 */
export function useClipboard(): [copied: string, copy: (text: string, what: string) => Promise<void>] {
  const [copied, setCopied] = useState('');
  const copy = useCallback(async (text: string, what: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(what);
    } catch {
      setCopied('');
    }
  }, []);
  return [copied, copy];
}
