/**
 * Geometry of the editor, in PDF points with the origin at the top-left of the unrotated page
 * (the product's one convention, see src/pdf/coordinates.ts). The screen shows a page at `zoom`
 * CSS pixels per point; these helpers are the only place that converts between the two.
 */

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PageSize {
  width: number;
  height: number;
}

export const MIN_FIELD_SIZE = 4;
export const ZOOM_LEVELS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3] as const;

export function ptToPx(pt: number, zoom: number): number {
  return pt * zoom;
}

export function pxToPt(px: number, zoom: number): number {
  return px / zoom;
}

export function rectToPx(r: Rect, zoom: number): Rect {
  return { x: r.x * zoom, y: r.y * zoom, width: r.width * zoom, height: r.height * zoom };
}

/** A pointer position (client coordinates) → page points, given the page element's client rect. */
export function clientToPage(client: Point, pageOrigin: Point, zoom: number): Point {
  return { x: (client.x - pageOrigin.x) / zoom, y: (client.y - pageOrigin.y) / zoom };
}

/** Rounds to 1/100 pt: enough precision for print, and keeps saved numbers readable. */
export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function roundRect(r: Rect): Rect {
  return { x: round2(r.x), y: round2(r.y), width: round2(r.width), height: round2(r.height) };
}

/** Keeps a rect inside the page, shrinking it only if it is larger than the page. */
export function clampToPage(r: Rect, page: PageSize): Rect {
  const width = Math.min(Math.max(r.width, MIN_FIELD_SIZE), page.width);
  const height = Math.min(Math.max(r.height, MIN_FIELD_SIZE), page.height);
  const x = Math.min(Math.max(r.x, 0), page.width - width);
  const y = Math.min(Math.max(r.y, 0), page.height - height);
  return { x, y, width, height };
}

export function boundsOf(rects: readonly Rect[]): Rect | null {
  if (rects.length === 0) return null;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const r of rects) {
    minX = Math.min(minX, r.x);
    minY = Math.min(minY, r.y);
    maxX = Math.max(maxX, r.x + r.width);
    maxY = Math.max(maxY, r.y + r.height);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The rect spanned by two corner points (a rubber-band selection box). */
export function rectFromPoints(a: Point, b: Point): Rect {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) };
}

export type Handle = 'n' | 's' | 'e' | 'w' | 'ne' | 'nw' | 'se' | 'sw';
export const HANDLES: readonly Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

/**
 * Resizes `start` by dragging `handle` by (dx, dy) points. With `lockProportions` the aspect ratio
 * of `start` is kept (the larger relative change wins, so the box follows the pointer).
 */
export function resizeRect(start: Rect, handle: Handle, dx: number, dy: number, lockProportions: boolean): Rect {
  let { x, y, width, height } = start;
  if (handle.includes('e')) width = start.width + dx;
  if (handle.includes('w')) {
    width = start.width - dx;
    x = start.x + dx;
  }
  if (handle.includes('s')) height = start.height + dy;
  if (handle.includes('n')) {
    height = start.height - dy;
    y = start.y + dy;
  }
  if (lockProportions && start.width > 0 && start.height > 0) {
    const ratio = start.width / start.height;
    const horizontal = handle.includes('e') || handle.includes('w');
    const vertical = handle.includes('n') || handle.includes('s');
    const useWidth = horizontal && (!vertical || Math.abs(width / start.width - 1) >= Math.abs(height / start.height - 1));
    if (useWidth) height = width / ratio;
    else width = height * ratio;
    // Keep the opposite edge/corner fixed.
    if (handle.includes('w')) x = start.x + start.width - width;
    if (handle.includes('n')) y = start.y + start.height - height;
    if (!horizontal) x = start.x + (start.width - width) / 2;
    if (!vertical) y = start.y + (start.height - height) / 2;
  }
  if (width < MIN_FIELD_SIZE) {
    if (handle.includes('w')) x -= MIN_FIELD_SIZE - width;
    width = MIN_FIELD_SIZE;
  }
  if (height < MIN_FIELD_SIZE) {
    if (handle.includes('n')) y -= MIN_FIELD_SIZE - height;
    height = MIN_FIELD_SIZE;
  }
  return { x, y, width, height };
}

/**
 * Field rotation, drawn the way the PDF engine places it (src/pdf/render/draw.ts frameMatrix):
 * about the CENTRE of the field's box, clockwise on the page for positive degrees. CSS `rotate()`
 * with the default transform-origin (50% 50%) is that same transform in y-down screen space.
 */
export function normalizeRotation(deg: number): number {
  const r = deg % 360;
  return Object.is(r, -0) ? 0 : r;
}

export function rotationTransform(deg: number): string | undefined {
  const r = normalizeRotation(deg);
  return r === 0 ? undefined : `rotate(${r}deg)`;
}

/** A vector in page axes → the same vector in the field's own (rotated) axes. */
export function toLocalVector(v: Point, deg: number): Point {
  const a = (-normalizeRotation(deg) * Math.PI) / 180;
  return { x: v.x * Math.cos(a) - v.y * Math.sin(a), y: v.x * Math.sin(a) + v.y * Math.cos(a) };
}

/** Corners of a field drawn with `deg` rotation, in page points (top-left origin): top-left, top-right, bottom-right, bottom-left of the box. */
export function rotatedCorners(r: Rect, deg: number): Point[] {
  const a = (normalizeRotation(deg) * Math.PI) / 180;
  const cx = r.x + r.width / 2;
  const cy = r.y + r.height / 2;
  const corners: Point[] = [
    { x: r.x, y: r.y },
    { x: r.x + r.width, y: r.y },
    { x: r.x + r.width, y: r.y + r.height },
    { x: r.x, y: r.y + r.height },
  ];
  return corners.map(({ x, y }) => {
    const dx = x - cx;
    const dy = y - cy;
    return { x: cx + dx * Math.cos(a) - dy * Math.sin(a), y: cy + dx * Math.sin(a) + dy * Math.cos(a) };
  });
}
