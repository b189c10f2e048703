import type { FieldSpec } from '@/shared/domain/field.js';
import type { OutputOptions } from '@/shared/domain/output.js';
import type { ComputedValues } from './expressions/evaluate.js';
import type { OutputSecrets } from './output/index.js';

/** A template field as the engine sees it: the template field plus its id (used in warnings and errors). */
export interface EngineField extends FieldSpec {
  fieldId: string;
}

/** Bounds of the work one document may ask for (the service passes its configured ones). */
export interface RenderLimits {
  /** Declared width × height of an image (default 25 MP). */
  maxImagePixels?: number;
  /** Decoded size of an image in bytes (default 128 MB). */
  maxImageBytes?: number;
  /** Points of one signature, all strokes together (default 50,000). */
  maxSignaturePoints?: number;
  /** Rows of one table (default 10,000; a table's own maxRows may be lower). */
  maxRows?: number;
  /** Pages of one document, continuation pages included (default 500). */
  maxPages?: number;
}

export interface GenerateOptions {
  limits?: RenderLimits;
  /** true (default): everything is drawn into the page content. false: our text-like fields and the base's own form fields stay fillable. */
  flatten?: boolean;
  /** Drawn diagonally across every page (test runs). */
  testWatermark?: string;
  /** Metadata, PDF/A, Factur-X, signature, encryption: applied after the fields are drawn. */
  output?: OutputOptions;
  /** The certificate and passwords the output options need (never stored with a template). */
  secrets?: OutputSecrets;
  /**
   * The document's evaluated expressions, when the caller already has them (the service evaluates
   * once to validate, then renders with the same values); otherwise the engine evaluates them.
   */
  computed?: ComputedValues;
}

/** unknown_key: a data key no field is bound to (fieldId and name empty, bindingKey the key's path). */
export type GenerationWarningCode = 'overflow' | 'shrunk' | 'truncated_max_length' | 'clipped' | 'unknown_key';

export interface GenerationWarning {
  fieldId: string;
  name: string;
  bindingKey: string;
  code: GenerationWarningCode;
  message: string;
}

export interface GeneratedDocument {
  bytes: Uint8Array;
  warnings: GenerationWarning[];
  pageCount: number;
}
