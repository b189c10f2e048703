import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Transferable } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { workerModule } from '@/shared/threads/worker-module.js';
import type { EngineTask, EngineTaskResult, TemplateInputs, WorkerDocument } from './batch-worker.js';
import type { GenerateOptions } from './types.js';

/**
 * One long-lived worker pool per process, shared by every batch. Starting workers is the
 * expensive part of a batch (each thread loads pdf-lib and fontkit: ~0.5 s of CPU per thread on
 * an idle machine, several seconds on a loaded one), so the pool is started once, kept while the
 * process lives, and closed by closeBatchPool() or when the process is about to exit. Idle
 * piscina workers are unref'd: a kept pool does not hold the process open.
 */

const here = path.dirname(fileURLToPath(import.meta.url));

/** The worker module (batch-worker.ts; the tsx shim when esbuild is unavailable): shared/threads/worker-module.ts. */
function workerFilename(): Promise<string | undefined> {
  return workerModule(here, 'batch-worker', path.join(here, 'batch-worker-tsx.mjs'));
}

/**
 * Per-thread heap budget of the pool (MB of old generation), fixed when the pool starts: a document
 * that needs more fails alone (its thread is replaced), not the process. Set before the first start.
 */
let heapBudgetMb: number | undefined;
export function setPoolHeapBudget(mb: number | undefined): void {
  heapBudgetMb = mb;
}

/**
 * Young generation of each engine thread (MB): V8's default lets a thread's nursery grow to 32 MB
 * of resident memory. A document's garbage is short-lived and small, so 16 MB (semi-spaces of about
 * 5 MB) renders as fast (2-thread batch within run-to-run noise, 3,540-3,870 docs/s either way) and
 * keeps ~20 MB less per thread resident.
 */
const YOUNG_GENERATION_MB = 16;

/** Identifies a template's inputs: the workers' compile cache key. */
export function templateKey(t: TemplateInputs): string {
  return createHash('sha256').update(t.base).update(JSON.stringify(t.fields)).digest('base64url');
}

export interface BatchPool {
  threads: number;
  /** Some worker has loaded the engine and compiled a template: tasks now start at once. */
  ready: boolean;
  /** Resolves when ready (rejects when no worker could start). */
  whenReady: Promise<void>;
  /** Generates a chunk of records on one thread; each entry is its document or its error message. */
  run(key: string, template: TemplateInputs, payloads: Record<string, unknown>[], options?: GenerateOptions): Promise<WorkerDocument[]>;
  /**
   * Any task of the worker (one document, one inspection, one merge); aborting the signal ends the
   * thread running it. `transferList` moves ports or buffers of the task instead of copying them.
   */
  task(task: EngineTask, signal?: AbortSignal, transferList?: Transferable[]): Promise<EngineTaskResult>;
}

let current: { pool: Piscina<EngineTask, EngineTaskResult>; api: BatchPool; users: number } | undefined;
let starting: Promise<PoolLease | undefined> | undefined;
const stats = { starts: 0, lastStartMs: undefined as number | undefined };

/** Pool start-ups so far in this process, and how long the last took to become ready. */
export function batchPoolStats(): { starts: number; lastStartMs?: number; threads: number; ready: boolean } {
  return { starts: stats.starts, lastStartMs: stats.lastStartMs, threads: current?.api.threads ?? 0, ready: current?.api.ready ?? false };
}

/** A batch's hold on the shared pool: while held, the pool is never closed or resized under it. */
export interface PoolLease {
  pool: BatchPool;
  /** Idempotent. */
  release(): void;
}

function lease(c: NonNullable<typeof current>): PoolLease {
  c.users++;
  let released = false;
  return {
    pool: c.api,
    release: () => {
      if (!released) {
        released = true;
        c.users--;
      }
    },
  };
}

/**
 * A lease on the running pool, if any (never starts one): of this size, or of any size while a
 * batch uses it (a concurrent batch asking for another size shares it rather than killing its work).
 */
export function leaseExistingPool(threads: number): PoolLease | undefined {
  const c = current;
  return c && (c.api.threads === threads || c.users > 0) ? lease(c) : undefined;
}

/** Starts the pool and returns the caller's lease on it, taken in the same step (no window to close it). */
async function create(threads: number, key?: string, template?: TemplateInputs): Promise<PoolLease | undefined> {
  const filename = await workerFilename();
  if (!filename) return undefined;
  const t0 = performance.now();
  const pool = new Piscina<EngineTask, EngineTaskResult>({
    filename,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, ...(heapBudgetMb ? { maxOldGenerationSizeMb: heapBudgetMb } : {}) },
  });
  // Warm-up: each thread compiles the batch's template while it starts; the first to finish
  // marks the pool ready. (Piscina may give both tasks to one thread; the other then compiles on
  // its first record instead.)
  // Without a template (the service's pool) the warm-up only loads the engine (answered `missing`).
  const warm = Array.from({ length: threads }, () => pool.run({ key: key ?? '', template }));
  const api: BatchPool = {
    threads,
    ready: false,
    whenReady: Promise.any(warm).then(() => {
      api.ready = true;
      stats.lastStartMs = performance.now() - t0;
    }),
    async run(k, t, payloads, options) {
      let r = await pool.run({ key: k, payloads, options });
      if ('missing' in r) r = await pool.run({ key: k, payloads, options, template: t });
      if (!('docs' in r)) throw new Error('batch worker returned no documents');
      return r.docs;
    },
    task: (task, signal, transferList) =>
      pool.run(task, { ...(signal ? { signal } : {}), ...(transferList?.length ? { transferList } : {}) }),
  };
  api.whenReady.catch(() => {}); // observed by callers that care; a failed start fails its tasks
  stats.starts++;
  current = { pool, api, users: 0 };
  return lease(current);
}

/**
 * A lease on the process's pool with `threads` threads, started if needed (an idle pool of another
 * size is closed first). The template is compiled in each new worker during its start-up. One
 * start at a time: callers arriving meanwhile wait for it, then share or (if idle and of another
 * size) replace it.
 */
export async function acquirePool(threads: number, key?: string, template?: TemplateInputs): Promise<PoolLease | undefined> {
  for (;;) {
    const have = leaseExistingPool(threads);
    if (have) return have;
    if (starting) {
      await starting.catch(() => undefined);
      continue;
    }
    const start = (async () => {
      await closeBatchPool();
      return create(threads, key, template);
    })();
    starting = start;
    try {
      return await start;
    } finally {
      if (starting === start) starting = undefined;
    }
  }
}

/** Stops the shared pool's threads (the next batch starts a new pool). */
export async function closeBatchPool(): Promise<void> {
  const c = current;
  current = undefined;
  await c?.pool.destroy();
}

process.once('beforeExit', () => void closeBatchPool());
