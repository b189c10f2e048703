import { LRUCache } from 'lru-cache';

/**
 * Memoised async work by key: at most `max` entries (least recently used dropped first), each
 * optionally for `ttlMs`. The promise is kept, so concurrent first uses share one piece of work;
 * a rejected one is forgotten, so the next use tries again. One mechanism for compiled templates,
 * decoded images and a job's template snapshot.
 */
export class PromiseCache<T> {
  private readonly cache: LRUCache<string, Promise<T>>;

  /** `now` (milliseconds, default performance.now) is the clock entries age by; tests pass their own. */
  constructor(opts: { max: number; ttlMs?: number; now?: () => number }) {
    this.cache = new LRUCache<string, Promise<T>>({
      max: opts.max,
      ...(opts.ttlMs ? { ttl: opts.ttlMs } : {}),
      // lru-cache reuses one reading of its clock for ttlResolution ms of real time; a given clock
      // is read every time, so moving it is seen at once.
      ...(opts.now ? { perf: { now: opts.now }, ttlResolution: 0 } : {}),
    });
  }

  /** The cached promise, if any (counts as a use). */
  get(key: string): Promise<T> | undefined {
    return this.cache.get(key);
  }

  /** The cached promise, or the one `make` starts (called only on a miss). */
  getOrCreate(key: string, make: () => Promise<T>): Promise<T> {
    let entry = this.cache.get(key);
    if (!entry) {
      const made = make();
      entry = made;
      this.cache.set(key, made);
      made.catch(() => {
        if (this.cache.peek(key) === made) this.cache.delete(key);
      });
    }
    return entry;
  }

  get size(): number {
    return this.cache.size;
  }

  clear(): void {
    this.cache.clear();
  }
}
