import type { EngineField } from '../types.js';
import type { FontChain } from '../fonts/registry.js';
import type { DocumentCanvas, PageCanvas } from './canvas.js';
import { fill, n, parseColor } from './canvas.js';
import { layoutText, type Glyph, type LayoutResult } from './text-layout.js';

type ShapedGlyph = Glyph & { gid: number; text: string };

/** Layout of a text-like field's value in its box (shared by drawing and preflight). */
export function layoutField(field: EngineField, chain: FontChain, text: string, w: number, h: number): LayoutResult {
  const pad = field.style.borderWidth;
  return layoutText({
    text,
    chain,
    fontSize: field.style.fontSize,
    minFontSize: Math.min(field.advanced.minFontSize, field.style.fontSize),
    lineHeight: field.style.lineHeight,
    width: w - 2 * pad,
    height: h - 2 * pad,
    multiLine: field.advanced.multiLine || field.advanced.overflow === 'continue',
    // What fits in the box is laid out as wrapped text; the rest is render/text-flow.ts's.
    overflow: field.advanced.overflow === 'continue' ? 'wrap' : field.advanced.overflow,
    direction: field.style.direction,
    field,
  });
}

/**
 * Draws laid-out text in the field's local frame (origin bottom-left of the box, y up).
 * Positions of lines follow verticalAlign; justify spreads the gaps of every line but a paragraph's last.
 */
export function drawTextLayout(doc: DocumentCanvas, page: PageCanvas, field: EngineField, lay: LayoutResult, w: number, h: number): void {
  const { style } = field;
  const pad = style.borderWidth;
  const color = parseColor(style.textColor) ?? [0, 0, 0];
  const size = lay.fontSize;
  const multi = field.advanced.multiLine || field.advanced.overflow === 'wrap' || field.advanced.overflow === 'continue';
  const lineBox = multi ? size * style.lineHeight : (size * (lay.ascent - lay.descent)) / 1000;
  const total = lay.lines.length * lineBox;
  const innerH = h - 2 * pad;
  const innerW = w - 2 * pad;
  const top = style.verticalAlign === 'top' ? 0 : style.verticalAlign === 'bottom' ? innerH - total : (innerH - total) / 2;
  if (lay.clip) page.push('q', `${n(pad)} ${n(pad)} ${n(innerW)} ${n(innerH)} re W n`);
  page.push('BT', fill(color));
  const underlines: string[] = [];
  lay.lines.forEach((line, i) => {
    const lineW = (line.width * size) / 1000;
    const baselineFromTop = top + i * lineBox + (lineBox - (size * (lay.ascent - lay.descent)) / 1000) / 2 + (size * lay.ascent) / 1000;
    const y = h - pad - baselineFromTop;
    // A right-to-left paragraph in a left-aligned field reads from the right edge, as its readers expect.
    const align = style.textAlign === 'left' && line.rtl ? 'right' : style.textAlign;
    let x = pad + (align === 'center' ? (innerW - lineW) / 2 : align === 'right' ? innerW - lineW : 0);
    const spaces = line.glyphs.filter((g) => g.cp === 32).length;
    const extra = style.textAlign === 'justify' && !line.paragraphEnd && spaces > 0 ? (innerW - lineW) / spaces : 0;
    const x0 = x;
    // A shaped or reordered line is one marked-content span whose /ActualText is the logical text:
    // extractors that honour it (poppler, Acrobat) read the line as typed, not glyph by glyph in
    // visual order; the ToUnicode maps give the same text to those that do not (pdf.js).
    if (line.logical !== undefined) page.push(`/Span <</ActualText <${actualText(line.logical)}>>> BDC`);
    // One text-showing run per face (and per word when justifying); shaped glyphs go by glyph id.
    let run: number[] = [];
    let shapedRun: Glyph[] = [];
    let runFace = line.glyphs[0]?.face;
    let runX = x;
    const flush = (): void => {
      if (!runFace || (run.length === 0 && shapedRun.length === 0)) return;
      if (run.length > 0) {
        const { res, hex } = doc.showText(page, runFace, run);
        page.push(`/${res} ${n(size)} Tf`, `1 0 0 1 ${n(runX)} ${n(y)} Tm`, `<${hex}> Tj`);
      } else {
        const { res, hex } = doc.showGlyphs(page, runFace, (shapedRun as ShapedGlyph[]).map(unicodeOf));
        page.push(`/${res} ${n(size)} Tf`, `1 0 0 1 ${n(runX)} ${n(y)} Tm`, ...positionedShow(shapedRun, hex, size));
      }
      run = [];
      shapedRun = [];
    };
    for (const g of line.glyphs) {
      const shaped = g.gid !== undefined;
      if (g.face !== runFace || (extra && g.cp === 32) || (shaped ? run.length > 0 : shapedRun.length > 0)) {
        flush();
        runFace = g.face;
        runX = x;
      }
      if (extra && g.cp === 32) {
        x += (g.adv * size) / 1000 + extra;
        runX = x;
        continue;
      }
      if (shaped) shapedRun.push(g);
      else run.push(g.cp);
      x += (g.adv * size) / 1000;
    }
    flush();
    if (line.logical !== undefined) page.push('EMC');
    if (style.underline && line.glyphs.length > 0) {
      const t = Math.max(0.5, size * 0.06);
      underlines.push(`${n(x0)} ${n(y - size * 0.12 - t / 2)} ${n(x - x0)} ${n(t)} re`);
    }
  });
  page.push('ET');
  if (underlines.length) page.push(...underlines, 'f');
  if (lay.clip) page.push('Q');
}

