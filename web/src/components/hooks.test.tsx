// @vitest-environment jsdom
import { act, renderHook, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { flushSync } from 'react-dom';
import { describe, expect, it, vi } from 'vitest';
import { openFrameRoot, microtask } from '../test-frames.js';
import { useAsync, useExclusiveAction, usePolling } from './hooks.js';

/** A search box over useAsync: the answer shown, and whether it is still loading. */
function Search({ answer }: { answer: (q: string) => Promise<string[]> }) {
  const [query, setQuery] = useState('old');
  const res = useAsync(() => answer(query), [query]);
  return (
    <>
      <button type="button" onClick={() => setQuery('new')}>
        search
      </button>
      <output data-loading={String(res.loading)}>{res.data ? res.data.join(',') : '—'}</output>
    </>
  );
}

describe('useAsync', () => {
  it('a failed reload keeps the last data beside the error (live views keep polling)', async () => {
    let fail = false;
    let n = 0;
    const { result } = renderHook(() =>
      useAsync(async () => {
        n += 1;
        if (fail) throw new Error('network down');
        return { status: 'running', n };
      }, []),
    );
    await waitFor(() => expect(result.current.data).toEqual({ status: 'running', n: 1 }));
    fail = true;
    act(() => result.current.reload());
    await waitFor(() => expect(result.current.error).toBeInstanceOf(Error));
    expect(result.current.data).toEqual({ status: 'running', n: 1 });
    fail = false;
    act(() => result.current.reload());
    await waitFor(() => expect(result.current.data).toEqual({ status: 'running', n: 3 }));
    expect(result.current.error).toBeNull();
  });

  // Without act() (web/src/test-frames.ts): act() would flush the frame in question.
  it('new deps show no answer of the old ones, and say they are loading, in the frame they change', async () => {
    const { host, root, close } = openFrameRoot();
    try {
      const answer = (q: string) => (q === 'old' ? Promise.resolve(['old result']) : new Promise<string[]>(() => undefined));
      flushSync(() => root.render(<Search answer={answer} />));
      const out = host.querySelector('output')!;
      await waitFor(() => expect(out.textContent).toBe('old result'));
      expect(out.getAttribute('data-loading')).toBe('false');
      host.querySelector('button')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      await microtask();
      expect(out.textContent).toBe('—');
      expect(out.getAttribute('data-loading')).toBe('true');
    } finally {
      close();
    }
  });

  it('a failure for new deps shows no data of the old ones', async () => {
    const { result, rerender } = renderHook(
      ({ id }: { id: string }) =>
        useAsync(async () => {
          if (id === 'missing') throw new Error('404');
          return { id };
        }, [id]),
      { initialProps: { id: 'a' } },
    );
    await waitFor(() => expect(result.current.data).toEqual({ id: 'a' }));
    rerender({ id: 'missing' });
    await waitFor(() => expect(result.current.error).toBeInstanceOf(Error));
    expect(result.current.data).toBeNull();
  });
});

/** A button running one slow action through useExclusiveAction. */
function Publish({ action }: { action: () => Promise<void> }) {
  const { busy, run } = useExclusiveAction();
  return (
    <button type="button" disabled={busy} onClick={() => void run(action)}>
      publish
    </button>
  );
}

describe('useExclusiveAction', () => {
  it('a double click runs the action once; the button is disabled until it ends, then works again', async () => {
    const { host, root, close } = openFrameRoot();
    let calls = 0;
    let finish = () => undefined as void;
    const action = () => {
      calls += 1;
      return new Promise<void>((resolve) => (finish = resolve));
    };
    try {
      flushSync(() => root.render(<Publish action={action} />));
      const button = host.querySelector('button')!;
      // Two clicks in one task: the second arrives before any render could disable the button.
      button.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      button.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      expect(calls).toBe(1);
      await waitFor(() => expect(button.disabled).toBe(true));
      finish();
      await waitFor(() => expect(button.disabled).toBe(false));
      button.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      expect(calls).toBe(2);
    } finally {
      close();
    }
  });
});

describe('usePolling', () => {
  // Polling is time: a fake clock steps through it to the millisecond instead of waiting it out.
  it('a poll that never answers is abandoned after stalledMs and asked again, so progress keeps coming', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let calls = 0;
      const { result } = renderHook(() => {
        const res = useAsync(() => {
          calls += 1;
          // The second request hangs forever (the network dropped it); the others answer.
          return calls === 2 ? new Promise<number>(() => undefined) : Promise.resolve(calls);
        }, []);
        usePolling(true, res, 2_000, 15_000);
        return res;
      });
      const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));
      await advance(0);
      expect(result.current.data).toBe(1);
      await advance(1_999);
      expect(calls).toBe(1);
      await advance(1); // ms after the answer: asked again (and this request hangs)
      expect(calls).toBe(2);
      await advance(14_999);
      expect(calls).toBe(2);
      expect(result.current.data).toBe(1);
      await advance(1); // stalledMs without an answer: abandoned, asked again
      expect(calls).toBe(3);
      expect(result.current.data).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
