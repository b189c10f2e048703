import type { FieldSpec } from '@/shared/domain/field.js';

/**
 * Sample preview data pre-filled from the fields' binding keys (`customer.name` → nested objects),
 * with a plausible value per type so that a first preview shows something in every field.
 */

/** A 1×1 transparent PNG: a valid image value for image/signature fields. */
export const SAMPLE_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

export function sampleValue(f: Pick<FieldSpec, 'type' | 'name' | 'advanced'>): unknown {
  const a = f.advanced;
  if (a.defaultValue !== undefined) return a.defaultValue;
  switch (f.type) {
    case 'text':
      return a.placeholder || `Sample ${f.name}`;
    case 'number':
      return 1234.5;
    case 'date':
      return new Date().toISOString().slice(0, 10);
    case 'checkbox':
      return true;
    case 'radio':
    case 'dropdown':
      return a.options?.[0] ?? 'Option 1';
    case 'image':
    case 'signature':
      return SAMPLE_PNG;
    case 'barcode':
      return 'https://example.com/123';
    case 'table':
      return sampleRows(a.table?.columns ?? [], 3);
  }
}

type SampleColumn = { key: string; header: string; format: string };

/** One sample row of a table: a value per column key, by the column's format. */
function sampleRow(columns: readonly SampleColumn[], n: number): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  // One day per row from 1 January: a valid date for any row count.
  const date = new Date(Date.UTC(2026, 0, n)).toISOString().slice(0, 10);
  for (const c of columns) setPath(row, c.key, c.format === 'number' ? n * 10 : c.format === 'date' ? date : `${c.header || c.key} ${n}`);
  return row;
}

function sampleRows(columns: readonly SampleColumn[], count: number, from = 1): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => sampleRow(columns, from + i));
}

/** Most rows the studio writes into a sample (the engine's own bound is far higher). */
export const MAX_SAMPLE_ROWS = 500;

/**
 * The sample with `count` rows for table field `f`: rows already there (the user's own) are kept
 * up to `count`, more are made from the columns. How a person asks for enough rows to see the
 * table continue on a next page.
 */
export function withTableRows(
  sample: unknown,
  f: Pick<FieldSpec, 'type' | 'bindingKey' | 'advanced'>,
  count: number,
): Record<string, unknown> {
  const out: Record<string, unknown> =
    typeof sample === 'object' && sample !== null && !Array.isArray(sample) ? structuredClone(sample as Record<string, unknown>) : {};
  const n = Math.max(0, Math.min(MAX_SAMPLE_ROWS, Math.floor(count)));
  const existing = getPath(out, f.bindingKey);
  const kept = Array.isArray(existing) ? existing.slice(0, n) : [];
  setPath(out, f.bindingKey, [...kept, ...sampleRows(f.advanced.table?.columns ?? [], n - kept.length, kept.length + 1)]);
  return out;
}

/** Rows of table field `f` in the sample (0 when there is no array at its binding key). */
export function tableRowCount(sample: unknown, f: Pick<FieldSpec, 'bindingKey'>): number {
  const rows = getPath(sample, f.bindingKey);
  return Array.isArray(rows) ? rows.length : 0;
}

/**
 * The sample data as the editor's panels use it: the text the user edits parsed, or (none typed
 * yet) the sample the fields suggest; undefined when the text is not valid JSON.
 */
export function parseSample(text: string | null, fields: readonly FieldSpec[]): unknown {
  if (text === null) return buildSampleData(fields);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/**
 * The sample payload for `fields`. Values already present in `previous` (the user's own edits)
 * are kept, so regenerating the sample after adding a field does not wipe what was typed.
 */
export function buildSampleData(fields: readonly FieldSpec[], previous: unknown = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const kept = getPath(previous, f.bindingKey);
    setPath(out, f.bindingKey, kept !== undefined ? kept : sampleValue(f));
  }
  return out;
}
