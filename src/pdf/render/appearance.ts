import { PDFName, PDFRawStream, type PDFRef, type PDFWidgetAnnotation } from 'pdf-lib';
import { deflateSmall } from '../fonts/embed.js';
import { needsShaping } from '../fonts/shaping.js';
import type { EngineField } from '../types.js';
import { n, PageCanvas, type DocumentCanvas } from './canvas.js';
import type { PreparedField } from './draw.js';
import { MIN_COMPRESS_CONTENT } from './page-update.js';
import { drawTextLayout, layoutField } from './text.js';

/**
 * Appearance streams of text form fields drawn by our own text engine: HarfBuzz-shaped glyphs in
 * bidi visual order, several faces in one value, the flat output's layout. pdf-lib's appearance
 * lays a value out per code point with one font and no bidi (Arabic unjoined, Hebrew backwards),
 * so values that need shaping come here; others keep pdf-lib's, which viewers regenerate alike.
 * The field's /V stays the logical string; the stream's glyphs carry ToUnicode and /ActualText
 * like page text, so extraction reads the value as typed.
 */

/** Values pdf-lib's appearance would draw wrongly: complex scripts, emoji, or a right-to-left field. */
export function needsOwnAppearance(field: EngineField, text: string): boolean {
  return needsShaping(text) || field.style.direction === 'rtl';
}

/**
 * The form matrix of a widget turned by /MK /R (degrees counter-clockwise): the text is laid out
 * along the turned box, and viewers map the matrix-transformed /BBox onto /Rect (PDF 12.5.5).
 */
const ROTATIONS: Record<number, number[]> = { 90: [0, 1, -1, 0, 0, 0], 180: [-1, 0, 0, -1, 0, 0], 270: [0, -1, 1, 0, 0, 0] };

/**
 * Draws `text` as the widget's normal appearance, laid out in the widget's rectangle (turned as
 * its /MK /R says) with the field's style (multiLine as the form field says), on the widget's own
 * background and border.
 * Fonts are the document's subsets (written when the document's fonts are finalised). Returns the
 * font size used (shrink-to-fit may lower it) in the widget's units, for the field's /DA.
 */
export function drawOwnAppearance(
  canvas: DocumentCanvas,
  widget: PDFWidgetAnnotation,
  p: Pick<PreparedField, 'field' | 'chain'>,
  text: string,
  multiLine: boolean,
  /** The page's /UserUnit: the widget's box is in user-space units, the field's sizes in points. */
  unit = 1,
): number {
  const rect = widget.getRectangle();
  const mk = widget.getAppearanceCharacteristics();
  const rot = (((Math.round((mk?.getRotation() ?? 0) / 90) * 90) % 360) + 360) % 360;
  const [w, h] = rot === 90 || rot === 270 ? [rect.height, rect.width] : [rect.width, rect.height];
  const bw = widget.getBorderStyle()?.getWidth() ?? 0;
  const field: EngineField = {
    ...p.field,
    style: { ...p.field.style, fontSize: p.field.style.fontSize / unit, borderWidth: bw },
    advanced: { ...p.field.advanced, minFontSize: p.field.advanced.minFontSize / unit, multiLine },
  };
  const lay = layoutField(field, p.chain, text, w, h);
  const pc = new PageCanvas(-1);
  const bg = colorOp(mk?.getBackgroundColor(), false);
  if (bg) pc.push(bg, `0 0 ${n(w)} ${n(h)} re f`);
  const bc = colorOp(mk?.getBorderColor(), true);
  if (bc && bw > 0) pc.push(bc, `${n(bw)} w`, `${n(bw / 2)} ${n(bw / 2)} ${n(w - bw)} ${n(h - bw)} re S`);
  // /Tx BMC … EMC marks the part a viewer replaces when the user edits the value (PDF 12.7.4.3).
  pc.push('/Tx BMC', 'q');
  drawTextLayout(canvas, pc, field, lay, w, h);
  pc.push('Q', 'EMC');

  const ctx = canvas.context;
  const fonts: Record<string, PDFRef> = {};
  for (const [name, ref] of pc.fonts) fonts[name] = ref;
  const body = new TextEncoder().encode(pc.ops.join('\n'));
  const packed = body.length >= MIN_COMPRESS_CONTENT ? deflateSmall(body) : undefined;
  const dict = ctx.obj({
    Type: 'XObject',
    Subtype: 'Form',
    BBox: [0, 0, w, h],
    ...(ROTATIONS[rot] ? { Matrix: ROTATIONS[rot] } : {}),
    Resources: { Font: fonts },
    ...(packed ? { Filter: 'FlateDecode' } : {}),
    Length: packed ? packed.length : body.length,
  });
  const stream = PDFRawStream.of(dict, packed ? new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength) : body);
  widget.dict.set(PDFName.of('AP'), ctx.obj({ N: ctx.register(stream) }));
  return lay.fontSize;
}

/** A /MK colour (gray, RGB or CMYK components) as a fill or stroke operator; none for an empty or absent one. */
function colorOp(c: number[] | undefined, strokeOp: boolean): string | undefined {
  if (!c || c.length === 0) return undefined;
  const v = c.map(n).join(' ');
  if (c.length === 1) return `${v} ${strokeOp ? 'G' : 'g'}`;
  if (c.length === 3) return `${v} ${strokeOp ? 'RG' : 'rg'}`;
  if (c.length === 4) return `${v} ${strokeOp ? 'K' : 'k'}`;
  return undefined;
}
