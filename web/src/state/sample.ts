import type { FieldSpec } from '@/shared/domain/field.js';
import { groupMembers, groupOfField, isGroup, memberKey } from './groups.js';

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

type SampleField = Pick<FieldSpec, 'type' | 'name' | 'bindingKey' | 'advanced'>;

/**
 * One sample item of a repeating group: a value per member at its key inside the item, numbered
 * where it is text (every label differs, so each can be found on the page).
 */
function sampleItem(group: SampleField, members: readonly SampleField[], n: number): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const m of members) {
    const key = memberKey(group, m);
    const plain = m.advanced.defaultValue === undefined;
    const value =
      plain && m.type === 'text' ? `${m.advanced.placeholder || key} ${n}` : plain && m.type === 'number' ? n * 10 : sampleValue(m);
    setPath(item, key, value);
  }
  return item;
}

/** `count` sample rows (a table) or items (a group, made from its members among `fields`), numbered from `from`. */
function sampleRowsOf(f: SampleField, fields: readonly SampleField[], count: number, from = 1): Record<string, unknown>[] {
  if (!isGroup(f)) return sampleRows(f.advanced.table?.columns ?? [], count, from);
  const members = groupMembers(fields, f);
  return Array.from({ length: count }, (_, i) => sampleItem(f, members, from + i));
}

/** Most rows the studio writes into a sample (the engine's own bound is far higher). */
export const MAX_SAMPLE_ROWS = 500;

/**
 * The sample with `count` rows for table field `f`: rows already there (the user's own) are kept
 * up to `count`, more are made from the columns (a repeating group's items from its members, found
 * among `fields`). How a person asks for enough rows to see the table continue on a next page.
 */
export function withTableRows(
  sample: unknown,
  f: SampleField,
  count: number,
  fields: readonly SampleField[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> =
    typeof sample === 'object' && sample !== null && !Array.isArray(sample) ? structuredClone(sample as Record<string, unknown>) : {};
  const n = Math.max(0, Math.min(MAX_SAMPLE_ROWS, Math.floor(count)));
  const existing = getPath(out, f.bindingKey);
  const kept = Array.isArray(existing) ? existing.slice(0, n) : [];
  setPath(out, f.bindingKey, [...kept, ...sampleRowsOf(f, fields, n - kept.length, kept.length + 1)]);
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

/** Example items a new repeating group gets in the sample. */
const SAMPLE_ITEMS = 3;

/**
 * The sample payload for `fields`. Values already present in `previous` (the user's own edits)
 * are kept, so regenerating the sample after adding a field does not wipe what was typed. A
 * repeating group gets a list of items made from its members, which have no value of their own
 * outside it (`labels.name` is each item's `name`, not a `labels` object).
 */
export function buildSampleData(fields: readonly FieldSpec[], previous: unknown = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (groupOfField(fields, f)) continue;
    const kept = getPath(previous, f.bindingKey);
    if (isGroup(f)) setPath(out, f.bindingKey, Array.isArray(kept) ? kept : sampleRowsOf(f, fields, SAMPLE_ITEMS));
    else setPath(out, f.bindingKey, kept !== undefined ? kept : sampleValue(f));
  }
  return out;
}
