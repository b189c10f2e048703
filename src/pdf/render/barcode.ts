import type * as Bwip from 'bwip-js/node';
import type { RenderOptions } from 'bwip-js/node';
import { PdfError } from '../errors.js';
import type { EngineField } from '../types.js';
import type { PageCanvas } from './canvas.js';
import { fill, n, parseColor, stroke } from './canvas.js';

/**
 * Barcodes as vector paths: bwip-js renders the symbol to SVG (bars as stroked lines, 2D
 * modules as polygons, human-readable text as glyph outlines); we translate those few SVG path
 * commands (M L Q Z) to PDF operators, so the code is sharp at any zoom and needs no font.
 */

const BCID: Record<string, string> = { qrcode: 'qrcode', code128: 'code128', ean13: 'ean13', datamatrix: 'datamatrix', pdf417: 'pdf417' };

interface SvgPath {
  d: string;
  strokeWidth?: number;
}

function parseSvg(svg: string): { w: number; h: number; paths: SvgPath[] } {
  const vb = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
  if (!vb) throw new Error('bwip-js returned no viewBox');
  const paths: SvgPath[] = [];
  for (const m of svg.matchAll(/<path([^>]*)\/>/g)) {
    const attrs = m[1];
    const d = /\sd="([^"]*)"/.exec(attrs)?.[1] ?? '';
    const sw = /stroke-width="([\d.]+)"/.exec(attrs)?.[1];
    paths.push({ d, strokeWidth: sw ? Number(sw) : undefined });
  }
  return { w: Number(vb[1]), h: Number(vb[2]), paths };
}

/** SVG path data (absolute M L Q Z, y down) → PDF path operators (y up, height h). */
function toPdfPath(d: string, h: number): string {
  const out: string[] = [];
  let cx = 0;
  let cy = 0;
  for (const m of d.matchAll(/([MLQZ])([^MLQZ]*)/g)) {
    const nums = m[2]
      .trim()
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
    switch (m[1]) {
      case 'M':
        [cx, cy] = nums;
        out.push(`${n(cx)} ${n(h - cy)} m`);
        break;
      case 'L':
        [cx, cy] = nums;
        out.push(`${n(cx)} ${n(h - cy)} l`);
        break;
      case 'Q': {
        // quadratic → cubic control points
        const [qx, qy, x, y] = nums;
        const c1x = cx + (2 / 3) * (qx - cx);
        const c1y = cy + (2 / 3) * (qy - cy);
        const c2x = x + (2 / 3) * (qx - x);
        const c2y = y + (2 / 3) * (qy - y);
        out.push(`${n(c1x)} ${n(h - c1y)} ${n(c2x)} ${n(h - c2y)} ${n(x)} ${n(h - y)} c`);
        cx = x;
        cy = y;
        break;
      }
      case 'Z':
        out.push('h');
        break;
    }
  }
  return out.join(' ');
}

/** bwip-js (4 MB of source) loads with the first barcode, not with every engine thread. */
let bwip: Promise<typeof Bwip> | undefined;

export async function barcodeSvg(field: EngineField, value: unknown): Promise<string> {
  const format = field.advanced.barcode?.format ?? 'qrcode';
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
  if (!text)
    throw new PdfError('barcode_invalid', `Field "${field.name}" (${field.bindingKey}): expected text to encode`, {
      fieldId: field.fieldId,
    });
  const { toSVG } = await (bwip ??= import('bwip-js/node'));
  try {
    return toSVG({
      bcid: BCID[format],
      text,
      includetext: field.advanced.barcode?.includeText ?? false,
      ...(format === 'code128' || format === 'ean13' ? { height: 10 } : {}),
    } as RenderOptions);
  } catch (e) {
    throw new PdfError(
      'barcode_invalid',
      `Field "${field.name}" (${field.bindingKey}): cannot encode ${JSON.stringify(text)} as ${format}: ${String((e as Error).message ?? e)}`,
      { fieldId: field.fieldId, format },
    );
  }
}

export async function drawBarcode(page: PageCanvas, field: EngineField, value: unknown, w: number, h: number): Promise<void> {
  const svg = parseSvg(await barcodeSvg(field, value));
  const format = field.advanced.barcode?.format ?? 'qrcode';
  // 2D symbols keep square modules (centred); linear ones fill the box.
  const twoD = format === 'qrcode' || format === 'datamatrix' || format === 'pdf417';
  let sx = w / svg.w;
  let sy = h / svg.h;
  if (twoD) sx = sy = Math.min(sx, sy);
  const ox = (w - svg.w * sx) / 2;
  const oy = (h - svg.h * sy) / 2;
  const c = parseColor(field.style.textColor) ?? [0, 0, 0];
  page.push('q', `${n(sx)} 0 0 ${n(sy)} ${n(ox)} ${n(oy)} cm`, fill(c), stroke(c));
  for (const p of svg.paths) {
    const path = toPdfPath(p.d, svg.h);
    if (!path) continue;
    page.push(p.strokeWidth !== undefined ? `${n(p.strokeWidth)} w 0 J ${path} S` : `${path} f`);
  }
  page.push('Q');
}
