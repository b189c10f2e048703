import os from 'node:os';
import { acquirePool, leaseExistingPool, batchPoolStats, templateKey, type BatchPool, type PoolLease } from './batch-pool.js';
import { PromiseCache } from '@/shared/promise-cache.js';
import { compileTemplate, type CompiledTemplate } from './compile.js';
import type { EngineField, GenerateOptions, GeneratedDocument } from './types.js';

export { closeBatchPool, batchPoolStats } from './batch-pool.js';

export interface BatchInput {
  base: Uint8Array;
  fields: EngineField[];
  records: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>;
  options?: GenerateOptions;
  /** Worker threads (default: every core). 1 = generate in this thread. */
  concurrency?: number;
  /**
   * 'auto' (default): use the shared worker pool when it is running, this thread generating
   * beside it whenever the pool's window is full; with no pool running, generate in this thread
   * and start the pool only when the remaining work is estimated to outlast its start-up (this
   * thread keeps generating meanwhile). 'workers': only the pool. 'in-process': only this thread.
   */
  strategy?: 'auto' | 'workers' | 'in-process';
  /** Called after each record (done counts failures too); total when `records` has a length. */
  onProgress?: (done: number, total?: number) => void;
  /** Called as each document completes (not in record order); its promise is awaited before more work is taken (backpressure). */
  onDocument: (index: number, doc: GeneratedDocument) => Promise<void> | void;
}

export interface BatchResult {
  done: number;
  failed: number;
  errors: { index: number; error: string }[];
  /** Worker threads that generated some of the documents (0: all in this thread). */
  threads: number;
}

/** Assumed pool start-up before one has been measured in this process (ms, 2 threads, some load). */
const DEFAULT_POOL_START_MS = 1500;
/** Records generated in this thread before the per-record cost is trusted for the estimate. */
const SAMPLE = 16;
/** The pool is started when the remaining work in this thread exceeds this many start-up times. */
const START_PAYBACK = 3;
/** Records per worker task: one message each way per chunk rather than per record (~0.1 ms each). */
const CHUNK = 4;

function lengthOf(records: BatchInput['records']): number | undefined {
  return Array.isArray(records) ? records.length : undefined;
}

// The last few templates compiled in this thread, by key (a service runs the same templates again).
const localCache = new PromiseCache<CompiledTemplate>({ max: 4 });

/**
 * Streams records through the compiled template with bounded in-flight work (2 × threads chunks
 * of CHUNK records, plus their onDocument calls), so memory stays flat however many records come. Worker
 * threads come from one long-lived pool per process (batch-pool.ts); while it starts (or when the
 * batch is too small to repay starting it) records are generated in this thread, so a batch is
 * never slower than one thread. A record that fails is counted and reported; the batch goes on.
 */
export async function generateBatch(input: BatchInput): Promise<BatchResult> {
  const template = { base: input.base, fields: input.fields };
  const key = templateKey(template);
  // Compile here first: a bad base or template fails the batch at once, not per record.
  const local = await localCache.getOrCreate(key, () => compileTemplate(input.base, input.fields));
  const threads = Math.max(1, input.concurrency ?? os.availableParallelism());
  const strategy = threads === 1 ? 'in-process' : (input.strategy ?? 'auto');

  // The pool is leased while this batch uses it: a concurrent batch never closes or resizes it under us.
  const leases: PoolLease[] = [];
  let finished = false;
  const take = (l: PoolLease | undefined): BatchPool | undefined => {
    if (!l) return undefined;
    if (finished) {
      l.release(); // started for us after we were done: leave it idle for the next batch
      return undefined;
    }
    leases.push(l);
    return l.pool;
  };
  let pool = take(strategy === 'in-process' ? undefined : leaseExistingPool(threads));
  if (strategy === 'workers' && !pool) pool = take(await acquirePool(threads, key, template));
  let startingPool = false;
  const startPool = (): void => {
    startingPool = true;
    void acquirePool(threads, key, template).then(
      (l) => {
        pool = take(l) ?? pool;
      },
      () => {},
    );
  };
  const poolUsable = (): boolean => pool !== undefined && (strategy === 'workers' || pool.ready);

  const total = lengthOf(input.records);
  const result: BatchResult = { done: 0, failed: 0, errors: [], threads: 0 };
  const inFlight = new Set<Promise<void>>();
  // Bounded memory: at most `window` chunks of `chunkSize` records in flight (and being collected).
  const chunkSize = CHUNK;
  const window = threads * 2;
  let index = 0;
  const recent = new Array<number>(16).fill(0);
  let localDone = 0;
  let usedPool = false;

  const finish = async (i: number, doc: Promise<GeneratedDocument>): Promise<void> => {
    try {
      await input.onDocument(i, await doc);
      result.done++;
    } catch (e) {
      result.failed++;
      result.errors.push({ index: i, error: e instanceof Error ? e.message : String(e) });
    }
    input.onProgress?.(result.done + result.failed, total);
  };

  let chunk: { i: number; record: Record<string, unknown> }[] = [];
  const flush = async (): Promise<void> => {
    const c = chunk;
    chunk = [];
    usedPool = true;
    const run = pool!.run(
      key,
      template,
      c.map((x) => x.record),
      input.options,
    );
    const job = (async () => {
      let docs: Awaited<typeof run> | undefined;
      let failure: unknown;
      try {
        docs = await run;
      } catch (e) {
        failure = e;
      }
      for (const [k, { i }] of c.entries()) {
        const d = docs?.[k];
        await finish(
          i,
          d && 'bytes' in d ? Promise.resolve(d) : Promise.reject(failure ?? new Error(d && 'error' in d ? d.error : 'no document')),
        );
      }
    })();
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
    if (inFlight.size >= window) await Promise.race(inFlight);
  };

  try {
    for await (const record of input.records as AsyncIterable<Record<string, unknown>>) {
      const i = index++;
      // 'workers': every record to the pool, waiting for room. 'auto': to the pool while it has
      // room, otherwise generated here: this thread (its JIT warm) works beside the workers
      // rather than waiting, so a batch is never slower than this thread alone.
      if (poolUsable() && (strategy === 'workers' || inFlight.size < window)) {
        chunk.push({ i, record });
        if (chunk.length >= chunkSize) await flush();
        continue;
      }
      const t0 = performance.now();
      await finish(i, local.generate(record, input.options));
      recent[localDone++ % recent.length] = performance.now() - t0;
      if (strategy === 'auto' && !startingPool && !pool && localDone >= SAMPLE) {
        // Start the pool only when the rest of the batch would take this thread well over the
        // pool's start-up: starting costs CPU on the same cores (each thread loads the engine),
        // which a short remainder never earns back. Median per-record time: robust to GC pauses
        // and the first, cold documents.
        const sample = recent.slice(0, Math.min(localDone, recent.length)).sort((a, b) => a - b);
        const perRecord = sample[sample.length >> 1];
        const remaining = total !== undefined ? (total - i - 1) * perRecord : localDone * perRecord;
        if (remaining > START_PAYBACK * (batchPoolStats().lastStartMs ?? DEFAULT_POOL_START_MS)) startPool();
      }
      // Let pool start-up and finished worker jobs make progress between in-thread records.
      if (startingPool || inFlight.size > 0) await new Promise((r) => setImmediate(r));
    }
    if (chunk.length > 0) await flush();
    await Promise.all(inFlight);
  } finally {
    finished = true;
    for (const l of leases) l.release();
  }
  result.threads = usedPool ? pool!.threads : 0;
  result.errors.sort((a, b) => a.index - b.index);
  return result;
}
