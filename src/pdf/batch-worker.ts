import { PromiseCache } from '@/shared/promise-cache.js';
import { compileTemplate, type CompiledTemplate } from './compile.js';
import { inspect } from './inspect/index.js';
import {
  toFailure,
  type InspectTask,
  type InspectTaskResult,
  type RenderGroupTask,
  type RenderGroupTaskResult,
  type RenderTask,
  type RenderTaskResult,
} from './engine-tasks.js';
import { mergeTask, type MergeTask, type MergeTaskResult } from './merge-task.js';
import type { EngineField, GenerateOptions, GenerationWarning } from './types.js';

/**
 * Piscina worker of the long-lived batch pool. Templates are compiled once per thread and cached
 * by their hash, so a pool serves many batches (and templates) without recompiling. A task names
 * its template by key only; the template's inputs travel just when this thread has not seen the
 * key (the worker answers `missing` and the pool resends with them), not with every record.
 */

export interface TemplateInputs {
  base: Uint8Array;
  fields: EngineField[];
}
export interface BatchTask {
  kind?: undefined;
  key: string;
  /** A few records per task: one message each way per chunk, not per record. Absent: only compile (pool warm-up). */
  payloads?: Record<string, unknown>[];
  options?: GenerateOptions;
  template?: TemplateInputs;
}
export type WorkerDocument = { bytes: Uint8Array; warnings: GenerationWarning[]; pageCount: number } | { error: string };
export type BatchTaskResult = { docs: WorkerDocument[] } | { missing: true } | { compiled: true };

/** Templates kept per thread (each holds its base bytes and parsed pages). */
const cache = new PromiseCache<CompiledTemplate>({ max: 8 });

function compiledFor(task: { key: string; template?: TemplateInputs }): Promise<CompiledTemplate> | undefined {
  const { template } = task;
  return template ? cache.getOrCreate(task.key, () => compileTemplate(template.base, template.fields)) : cache.get(task.key);
}

/** A task of the shared pool: a batch chunk (no kind), one document, one inspection, or one merge. */
export type EngineTask =
  BatchTask | (RenderTask & { template?: TemplateInputs }) | (RenderGroupTask & { template?: TemplateInputs }) | InspectTask | MergeTask;
export type EngineTaskResult = BatchTaskResult | RenderTaskResult | RenderGroupTaskResult | InspectTaskResult | MergeTaskResult;

async function renderOne(task: RenderTask & { template?: TemplateInputs }): Promise<RenderTaskResult> {
  try {
    const c = compiledFor(task);
    if (!c) return { missing: true };
    return { doc: await (await c).generate(task.payload, task.options) };
  } catch (e) {
    return { failed: toFailure(e) };
  }
}

/** Each document of the group on its own: a bad record fails alone, the others come back. */
async function renderGroup(task: RenderGroupTask & { template?: TemplateInputs }): Promise<RenderGroupTaskResult> {
  const c = compiledFor(task);
  if (!c) return { missing: true };
  const results: Extract<RenderGroupTaskResult, { results: unknown }>['results'] = [];
  let compiled: CompiledTemplate | undefined;
  for (const item of task.items) {
    try {
      compiled ??= await c;
      results.push({ doc: await compiled.generate(item.payload, item.options) });
    } catch (e) {
      results.push({ failed: toFailure(e) });
    }
  }
  return { results };
}

async function inspectTask(task: InspectTask): Promise<InspectTaskResult> {
  try {
    return { inspected: await inspect(task.bytes, task.options) };
  } catch (e) {
    return { failed: toFailure(e) };
  }
}

export default async function runInWorker(task: EngineTask): Promise<EngineTaskResult> {
  if (task.kind === 'render') return renderOne(task);
  if (task.kind === 'render-group') return renderGroup(task);
  if (task.kind === 'inspect') return inspectTask(task);
  if (task.kind === 'merge') return mergeTask(task);
  return generateInWorker(task);
}

async function generateInWorker(task: BatchTask): Promise<BatchTaskResult> {
  const c = compiledFor(task);
  if (!c) return { missing: true };
  const compiled = await c;
  if (task.payloads === undefined) return { compiled: true };
  const docs: WorkerDocument[] = [];
  for (const payload of task.payloads) {
    try {
      const doc = await compiled.generate(payload, task.options);
      docs.push({ bytes: doc.bytes, warnings: doc.warnings, pageCount: doc.pageCount });
    } catch (e) {
      // A bad record fails alone; the error crosses the thread boundary as its message.
      docs.push({ error: e instanceof Error ? e.message : String(e) });
    }
  }
  return { docs };
}
