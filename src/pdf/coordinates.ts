import type { PDFPage } from 'pdf-lib';

/**
 * The product's one coordinate convention: PDF points, origin at the top-left corner of the page's
 * visible box (CropBox, which defaults to MediaBox) of the *unrotated* page, y growing downwards —
 * what the studio shows. PDF user space has its origin bottom-left with y growing upwards, and the
 * box may not start at 0,0. This module is the only place that converts between the two.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PageBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function visibleBox(page: PDFPage): PageBox {
  const b = page.getCropBox();
  return { x: b.x, y: b.y, width: b.width, height: b.height };
}

/** Our top-left rect → PDF user-space rect (x, y of the bottom-left corner). */
export function toPdfRect(box: PageBox, r: Rect): Rect {
  return { x: box.x + r.x, y: box.y + box.height - r.y - r.height, width: r.width, height: r.height };
}

/** PDF user-space rect (bottom-left corner) → our top-left rect. */
export function fromPdfRect(box: PageBox, r: Rect): Rect {
  return { x: r.x - box.x, y: box.y + box.height - r.y - r.height, width: r.width, height: r.height };
}

/** Normalises a PDF [x1 y1 x2 y2] rectangle array (corners may come in any order). */
export function rectFromArray([x1, y1, x2, y2]: [number, number, number, number]): Rect {
  return { x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
}
