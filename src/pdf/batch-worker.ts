import { workerData } from 'node:worker_threads';
import { compileTemplate, type CompiledTemplate } from './compile.js';
import type { EngineField, GenerateOptions, GenerationWarning } from './types.js';

/** Piscina worker: compiles the template once per thread (from workerData), then generates per task. */

interface Data { base: Uint8Array; fields: EngineField[] }
export interface BatchTask { payload: Record<string, unknown>; options?: GenerateOptions }
export interface BatchTaskResult { bytes: Uint8Array; warnings: GenerationWarning[]; pageCount: number }

let compiled: Promise<CompiledTemplate> | undefined;

export default async function generateInWorker(task: BatchTask): Promise<BatchTaskResult> {
  const data = workerData as Data;
  compiled ??= compileTemplate(data.base, data.fields);
  const doc = await (await compiled).generate(task.payload, task.options);
  return { bytes: doc.bytes, warnings: doc.warnings, pageCount: doc.pageCount };
}
