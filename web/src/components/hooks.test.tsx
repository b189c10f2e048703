// @vitest-environment jsdom
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useAsync } from './hooks.js';

describe('useAsync', () => {
  it('a failed reload keeps the last data beside the error (live views keep polling)', async () => {
    let fail = false;
    let n = 0;
    const { result } = renderHook(() => useAsync(async () => {
      n += 1;
      if (fail) throw new Error('network down');
      return { status: 'running', n };
    }, []));
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

  it('a failure for new deps shows no data of the old ones', async () => {
    const { result, rerender } = renderHook(({ id }: { id: string }) => useAsync(async () => {
      if (id === 'missing') throw new Error('404');
      return { id };
    }, [id]), { initialProps: { id: 'a' } });
    await waitFor(() => expect(result.current.data).toEqual({ id: 'a' }));
    rerender({ id: 'missing' });
    await waitFor(() => expect(result.current.error).toBeInstanceOf(Error));
    expect(result.current.data).toBeNull();
  });
});
