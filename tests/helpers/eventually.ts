import { setTimeout as delay } from 'node:timers/promises';

/**
 * The one way tests wait for something that happens in the background (a queue delivery, a job
 * finishing, a server answering): instead of sleeping a guessed time, poll an assertion until it
 * passes. Hand-written because it is a dozen lines and must report the test's own last assertion
 * failure (vitest's vi.waitFor is tied to its fake-timer state; this one is not).
 *
 * Polling uses node:timers/promises and performance.now(), which vitest's fake timers leave alone,
 * so a test that fakes Date or setTimeout can still wait for real I/O.
 */
export interface EventuallyOptions {
  /** Give up after this long (default 20 s); the last failure is thrown. */
  timeoutMs?: number;
  /** Pause between attempts (default 50 ms). */
  intervalMs?: number;
  /** What is awaited, for the failure message ("the job to finish"). */
  what?: string;
}

/** Thrown from a check to stop waiting at once (e.g. the server being waited for has exited). */
export class GiveUp extends Error {
  override name = 'GiveUp';
}

/** Calls `check` until it returns without throwing, and returns its value; after the deadline, throws its last failure. */
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 50, what = 'the condition' } = options;
  const deadline = performance.now() + timeoutMs;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      return await check();
    } catch (err) {
      if (err instanceof GiveUp || performance.now() >= deadline) {
        const reason = `${what} did not hold within ${timeoutMs} ms (${attempts} attempt${attempts === 1 ? '' : 's'})`;
        if (err instanceof Error) {
          // The check's own error, so an assertion keeps its expected/actual diff in the report.
          err.message = `${reason}: ${err.message}`;
          throw err;
        }
        throw new Error(`${reason}: ${String(err)}`, { cause: err });
      }
    }
    await delay(intervalMs);
  }
}
