import { PDFName, PDFNumber, type PDFDict, type PDFPage } from 'pdf-lib';

/**
 * The product's one coordinate convention: PDF points, origin at the top-left corner of the page's
 * visible box (CropBox, which defaults to MediaBox) of the *unrotated* page, y growing downwards —
 * what the studio shows. PDF user space has its origin bottom-left with y growing upwards, and the
 * box may not start at 0,0. This module is the only place that converts between the two.
 *
 * A page's /UserUnit (PDF 1.6) makes one user-space unit that many points: a page box of 612 units
 * with /UserUnit 2 is 1,224 pt wide. Our coordinates stay in points, so a PageBox is in points,
 * and what we draw into a page's content runs inside a frame scaled by 1/UserUnit (unitFrame);
 * annotation rectangles (form widgets), which no content matrix reaches, are converted with
 * toUserRect / fromUserRect.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A page's visible box in points (user-space units × unit). */
export interface PageBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** The page's /UserUnit: points per user-space unit. */
  unit: number;
}

/** A page dictionary's /UserUnit as pdf.js reads it: a positive number, else 1 (it is not inherited). */
export function userUnit(page: PDFDict): number {
  const u = page.get(PDFName.of('UserUnit'));
  const n = u instanceof PDFNumber ? u.asNumber() : NaN;
  return Number.isFinite(n) && n > 0 ? n : 1;
}

/**
 * What wraps our content operators on a page with a /UserUnit other than 1, so they are written
 * in points; '' around them on other pages.
 */
export function unitFrame(unit: number): { open: string; close: string } {
  if (unit === 1) return { open: '', close: '' };
  const k = 1 / unit;
  return { open: `q ${k} 0 0 ${k} 0 0 cm\n`, close: '\nQ' };
}

export function visibleBox(page: PDFPage): PageBox {
  const u = userUnit(page.node);
  const b = userUnitsBox(page);
  return { x: b.x * u, y: b.y * u, width: b.width * u, height: b.height * u, unit: u };
}

/** The visible box in the page's own user-space units. */
function userUnitsBox(page: PDFPage): Omit<PageBox, 'unit'> {
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

/** Our top-left rect → a PDF rect in points (x, y of the bottom-left corner), as content inside unitFrame takes it. */
export function toPdfRect(box: PageBox, r: Rect): Rect {
  return { x: box.x + r.x, y: box.y + box.height - r.y - r.height, width: r.width, height: r.height };
}

/** PDF rect in points (bottom-left corner) → our top-left rect. */
export function fromPdfRect(box: PageBox, r: Rect): Rect {
  return { x: r.x - box.x, y: box.y + box.height - r.y - r.height, width: r.width, height: r.height };
}

/** Our top-left rect → an annotation's rectangle, in the page's user-space units. */
export function toUserRect(box: PageBox, r: Rect): Rect {
  return scale(toPdfRect(box, r), 1 / box.unit);
}

/** An annotation's rectangle (user-space units) → our top-left rect. */
export function fromUserRect(box: PageBox, r: Rect): Rect {
  return fromPdfRect(box, scale(r, box.unit));
}

function scale(r: Rect, k: number): Rect {
  return k === 1 ? r : { x: r.x * k, y: r.y * k, width: r.width * k, height: r.height * k };
}

/** Normalises a PDF [x1 y1 x2 y2] rectangle array (corners may come in any order). */
export function rectFromArray([x1, y1, x2, y2]: [number, number, number, number]): Rect {
  return { x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
}
