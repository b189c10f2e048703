import { clampToPage, resizeRect, type Handle, type PageSize, type Rect } from './geometry.js';
import { snapMove, snapResize, type Guide, type SnapOptions } from './snapping.js';

/**
 * What a drag does, as pure functions of where it started and how far the pointer went (in
 * points): the components only turn pointer events into these calls and dispatch the result.
 */

export interface MoveResult {
  rects: Map<string, Rect>;
  guides: Guide[];
}

/**
 * Moves every rect of `start` by `delta`; the rect under the pointer (`primary`) is snapped and the
 * rest follow it, so a multi-selection keeps its shape.
 */
export function computeMove(
  start: ReadonlyMap<string, Rect>,
  primary: string,
  delta: { x: number; y: number },
  others: readonly Rect[],
  page: PageSize,
  snap: SnapOptions | null,
): MoveResult {
  const p = start.get(primary);
  if (!p) return { rects: new Map(start), guides: [] };
  const bounds = [...start.values()];
  // Keep the whole selection on the page: limit the delta by the selection's extent.
  const minX = Math.min(...bounds.map((r) => r.x));
  const minY = Math.min(...bounds.map((r) => r.y));
  const maxX = Math.max(...bounds.map((r) => r.x + r.width));
  const maxY = Math.max(...bounds.map((r) => r.y + r.height));
  const limit = (d: number, lo: number, hi: number) => Math.min(Math.max(d, lo), hi);
  let dx = limit(delta.x, -minX, page.width - maxX);
  let dy = limit(delta.y, -minY, page.height - maxY);
  let guides: Guide[] = [];
  if (snap) {
    const moved = { ...p, x: p.x + dx, y: p.y + dy };
    const s = snapMove(moved, others, snap);
    dx = limit(s.rect.x - p.x, -minX, page.width - maxX);
    dy = limit(s.rect.y - p.y, -minY, page.height - maxY);
    guides = s.guides;
  }
  const rects = new Map<string, Rect>();
  for (const [k, r] of start) rects.set(k, { ...r, x: r.x + dx, y: r.y + dy });
  return { rects, guides };
}

/** Resizes `start` by dragging `handle`; snaps the moving edges unless proportions are locked. */
export function computeResize(
  start: Rect,
  handle: Handle,
  delta: { x: number; y: number },
  lockProportions: boolean,
  others: readonly Rect[],
  page: PageSize,
  snap: SnapOptions | null,
): { rect: Rect; guides: Guide[] } {
  let rect = resizeRect(start, handle, delta.x, delta.y, lockProportions);
  let guides: Guide[] = [];
  if (snap && !lockProportions) {
    const s = snapResize(rect, handle, others, snap);
    rect = s.rect;
    guides = s.guides;
  }
  return { rect: clampToPage(rect, page), guides };
}

/**
 * The box a press-and-drag draws from `origin`, in any direction: a resize of an empty box at the
 * press point by the corner the pointer went towards, so the moving edges snap as a resize's do.
 * A field that keeps its proportions (checkbox, radio, barcode) is drawn square.
 */
export function computeDraw(
  origin: { x: number; y: number },
  delta: { x: number; y: number },
  square: boolean,
  others: readonly Rect[],
  page: PageSize,
  snap: SnapOptions | null,
): { rect: Rect; guides: Guide[] } {
  const handle: Handle = `${delta.y < 0 ? 'n' : 's'}${delta.x < 0 ? 'w' : 'e'}`;
  const r = computeResize({ ...origin, width: 0, height: 0 }, handle, delta, false, others, page, square ? null : snap);
  if (!square) return r;
  const side = Math.max(r.rect.width, r.rect.height);
  const x = handle.includes('w') ? r.rect.x + r.rect.width - side : r.rect.x;
  const y = handle.includes('n') ? r.rect.y + r.rect.height - side : r.rect.y;
  return { rect: clampToPage({ x, y, width: side, height: side }, page), guides: [] };
}
