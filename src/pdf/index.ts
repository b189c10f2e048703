/**
 * The PDF engine's public API: compile a template (base PDF + fields) once, generate documents
 * from payloads (alone or in batches on all cores), merge them, and preflight payloads without
 * writing a PDF. Coordinates are points from the top-left of the unrotated page (coordinates.ts).
 */
export type { EngineField, GenerateOptions, RenderLimits, GenerationWarning, GenerationWarningCode, GeneratedDocument } from './types.js';
export { compileTemplate, type CompiledTemplate, type CompileOptions } from './compile.js';
export { generateBatch, closeBatchPool, batchPoolStats, type BatchInput, type BatchResult } from './batch.js';
export { mergeDocuments } from './merge.js';
export { streamMerge, type MergeSink, type MergeSource, type MergeSummary } from './stream-merge.js';
export { mergeIsolated, mergeStats } from './merge-pool.js';
export { preflight, preflightDocument, type PreflightResult, type PreflightOptions } from './preflight.js';
export { FontRegistry, createDefaultFontRegistry, defaultFontRegistry, type FaceStyle, type FontSource } from './fonts/registry.js';
export { resolveBinding } from './render/binding.js';
export { PdfError, type PdfErrorCode } from './errors.js';
