import { describe, expect, it } from 'vitest';
import { PromiseCache } from '@/shared/promise-cache.js';

describe('PromiseCache', () => {
  it('shares one piece of work between concurrent first uses', async () => {
    const cache = new PromiseCache<number>({ max: 4 });
    let calls = 0;
    let release!: () => void;
    const pending = new Promise<void>((r) => (release = r));
    const make = async () => {
      calls += 1;
      await pending;
      return 42;
    };
    const both = Promise.all([cache.getOrCreate('k', make), cache.getOrCreate('k', make)]);
    release();
    expect(await both).toEqual([42, 42]);
    expect(calls).toBe(1);
    expect(await cache.get('k')).toBe(42);
  });

  it('forgets a rejected promise, so the next use tries again', async () => {
    const cache = new PromiseCache<string>({ max: 4 });
    await expect(cache.getOrCreate('k', () => Promise.reject(new Error('bad')))).rejects.toThrow('bad');
    await new Promise((r) => setImmediate(r));
    expect(cache.get('k')).toBeUndefined();
    expect(await cache.getOrCreate('k', async () => 'good')).toBe('good');
  });

  it('keeps at most max entries, dropping the least recently used', async () => {
    const cache = new PromiseCache<number>({ max: 2 });
    await cache.getOrCreate('a', async () => 1);
    await cache.getOrCreate('b', async () => 2);
    await cache.get('a'); // a is now more recent than b
    await cache.getOrCreate('c', async () => 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe(1);
  });

  it("with ttlMs, an entry older than that is made again (on the cache's clock)", async () => {
    let now = 1_000;
    const cache = new PromiseCache<number>({ max: 4, ttlMs: 500, now: () => now });
    let n = 0;
    const make = async () => ++n;
    expect(await cache.getOrCreate('k', make)).toBe(1);
    now += 499;
    expect(await cache.getOrCreate('k', make)).toBe(1);
    now += 2;
    expect(await cache.getOrCreate('k', make)).toBe(2);
    expect(await cache.getOrCreate('k', make)).toBe(2);
  });
});
