import { PdfError, type PdfErrorCode } from './errors.js';
import type { InspectOptions, InspectResult } from './inspect/index.js';
import type { GenerateOptions, GeneratedDocument } from './types.js';

/**
 * The single-document tasks the shared engine pool runs for the service (one generation, one
 * inspection), beside the batch chunks of batch-worker.ts. Typed errors cross the thread
 * boundary as plain data and are rebuilt as PdfError on the calling side.
 */

export interface RenderTask {
  kind: 'render';
  key: string;
  payload: Record<string, unknown>;
  options?: GenerateOptions;
}
/** Several documents of one template in one message each way: what a busy pool is sent (render-groups.ts). */
export interface RenderGroupTask {
  kind: 'render-group';
  key: string;
  items: { payload: Record<string, unknown>; options?: GenerateOptions }[];
}
export interface InspectTask {
  kind: 'inspect';
  bytes: Uint8Array;
  options?: InspectOptions;
}
export interface TaskFailure {
  code?: PdfErrorCode;
  message: string;
  details?: Record<string, unknown>;
}
export type RenderTaskResult = { doc: GeneratedDocument } | { missing: true } | { failed: TaskFailure };
export type RenderGroupTaskResult = { results: ({ doc: GeneratedDocument } | { failed: TaskFailure })[] } | { missing: true };
export type InspectTaskResult = { inspected: InspectResult } | { failed: TaskFailure };

export function toFailure(e: unknown): TaskFailure {
  if (e instanceof PdfError) return { code: e.code, message: e.message, details: e.details };
  return { message: e instanceof Error ? e.message : String(e) };
}

export function fromFailure(f: TaskFailure): Error {
  return f.code ? new PdfError(f.code, f.message, f.details) : new Error(f.message);
}
