import type { Handle, Rect } from './geometry.js';

/**
 * Snapping: to other fields' edges and centres first (with a guide line to show it), then to the
 * grid. Works in points; the threshold is given in points by the caller (pixels / zoom) so that
 * snapping feels the same at every zoom.
 */

export interface Guide {
  /** 'x': a vertical line at x = pos; 'y': a horizontal line at y = pos. */
  axis: 'x' | 'y';
  pos: number;
}

export interface SnapOptions {
  /** Grid size in points; 0 or undefined disables grid snapping. */
  grid?: number;
  /** Distance in points under which an edge snaps to another edge. */
  threshold: number;
  /** Whether to snap to other fields' edges. */
  edges?: boolean;
}

export interface SnapResult {
  rect: Rect;
  guides: Guide[];
}

function xs(r: Rect): number[] {
  return [r.x, r.x + r.width / 2, r.x + r.width];
}

function ys(r: Rect): number[] {
  return [r.y, r.y + r.height / 2, r.y + r.height];
}

/** Best offset that moves one of `mine` onto one of `theirs` within `threshold`, or null. */
function bestOffset(mine: number[], theirs: number[], threshold: number): { offset: number; pos: number } | null {
  let best: { offset: number; pos: number } | null = null;
  for (const m of mine) {
    for (const t of theirs) {
      const d = t - m;
      if (Math.abs(d) <= threshold && (best === null || Math.abs(d) < Math.abs(best.offset))) best = { offset: d, pos: t };
    }
  }
  return best;
}

export function snapToGrid(value: number, grid: number): number {
  return grid > 0 ? Math.round(value / grid) * grid : value;
}

/** Snaps a rect being moved (its size is unchanged). */
export function snapMove(rect: Rect, others: readonly Rect[], opts: SnapOptions): SnapResult {
  const guides: Guide[] = [];
  let { x, y } = rect;
  const useEdges = opts.edges !== false && others.length > 0;
  const bx = useEdges ? bestOffset(xs(rect), others.flatMap(xs), opts.threshold) : null;
  const by = useEdges ? bestOffset(ys(rect), others.flatMap(ys), opts.threshold) : null;
  if (bx) {
    x += bx.offset;
    guides.push({ axis: 'x', pos: bx.pos });
  } else if (opts.grid) {
    x = snapToGrid(x, opts.grid);
  }
  if (by) {
    y += by.offset;
    guides.push({ axis: 'y', pos: by.pos });
  } else if (opts.grid) {
    y = snapToGrid(y, opts.grid);
  }
  return { rect: { ...rect, x, y }, guides };
}

/** Snaps the edges that a resize handle moves; the opposite edges stay where they are. */
export function snapResize(rect: Rect, handle: Handle, others: readonly Rect[], opts: SnapOptions): SnapResult {
  const guides: Guide[] = [];
  const useEdges = opts.edges !== false && others.length > 0;
  const otherXs = others.flatMap(xs);
  const otherYs = others.flatMap(ys);
  let left = rect.x;
  let right = rect.x + rect.width;
  let top = rect.y;
  let bottom = rect.y + rect.height;
  const snapEdge = (value: number, theirs: number[], axis: 'x' | 'y'): number => {
    const b = useEdges ? bestOffset([value], theirs, opts.threshold) : null;
    if (b) {
      guides.push({ axis, pos: b.pos });
      return b.pos;
    }
    return opts.grid ? snapToGrid(value, opts.grid) : value;
  };
  if (handle.includes('w')) left = snapEdge(left, otherXs, 'x');
  if (handle.includes('e')) right = snapEdge(right, otherXs, 'x');
  if (handle.includes('n')) top = snapEdge(top, otherYs, 'y');
  if (handle.includes('s')) bottom = snapEdge(bottom, otherYs, 'y');
  if (right - left <= 0 || bottom - top <= 0) return { rect, guides: [] };
  return { rect: { x: left, y: top, width: right - left, height: bottom - top }, guides };
}
