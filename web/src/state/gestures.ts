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
