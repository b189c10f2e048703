import type { EngineField } from '../types.js';
import type { PageCanvas } from './canvas.js';
import { n, parseColor, stroke, fill } from './canvas.js';

/** Vector marks for checkbox and radio fields, in the field's local frame. */

export function drawCheck(page: PageCanvas, field: EngineField, x: number, y: number, w: number, h: number): void {
  const c = parseColor(field.style.textColor) ?? [0, 0, 0];
  const s = Math.min(w, h);
  const ox = x + (w - s) / 2;
  const oy = y + (h - s) / 2;
  const lw = Math.max(0.75, s * 0.12);
  page.push('q', stroke(c), `${n(lw)} w 1 J 1 j`);
  if (field.advanced.checkStyle === 'cross') {
    const m = s * 0.2;
    page.push(
      `${n(ox + m)} ${n(oy + m)} m ${n(ox + s - m)} ${n(oy + s - m)} l`,
      `${n(ox + m)} ${n(oy + s - m)} m ${n(ox + s - m)} ${n(oy + m)} l S`,
    );
  } else {
    page.push(
      `${n(ox + s * 0.18)} ${n(oy + s * 0.52)} m ${n(ox + s * 0.42)} ${n(oy + s * 0.25)} l ${n(ox + s * 0.82)} ${n(oy + s * 0.78)} l S`,
    );
  }
  page.push('Q');
}

/** Bézier circle (4 arcs); filled when `filled`, else outlined. */
export function circle(cx: number, cy: number, r: number): string {
  const k = 0.5523 * r;
  return [
    `${n(cx + r)} ${n(cy)} m`,
    `${n(cx + r)} ${n(cy + k)} ${n(cx + k)} ${n(cy + r)} ${n(cx)} ${n(cy + r)} c`,
    `${n(cx - k)} ${n(cy + r)} ${n(cx - r)} ${n(cy + k)} ${n(cx - r)} ${n(cy)} c`,
    `${n(cx - r)} ${n(cy - k)} ${n(cx - k)} ${n(cy - r)} ${n(cx)} ${n(cy - r)} c`,
    `${n(cx + k)} ${n(cy - r)} ${n(cx + r)} ${n(cy - k)} ${n(cx + r)} ${n(cy)} c h`,
  ].join(' ');
}

/**
 * Radio: with one option (advanced.options[0], or none) the box is one button, selected when the
 * value equals that option (one template field per option, sharing the bindingKey, as imported
 * AcroForm radio groups are). With several options they are laid out in the box as equal cells
 * (rows when the box is taller than wide, else columns), each with a circle; the chosen one is filled.
 */
export function radioCells(
  field: EngineField,
  w: number,
  h: number,
): { option: string | undefined; x: number; y: number; w: number; h: number }[] {
  const opts = field.advanced.options ?? [];
  if (opts.length <= 1) return [{ option: opts[0], x: 0, y: 0, w, h }];
  const vertical = h >= w;
  return opts.map((option, i) =>
    vertical
      ? { option, x: 0, y: h - ((i + 1) * h) / opts.length, w, h: h / opts.length }
      : { option, x: (i * w) / opts.length, y: 0, w: w / opts.length, h },
  );
}

export function drawRadio(
  page: PageCanvas,
  field: EngineField,
  w: number,
  h: number,
  selected: (option: string | undefined) => boolean,
): void {
  const c = parseColor(field.style.textColor) ?? [0, 0, 0];
  const cells = radioCells(field, w, h);
  for (const cell of cells) {
    const r = Math.min(cell.w, cell.h) / 2;
    const cx = cell.x + cell.w / 2;
    const cy = cell.y + cell.h / 2;
    if (cells.length > 1) page.push('q', stroke(c), `${n(Math.max(0.5, r * 0.1))} w`, circle(cx, cy, r * 0.9), 'S Q');
    if (selected(cell.option)) page.push('q', fill(c), circle(cx, cy, r * 0.5), 'f Q');
  }
}

export function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return ['true', 'yes', 'y', 'on', '1', 'x', 'checked'].includes(v.trim().toLowerCase());
  return false;
}