/**
 * The text a shaped glyph maps to in ToUnicode. Right-to-left glyphs are drawn in visual order and
 * extractors (pdf.js, poppler) reverse an RTL run's text back to logical order character by
 * character, so a glyph that stands for several (the lam-alef ligature لا, a letter with its
 * vowel mark) maps to them reversed, and comes out of that reversal in logical order.
 */
function unicodeOf(g: ShapedGlyph): { gid: number; text: string } {
  if (!((g.level ?? 0) % 2) || g.text.length < 2) return g;
  return { gid: g.gid, text: Array.from(g.text).reverse().join('') };
}

/**
 * Text-showing operators for shaped glyphs at HarfBuzz's positions, as one continuous run (so
 * extractors see one word, not glyphs scattered by their own matrices): TJ adjustments move the
 * pen by each glyph's x offset and by the difference between HarfBuzz's advance and the font's
 * width; a y offset (a mark above or below) is a text rise (Ts). TJ numbers are in 1/1000 em,
 * the unit of the glyph metrics, with the opposite sign.
 */
function positionedShow(glyphs: readonly Glyph[], hex: string, size: number): string[] {
  const ops: string[] = [];
  let arr = '';
  let rise = 0;
  const adj = (v: number): void => {
    if (Math.abs(v) > 0.01) arr += ` ${n(-v)} `;
  };
  glyphs.forEach((g, i) => {
    const dx = g.dx ?? 0;
    const dy = g.dy ?? 0;
    if (dy !== rise) {
      if (arr) ops.push(`[${arr}] TJ`);
      arr = '';
      ops.push(`${n((dy * size) / 1000)} Ts`);
      rise = dy;
    }
    adj(dx);
    arr += `<${hex.slice(i * 4, i * 4 + 4)}>`;
    // the width the PDF's W array gives the glyph (rounded, as embed.ts writes it)
    adj(g.adv - dx - Math.round(g.face.glyphAdvance(g.gid!)));
  });
  if (arr) ops.push(`[${arr}] TJ`);
  if (rise) ops.push('0 Ts');
  return ops;
}

/** A text string as UTF-16BE hex with its byte-order mark (PDF 7.9.2.2). */
function actualText(text: string): string {
  let hex = 'feff';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
  return hex;
}
