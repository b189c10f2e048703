import { PdfError } from '../errors.js';
import type { FontChain, FontFace } from '../fonts/registry.js';

/**
 * Text layout: code points → faces (fallback chain), wrapping, shrink-to-fit, ellipsis and
 * clipping, and the overflow warnings. Pure (no PDF objects), so preflight uses it too.
 */

export interface Glyph {
  cp: number;
  face: FontFace;
  adv: number; /* 1/1000 em */
}
export interface Line {
  glyphs: Glyph[];
  width: number /* at 1000 pt */;
  paragraphEnd: boolean;
}

export interface LayoutInput {
  text: string;
  chain: FontChain;
  fontSize: number;
  minFontSize: number;
  lineHeight: number;
  width: number;
  height: number;
  /** wrap into several lines (multiLine, or overflow 'wrap') */
  multiLine: boolean;
  overflow: 'shrink' | 'wrap' | 'ellipsis' | 'clip';
  field: { fieldId: string; name: string };
}

export interface LayoutResult {
  lines: Line[];
  fontSize: number;
  /** the text must be clipped to the box when drawn */
  clip: boolean;
  warnings: { code: 'overflow' | 'shrunk' | 'clipped'; message: string }[];
  ascent: number;
  descent: number;
}

export function missingGlyph(field: { fieldId: string; name: string }, cp: number): PdfError {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const char = String.fromCodePoint(cp);
  return new PdfError(
    'font_missing_glyph',
    `Field "${field.name}" (${field.fieldId}): no configured font has a glyph for "${char}" (${hex})`,
    {
      fieldId: field.fieldId,
      name: field.name,
      char,
      codePoint: hex,
    },
  );
}

/** Maps every code point to the first face of the chain that has it; none → font_missing_glyph. */
export function shape(text: string, chain: FontChain, field: { fieldId: string; name: string }): Glyph[] {
  const out: Glyph[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const face = chain.pick(cp);
    if (!face) throw missingGlyph(field, cp);
    out.push({ cp, face, adv: face.advance(cp) });
  }
  return out;
}

const width = (gs: Glyph[]): number => gs.reduce((a, g) => a + g.adv, 0);
const isSpace = (g: Glyph): boolean => g.cp === 32;

/**
 * Greedy wrap at spaces; words longer than the line are broken between characters. Widths are
 * kept as running sums (never re-summed per glyph), so wrapping is linear in the text's length.
 */
function wrap(paragraphs: Glyph[][], maxWidth: number /* 1/1000 em units at size 1 */): Line[] {
  const lines: Line[] = [];
  for (const para of paragraphs) {
    let line: Glyph[] = [];
    let lineW = 0; // width of `line`, trailing spaces included
    let i = 0;
    const flush = (end: boolean): void => {
      let e = line.length;
      let w = lineW;
      while (e > 0 && isSpace(line[e - 1])) w -= line[--e].adv;
      if (e < line.length) line.length = e;
      lines.push({ glyphs: line, width: w, paragraphEnd: end });
      line = [];
      lineW = 0;
    };
    while (i < para.length) {
      // next word [i, k) and its trailing spaces [k, j)
      let k = i;
      let wordW = 0;
      while (k < para.length && !isSpace(para[k])) wordW += para[k++].adv;
      let j = k;
      let spaceW = 0;
      while (j < para.length && isSpace(para[j])) spaceW += para[j++].adv;
      if (line.length > 0 && lineW + wordW > maxWidth) flush(false);
      if (line.length === 0 && wordW > maxWidth) {
        // break the word itself
        for (let g = i; g < j; g++) {
          const gl = para[g];
          if (line.length > 0 && lineW + gl.adv > maxWidth && !isSpace(gl)) flush(false);
          line.push(gl);
          lineW += gl.adv;
        }
      } else {
        for (let g = i; g < j; g++) line.push(para[g]);
        lineW += wordW + spaceW;
      }
      i = j;
    }
    flush(true);
  }
  return lines;
}

