import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { BatchTask, BatchTaskResult } from './batch-worker.js';
import { compileTemplate } from './compile.js';
import type { EngineField, GenerateOptions, GeneratedDocument } from './types.js';

export interface BatchInput {
  base: Uint8Array;
  fields: EngineField[];
  records: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>;
  options?: GenerateOptions;
  /** Worker threads (default: every core). 1 = generate in this thread. */
  concurrency?: number;
  /** Called after each record (done counts failures too); total when `records` has a length. */
  onProgress?: (done: number, total?: number) => void;
  /** Called as each document completes (not in record order); its promise is awaited before more work is taken (backpressure). */
  onDocument: (index: number, doc: GeneratedDocument) => Promise<void> | void;
}

export interface BatchResult {
  done: number;
  failed: number;
  errors: { index: number; error: string }[];
  /** Worker threads that generated (0: this thread). */
  threads: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));

let bundled: Promise<string | undefined> | undefined;

/**
 * The worker module. Built JS: the batch-worker.js beside this file. From TypeScript sources
 * (tsx, vitest) a worker thread does not inherit the parent's loader: the worker is bundled once
 * per process with esbuild (a dev dependency; packages stay external) into node_modules/.cache,
 * which starts in milliseconds, where tsx's loader in every worker took seconds under load. If
 * esbuild is unavailable, a shim registers tsx in the worker.
 */
async function workerFilename(): Promise<string | undefined> {
  const js = path.join(here, 'batch-worker.js');
  if (existsSync(js)) return js;
  const ts = path.join(here, 'batch-worker.ts');
  if (!existsSync(ts)) return undefined;
  bundled ??= (async () => {
    try {
      const { build } = await import('esbuild');
      const outfile = path.join(here, '../../node_modules/.cache/pdf-studio', `batch-worker-${process.pid}.mjs`);
      await build({ entryPoints: [ts], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent', alias: { '@': path.join(here, '..') } });
      process.once('exit', () => rmSync(outfile, { force: true }));
      return outfile;
    } catch {
      return path.join(here, 'batch-worker-tsx.mjs');
    }
  })();
  return bundled;
}

function lengthOf(records: BatchInput['records']): number | undefined {
  return Array.isArray(records) ? records.length : undefined;
}

/**
 * Streams records through the compiled template on all cores with bounded in-flight work
 * (2 × threads records, plus their onDocument calls), so memory stays flat however many
 * records come. A record that fails is counted and reported; the batch goes on.
 */
export async function generateBatch(input: BatchInput): Promise<BatchResult> {
  // Compile here first: a bad base or template fails the batch at once, not per record.
  const local = await compileTemplate(input.base, input.fields);
  const threads = Math.max(1, input.concurrency ?? os.availableParallelism());
  const filename = threads > 1 ? await workerFilename() : undefined;
  const pool = filename
    ? new Piscina<BatchTask, BatchTaskResult>({ filename, workerData: { base: input.base, fields: input.fields }, minThreads: threads, maxThreads: threads, idleTimeout: 1000 })
    : undefined;
  const generate = (payload: Record<string, unknown>): Promise<GeneratedDocument> =>
    pool ? pool.run({ payload, options: input.options }) : local.generate(payload, input.options);

  const total = lengthOf(input.records);
  const result: BatchResult = { done: 0, failed: 0, errors: [], threads: pool ? pool.threads.length : 0 };
  const inFlight = new Set<Promise<void>>();
  const limit = threads * 2;
  let index = 0;
  try {
    for await (const record of input.records as AsyncIterable<Record<string, unknown>>) {
      const i = index++;
      const job = (async () => {
        try {
          const doc = await generate(record);
          await input.onDocument(i, doc);
          result.done++;
        } catch (e) {
          result.failed++;
          result.errors.push({ index: i, error: e instanceof Error ? e.message : String(e) });
        }
        input.onProgress?.(result.done + result.failed, total);
      })();
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job));
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await pool?.destroy();
  }
  result.errors.sort((a, b) => a.index - b.index);
  return result;
}
