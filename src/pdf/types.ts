import type { FieldSpec } from '@/shared/domain/field.js';

/** A template field as the engine sees it: the template field plus its id (used in warnings and errors). */
export interface EngineField extends FieldSpec {
  fieldId: string;
}

export interface GenerateOptions {
  /** true (default): everything is drawn into the page content. false: our text-like fields and the base's own form fields stay fillable. */
  flatten?: boolean;
  /** Drawn diagonally across every page (test runs). */
  testWatermark?: string;
}

export type GenerationWarningCode = 'overflow' | 'shrunk' | 'truncated_max_length' | 'clipped';

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
