/**
 * The PDF engine's public API: compile a template (base PDF + fields) once, generate documents
 */
export type { EngineField, GenerateOptions, GenerationWarning, GenerationWarningCode, GeneratedDocument } from './types.js';
export { compileTemplate, type CompiledTemplate, type CompileOptions } from './compile.js';
export { mergeDocuments } from './merge.js';
export { FontRegistry, createDefaultFontRegistry, defaultFontRegistry, type FaceStyle, type FontSource } from './fonts/registry.js';
export { resolveBinding } from './render/binding.js';
export { PdfError, type PdfErrorCode } from './errors.js';
export { preflight, type PreflightResult, type PreflightOptions } from './preflight.js';
export { generateBatch, type BatchInput, type BatchResult } from './batch.js';
