import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { eventually, GiveUp } from './eventually.js';

describe('eventually()', () => {
  it('retries until the assertion passes and returns what the check returned', async () => {
    let calls = 0;
    const value = await eventually(
      () => {
        calls += 1;
        expect(calls).toBeGreaterThanOrEqual(3);
        return `after ${calls}`;
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('after 3');
    expect(calls).toBe(3);
  });

  it('after the deadline, throws the last failure with what was awaited', async () => {
    let calls = 0;
    const failure = await eventually(
      () => {
        calls += 1;
        expect(calls).toBe(0);
      },
      { timeoutMs: 30, intervalMs: 1, what: 'the counter' },
    ).catch((err: unknown) => err as Error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure!.message).toMatch(/^the counter did not hold within 30 ms \(\d+ attempts\): /);
    // The last attempt's failure, not the first one's.
    expect(failure!.message).toMatch(new RegExp(`: expected ${calls} to be \\+?0\\b`));
    expect(calls).toBeGreaterThan(1);
  });

  it('stops at once on GiveUp', async () => {
    const check = vi.fn(() => {
      throw new GiveUp('the server exited');
    });
    await expect(eventually(check, { timeoutMs: 60_000 })).rejects.toThrow(/\(1 attempt\): the server exited$/);
    expect(check).toHaveBeenCalledTimes(1);
  });

  it('awaits async checks and still polls while Date and setTimeout are faked', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      let ready = false;
      // Real time passes (node:timers/promises is not faked), as it does for a server's I/O.
      void delay(20).then(() => (ready = true));
      let calls = 0;
      await eventually(
        async () => {
          calls += 1;
          expect(ready).toBe(true);
        },
        { timeoutMs: 5_000, intervalMs: 1 },
      );
      expect(calls).toBeGreaterThan(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
