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
      return [1, 2, 3].map((n) => sampleRow(a.table?.columns ?? [], n));
  }
}

/** One sample row of a table: a value per column key, by the column's format. */
function sampleRow(columns: readonly { key: string; header: string; format: string }[], n: number): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of columns)
    setPath(row, c.key, c.format === 'number' ? n * 10 : c.format === 'date' ? '2026-01-0' + n : `${c.header || c.key} ${n}`);
  return row;
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