/** The longest prefix that fits with the ellipsis after it: one forward pass over the widths. */
function ellipsize(line: Line, maxWidth: number, chain: FontChain): Line {
  const dots = chain.pick(0x2026) ? [0x2026] : [46, 46, 46];
  const dotGlyphs: Glyph[] = dots.map((cp) => {
    const face = chain.pick(cp)!;
    return { cp, face, adv: face.advance(cp) };
  });
  const dw = width(dotGlyphs);
  const gs = line.glyphs;
  let k = 0;
  let w = 0;
  while (k < gs.length && w + gs[k].adv + dw <= maxWidth) w += gs[k++].adv;
  while (k > 0 && isSpace(gs[k - 1])) w -= gs[--k].adv;
  const t = gs.slice(0, k);
  for (const d of dotGlyphs) t.push(d);
  return { glyphs: t, width: w + dw, paragraphEnd: true };
}

export function layoutText(input: LayoutInput): LayoutResult {
  const { chain, field } = input;
  const primary = chain.primary();
  const ascent = primary.ascent;
  const descent = primary.descent;
  const multi = input.multiLine || input.overflow === 'wrap';
  const text = input.text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ');
  const paragraphs = (multi ? text.split('\n') : [text.replace(/\n/g, ' ')]).map((p) => shape(p, chain, field));
  const W = Math.max(0, input.width);
  const H = Math.max(0, input.height);

  const linesAt = (size: number): Line[] =>
    multi ? wrap(paragraphs, (W * 1000) / size) : paragraphs.map((g) => ({ glyphs: g, width: width(g), paragraphEnd: true }));
  const heightOf = (n: number, size: number): number => (multi ? n * size * input.lineHeight : (size * (ascent - descent)) / 1000);
  const fitsAt = (lines: Line[], size: number): boolean =>
    lines.every((l) => (l.width * size) / 1000 <= W + 0.01) && heightOf(lines.length, size) <= H + 0.01;
  const maxLines = (size: number): number => Math.max(1, Math.floor((H + 0.01) / (size * input.lineHeight)));

  const warnings: LayoutResult['warnings'] = [];
  const base = { ascent, descent };
  let size = input.fontSize;
  let lines = linesAt(size);
  if (fitsAt(lines, size)) return { lines, fontSize: size, clip: false, warnings, ...base };

  const cut = (ls: Line[], s: number): Line[] => {
    const keep = multi ? ls.slice(0, maxLines(s)) : ls;
    const last = keep.length - 1;
    const dropped = keep.length < ls.length;
    if (dropped || (keep[last].width * s) / 1000 > W)
      keep[last] = ellipsize(dropped ? { ...keep[last], glyphs: [...keep[last].glyphs] } : keep[last], (W * 1000) / s, chain);
    return keep;
  };

  switch (input.overflow) {
    case 'shrink': {
      for (let s = size - 0.5; s >= input.minFontSize - 1e-9; s -= 0.5) {
        const l = linesAt(s);
        if (fitsAt(l, s)) {
          warnings.push({ code: 'shrunk', message: `Text shrunk from ${input.fontSize}pt to ${s}pt to fit` });
          return { lines: l, fontSize: s, clip: false, warnings, ...base };
        }
      }
      size = Math.min(input.fontSize, input.minFontSize);
      lines = cut(linesAt(size), size);
      warnings.push({ code: 'overflow', message: `Text does not fit even at ${size}pt; cut with an ellipsis` });
      return { lines, fontSize: size, clip: true, warnings, ...base };
    }
    case 'ellipsis':
      lines = cut(lines, size);
      warnings.push({ code: 'overflow', message: 'Text does not fit; cut with an ellipsis' });
      return { lines, fontSize: size, clip: true, warnings, ...base };
    case 'wrap': {
      const n = maxLines(size);
      warnings.push({ code: 'overflow', message: `Wrapped text needs ${lines.length} lines; ${n} fit, the rest is cut` });
      return { lines: lines.slice(0, n), fontSize: size, clip: true, warnings, ...base };
    }
    case 'clip':
      warnings.push({ code: 'clipped', message: 'Text does not fit and is clipped at the field box' });
      return { lines, fontSize: size, clip: true, warnings, ...base };
  }
}
