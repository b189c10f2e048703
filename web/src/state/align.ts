import { boundsOf, type Rect } from './geometry.js';

/** Align and distribute a selection. Pure: rects in, rects out, same order. */

export type Alignment = 'left' | 'hcenter' | 'right' | 'top' | 'vcenter' | 'bottom';
export type Distribution = 'horizontal' | 'vertical';

/** Aligns every rect to the selection's bounding box (one rect: nothing to align to). */
export function align(rects: readonly Rect[], how: Alignment): Rect[] {
  const b = boundsOf(rects);
  if (!b || rects.length < 2) return rects.map((r) => ({ ...r }));
  return rects.map((r) => {
    switch (how) {
      case 'left':
        return { ...r, x: b.x };
      case 'right':
        return { ...r, x: b.x + b.width - r.width };
      case 'hcenter':
        return { ...r, x: b.x + (b.width - r.width) / 2 };
      case 'top':
        return { ...r, y: b.y };
      case 'bottom':
        return { ...r, y: b.y + b.height - r.height };
      case 'vcenter':
        return { ...r, y: b.y + (b.height - r.height) / 2 };
    }
  });
}

/**
 * Spreads rects so that the gaps between neighbours are equal; the first and last (in that
 * direction) stay put. Needs three or more rects.
 */
export function distribute(rects: readonly Rect[], how: Distribution): Rect[] {
  const out = rects.map((r) => ({ ...r }));
  if (rects.length < 3) return out;
  const pos = how === 'horizontal' ? 'x' : 'y';
  const ext = how === 'horizontal' ? 'width' : 'height';
  const order = out.map((_, i) => i).sort((a, b) => out[a][pos] - out[b][pos]);
  const first = out[order[0]];
  const last = out[order[order.length - 1]];
  const span = last[pos] + last[ext] - first[pos];
  const total = order.reduce((s, i) => s + out[i][ext], 0);
  const gap = (span - total) / (order.length - 1);
  let cursor = first[pos];
  for (const i of order) {
    out[i][pos] = cursor;
    cursor += out[i][ext] + gap;
  }
  return out;
}
