import os from 'node:os';
import { acquirePool, batchPoolStats, setPoolHeapBudget, type BatchPool } from './batch-pool.js';
import type { TemplateInputs } from './batch-worker.js';
import type { compileTemplate } from './compile.js';
import { fromFailure } from './engine-tasks.js';
import { RenderGroups, type BudgetedRun } from './render-groups.js';
import { PdfError, type PdfErrorCode } from './errors.js';
import type { InspectOptions, InspectResult } from './inspect/index.js';
import type { GenerateOptions, GeneratedDocument } from './types.js';

/**
 * Engine work of the service (one document per request or job record, one inspection per upload)
 * runs on the process's shared worker pool (batch-pool.ts, the same threads as CLI batches), so a
 * slow or hostile document never holds the thread that answers requests. Each task has a time
 * budget and each thread a heap budget; a task over either is ended with its thread (the pool
 * starts another) and fails alone as render_timeout / inspect_timeout.
 *
 * The engine itself (pdf-lib, HarfBuzz, bwip-js, the signing and XML stacks) is imported only by
 * the thread that runs it: here only when there is no pool, so the API's thread of a server with
 * engine threads never loads it (17 MB less live heap at start, tests/lint/lazy-engine.test.ts).
 */

export interface EngineSettings {
  /** Worker threads; 0 runs the engine on the calling thread (no isolation). */
  threads: number;
  /** Heap budget per thread (MB of old generation). */
  heapMb?: number;
  renderTimeoutMs: number;
  inspectTimeoutMs: number;
}

/** One thread fewer than the machine's cores (the request thread keeps one), at least 1, at most 4. */
export function defaultEngineThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}

let leased: Promise<BatchPool | undefined> | undefined;

/** The process's engine pool (leased once; undefined when no thread could start). */
export function enginePool(settings: EngineSettings): Promise<BatchPool | undefined> {
  // The pool may have been closed (closeBatchPool) since it was leased: lease a new one then.
  if (leased && batchPoolStats().threads === 0) leased = undefined;
  leased ??= (async () => {
    setPoolHeapBudget(settings.heapMb);
    const lease = await acquirePool(settings.threads);
    return lease?.pool;
  })().catch(() => undefined);
  return leased;
}

/** Runs one pool task under the budget; an ended task becomes the typed error `code`. */
async function budgeted<T>(
  code: Extract<PdfErrorCode, 'render_timeout' | 'inspect_timeout'>,
  settings: EngineSettings,
  timeoutMs: number,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const signal = AbortSignal.timeout(timeoutMs);
  const what = code === 'render_timeout' ? 'render' : 'inspect';
  try {
    return await run(signal);
  } catch (e) {
    if (signal.aborted) throw new PdfError(code, `The document took longer than ${timeoutMs} ms to ${what} and was stopped`, { timeoutMs });
    if ((e as { code?: string })?.code === 'ERR_WORKER_OUT_OF_MEMORY')
      throw new PdfError(code, `The document needed more than ${settings.heapMb ?? '?'} MB to ${what} and was stopped`, {
        heapMb: settings.heapMb,
      });
    throw e;
  }
}

/** Something that renders documents of one template: on the pool, or in this thread when it has none. */
export interface Renderer {
  generate(payload: Record<string, unknown>, opts?: GenerateOptions): Promise<GeneratedDocument>;
}

/**
 * A renderer for the template `key` (its inputs loaded only when some thread has not compiled it
 * yet). Compile errors (bad base, field off the page) come back from the thread as typed errors.
 * Documents asked for while the pool is busy travel in groups (render-groups.ts).
 */
export function pooledRenderer(key: string, load: () => Promise<TemplateInputs>, settings: EngineSettings): Renderer {
  let local: ReturnType<typeof compileTemplate> | undefined;
  const inProcess = async (payload: Record<string, unknown>, opts?: GenerateOptions) => {
    local ??= Promise.all([load(), import('./compile.js')]).then(([t, m]) => m.compileTemplate(t.base, t.fields));
    return (await local).generate(payload, opts);
  };
  let groups: { pool: BatchPool; groups: RenderGroups } | undefined;
  const run: BudgetedRun = (timeoutMs, task) => budgeted('render_timeout', settings, timeoutMs, task);
  return {
    async generate(payload, options) {
      const pool = settings.threads > 0 ? await enginePool(settings) : undefined;
      if (!pool) return inProcess(payload, options);
      // A closed and re-leased pool is a new pool: its groups start afresh.
      if (groups?.pool !== pool) groups = { pool, groups: new RenderGroups(key, pool, load, settings.renderTimeoutMs, run) };
      return groups.groups.render(payload, options);
    },
  };
}

/**
 * inspect() on the pool under the inspection budget (in this thread when there is no pool).
 * `handOver`: the caller is done with `bytes`, so when they fill their own ArrayBuffer it is moved
 * to the thread instead of copied there on the API's thread (`bytes` is then detached here).
 */
export async function inspectIsolated(
  bytes: Uint8Array,
  options: InspectOptions,
  settings: EngineSettings,
  handOver = false,
): Promise<InspectResult> {
  const pool = settings.threads > 0 ? await enginePool(settings) : undefined;
  if (!pool) return (await import('./inspect/index.js')).inspect(bytes, options);
  const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const transfer = handOver && whole ? [bytes.buffer as ArrayBuffer] : undefined;
  return budgeted('inspect_timeout', settings, settings.inspectTimeoutMs, async (signal) => {
    const r = await pool.task({ kind: 'inspect', bytes, options }, signal, transfer);
    if ('failed' in r) throw fromFailure(r.failed);
    if (!('inspected' in r)) throw new Error('engine worker returned no inspection');
    return r.inspected;
  });
}
