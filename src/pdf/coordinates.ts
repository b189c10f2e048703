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
  const m = page.getMediaBox();
  // Viewers show the crop box clipped to the media box (PDF 32000-1 §14.11.2): a larger crop box
  // would put a field placed in the visible area outside the page.
  const x0 = Math.max(b.x, m.x);
  const y0 = Math.max(b.y, m.y);
  const x1 = Math.min(b.x + b.width, m.x + m.width);
  const y1 = Math.min(b.y + b.height, m.y + m.height);
  if (x1 - x0 < 1 || y1 - y0 < 1) return { x: m.x, y: m.y, width: m.width, height: m.height };
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
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
