import { FIELD_TYPES, fieldInputSchema, styleSchema, type FieldSpec, type FieldStyle, type FieldType } from '@/shared/domain/field.js';
import type { Rect } from './geometry.js';
import { DEFAULT_GROUP, DEFAULT_GROUP_CELL, freeGroupKey, isGroup } from './groups.js';

/**
 * A field as the editor holds it: the domain's field spec plus a `key` that is stable for the
 * editing session (the server's fieldId for loaded fields, a local id for new ones: the saver maps
 * local ids to server ids once they exist).
 */
export type EditorField = FieldSpec & { key: string };

export const DEFAULT_STYLE: FieldStyle = styleSchema.parse({});

export const DEFAULT_SIZES: Record<FieldType, { width: number; height: number }> = {
  text: { width: 160, height: 20 },
  number: { width: 100, height: 20 },
  date: { width: 100, height: 20 },
  checkbox: { width: 14, height: 14 },
  // Two options side by side (the engine draws one cell per option), each circle about 14 pt.
  radio: { width: 60, height: 16 },
  dropdown: { width: 120, height: 20 },
  image: { width: 120, height: 80 },
  signature: { width: 160, height: 50 },
  barcode: { width: 80, height: 80 },
  table: { width: 400, height: 160 },
};

export const TYPE_LABELS: Record<FieldType, string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  checkbox: 'Checkbox',
  radio: 'Radio',
  dropdown: 'Dropdown',
  image: 'Image',
  signature: 'Signature',
  barcode: 'Barcode / QR',
  table: 'Table',
};

/**
 * What the palette places: a field type, or a repeating group (a table field with advanced.group,
 * offered as a tool of its own since it is laid out and filled unlike a table).
 */
export type Tool = FieldType | 'group';
export const TOOLS: readonly Tool[] = [...FIELD_TYPES, 'group'];

export const TOOL_LABELS: Record<Tool, string> = { ...TYPE_LABELS, group: 'Repeating group' };

export const TOOL_SIZES: Record<Tool, { width: number; height: number }> = { ...DEFAULT_SIZES, group: DEFAULT_GROUP_CELL };

/** What the user calls the field: its type, or "Repeating group" for a table field laid out as a grid. */
export function kindLabel(f: Pick<FieldSpec, 'type' | 'bindingKey' | 'advanced'>): string {
  return isGroup(f) ? TOOL_LABELS.group : TYPE_LABELS[f.type];
}

/** The columns a new table starts with: an invoice's line items. */
export const DEFAULT_TABLE_COLUMNS = [
  { header: 'Description', key: 'description', width: 3 },
  { header: 'Qty', key: 'qty', width: 1, align: 'right', format: 'number' },
  { header: 'Price', key: 'price', width: 1, align: 'right', format: 'number', number: { locale: 'en-US', decimals: 2 } },
];

let counter = 0;
/** A local key for a field not yet saved (crypto.randomUUID where the browser has it). */
export function newKey(): string {
  counter += 1;
  const rnd = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
  return `local-${counter}-${rnd}`;
}

/** A key newKey made (a field the server has not given an id yet). */
export function isLocalKey(key: string): boolean {
  return key.startsWith('local-');
}

/** The first `<type><n>` binding key/name not used yet. */
export function uniqueBinding(type: FieldType, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n += 1) {
    const k = `${type}${n}`;
    if (!taken.has(k)) return k;
  }
}

/** A new field of `tool` at `rect` on `page`, in `style`, with type-specific defaults. */
export function makeField(tool: Tool, page: number, rect: Rect, style: FieldStyle, taken: ReadonlySet<string>): EditorField {
  const type: FieldType = tool === 'group' ? 'table' : tool;
  const binding = tool === 'group' ? freeGroupKey(taken) : uniqueBinding(type, taken);
  const advanced: Record<string, unknown> = {};
  if (tool === 'group') advanced.group = DEFAULT_GROUP;
  else if (type === 'table') advanced.table = { columns: DEFAULT_TABLE_COLUMNS };
  if (type === 'dropdown' || type === 'radio') advanced.options = ['Option 1', 'Option 2'];
  if (type === 'barcode') advanced.barcode = { format: 'qrcode', includeText: false };
  if (type === 'date') advanced.date = { pattern: 'yyyy-MM-dd', timezone: 'UTC', locale: 'en-US' };
  if (type === 'number') advanced.number = { locale: 'en-US' };
  const spec = fieldInputSchema.parse({
    name: binding,
    type,
    page,
    position: { x: rect.x, y: rect.y },
    size: { width: rect.width, height: rect.height },
    bindingKey: binding,
    style,
    layout: { lockProportions: type === 'checkbox' || type === 'barcode' },
    advanced,
  });
  return { ...spec, key: newKey() };
}

export function fieldRect(f: Pick<FieldSpec, 'position' | 'size'>): Rect {
  return { x: f.position.x, y: f.position.y, width: f.size.width, height: f.size.height };
}

export function withRect<T extends FieldSpec>(f: T, r: Rect): T {
  return { ...f, position: { x: r.x, y: r.y }, size: { width: r.width, height: r.height } };
}

/** Strips the editor-only key: what the API receives. */
export function toSpec(f: EditorField): FieldSpec {
  const { key: _key, ...spec } = f;
  return spec;
}

/** Fields drawn bottom to top. */
export function byLayer(fields: readonly EditorField[]): EditorField[] {
  return fields
    .map((f, i) => ({ f, i }))
    .sort((a, b) => a.f.layout.layerOrder - b.f.layout.layerOrder || a.i - b.i)
    .map((x) => x.f);
}
