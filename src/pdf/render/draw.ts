import type { PageBox } from '../coordinates.js';
import { toPdfRect } from '../coordinates.js';
import { fieldKey } from '../expressions/compile.js';
import { computedFor, matchedStyleRules, type ComputedValues } from '../expressions/evaluate.js';
import { mergeStyleChanges } from '@/shared/domain/style-rules.js';
import type { FontChain } from '../fonts/registry.js';
import type { EngineField, RenderLimits } from '../types.js';
import { isPresent, resolveBinding } from './binding.js';
import { drawBarcode } from './barcode.js';
import type { DocumentCanvas, PageCanvas } from './canvas.js';
import { fill, n, parseColor, stroke } from './canvas.js';
import { formatValue } from './format.js';
import { drawImage, drawSignature } from './image.js';
import { drawCheck, drawRadio, truthy } from './shapes.js';
import type { GroupPlan } from './group.js';
import type { TablePlan } from './table.js';
import type { FlowPlan } from './text-flow.js';
import { drawTextLayout, layoutField } from './text.js';

/** A field prepared at compile time: its page, box in PDF space and font chain. */
export interface PreparedField {
  field: EngineField;
  pageIndex: number;
  pageBox: PageBox;
  chain: FontChain;
  /** Table fields: layout and continuation (drawn by render/table.ts, not drawField). */
  table?: TablePlan;
  /** Repeating groups: the grid, its members and continuation (render/group.ts). */
  group?: GroupPlan;
  /** Text with overflow 'continue': its boxes and continuation (render/text-flow.ts). */
  flow?: FlowPlan;
  /** The chain of the other boldness, when a style rule can switch it. */
  altChain?: FontChain;
}

/** The field as this document draws it: its style with the matching style rules applied. */
export function styledField(p: PreparedField, computed: ComputedValues | undefined): { field: EngineField; chain: FontChain } {
  const rules = p.field.advanced.styleRules;
  if (!rules || !computed) return p;
  const matched = matchedStyleRules(computed, fieldKey(p.field));
  if (matched.length === 0) return p;
  const change = mergeStyleChanges(rules, matched);
  const style = { ...p.field.style, ...change };
  const field = { ...p.field, style };
  return { field, chain: style.bold !== p.field.style.bold && p.altChain ? p.altChain : p.chain };
}

export const TEXT_LIKE = new Set(['text', 'number', 'date', 'dropdown']);

/**
 * The value a field prints, or undefined when nothing is printed (visibility, a false condition,
 * absent value). `computed`: the document's evaluated expressions, whose value replaces the bound one.
 */
export function fieldValue(
  field: EngineField,
  payload: Record<string, unknown>,
  computed?: ComputedValues,
): { value: unknown; show: boolean } {
  if (field.advanced.visibility === 'hidden') return { value: undefined, show: false };
  const c = computedFor(computed, fieldKey(field));
  if (c.hidden) return { value: undefined, show: false };
  const bound = c.has ? c.value : resolveBinding(payload, field.bindingKey);
  if (field.advanced.visibility === 'whenPresent' && !isPresent(bound)) return { value: undefined, show: false };
  // The placeholder is a hint for the studio, never printed; defaultValue is printed.
  const value = isPresent(bound) ? bound : field.advanced.defaultValue;
  return { value, show: true };
}

/** Text of a text-like field after maxLength (code points); reports truncation. */
export function fieldText(field: EngineField, value: unknown): { text: string; truncated: boolean } {
  let text = formatValue(field, value);
  const max = field.advanced.maxLength;
  const chars = [...text];
  if (max !== undefined && chars.length > max) {
    text = chars.slice(0, max).join('');
    return { text, truncated: true };
  }
  return { text, truncated: false };
}

/** The local frame of a field: origin at the box's bottom-left, rotated about the box centre (clockwise as the studio shows positive degrees). */
export function frameMatrix(p: Pick<PreparedField, 'field' | 'pageBox'>): string {
  const r = toPdfRect(p.pageBox, { x: p.field.position.x, y: p.field.position.y, width: p.field.size.width, height: p.field.size.height });
  const rot = p.field.layout.rotation % 360;
  if (rot === 0) return `1 0 0 1 ${n(r.x)} ${n(r.y)} cm`;
  const a = (-rot * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const cx = r.x + r.width / 2;
  const cy = r.y + r.height / 2;
  // translate(cx,cy) · rotate(a) · translate(-w/2,-h/2)
  const e = cx - cos * (r.width / 2) + sin * (r.height / 2);
  const f = cy - sin * (r.width / 2) - cos * (r.height / 2);
  return `${n(cos)} ${n(sin)} ${n(-sin)} ${n(cos)} ${n(e)} ${n(f)} cm`;
}

/** The field's background and border, in its local frame. */
export function drawBox(page: PageCanvas, field: EngineField, w: number, h: number): void {
  const bg = parseColor(field.style.backgroundColor);
  if (bg) page.push(fill(bg), `0 0 ${n(w)} ${n(h)} re f`);
  const bc = parseColor(field.style.borderColor);
  const bw = field.style.borderWidth;
  if (bc && bw > 0) page.push(stroke(bc), `${n(bw)} w`, `${n(bw / 2)} ${n(bw / 2)} ${n(w - bw)} ${n(h - bw)} re S`);
}

/** Draws one field (flattened) into the document canvas; warnings are appended to doc.warnings. */
export async function drawField(
  doc: DocumentCanvas,
  p: PreparedField,
  payload: Record<string, unknown>,
  limits: RenderLimits = {},
  computed?: ComputedValues,
): Promise<void> {
  const { field, chain } = styledField(p, computed);
  const { value, show } = fieldValue(field, payload, computed);
  if (!show) return;
  const page = doc.page(p.pageIndex);
  const w = field.size.width;
  const h = field.size.height;
  const warn = (code: 'overflow' | 'shrunk' | 'clipped' | 'truncated_max_length', message: string): void => {
    doc.warnings.push({ fieldId: field.fieldId, name: field.name, bindingKey: field.bindingKey, code, message });
  };
  const mark = page.ops.length;
  page.push('q', frameMatrix(p));
  drawBox(page, field, w, h);
  const present = isPresent(value);
  switch (field.type) {
    case 'text':
    case 'number':
    case 'date':
    case 'dropdown': {
      if (!present) break;
      const { text, truncated } = fieldText(field, value);
      if (truncated) warn('truncated_max_length', `Value cut to maxLength ${field.advanced.maxLength} characters`);
      const lay = layoutField(field, chain, text, w, h);
      for (const wn of lay.warnings) warn(wn.code, wn.message);
      drawTextLayout(doc, page, field, lay, w, h);
      break;
    }
    case 'checkbox':
      if (truthy(value)) drawCheck(page, field, 0, 0, w, h);
      break;
    case 'radio':
      drawRadio(page, field, w, h, (opt) => present && (opt === undefined ? truthy(value) : String(value) === opt));
      break;
    case 'image':
      if (present) await drawImage(doc, page, field, value, w, h, limits);
      break;
    case 'signature':
      if (present) await drawSignature(doc, page, field, value, w, h, limits);
      break;
    case 'barcode':
      if (present) await drawBarcode(page, field, value, w, h);
      break;
  }
  // Nothing drawn (no value, no box): leave no trace.
  if (page.ops.length === mark + 2) page.ops.length = mark;
  else page.push('Q');
}
