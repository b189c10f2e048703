import { PdfError } from '../errors.js';
import type { FontChain, FontFace } from '../fonts/registry.js';
import { needsShaping, shapeRun } from '../fonts/shaping.js';
import { embeddingLevels, reorderVisual, type Direction } from './bidi.js';

/**
 * Text layout: code points → faces (fallback chain), wrapping, shrink-to-fit, ellipsis and
 * clipping, and the overflow warnings. Pure (no PDF objects), so preflight uses it too.
 */

export interface Glyph {
  /** the code point (shaped glyphs: its cluster's first one, or -1 for a cluster's later glyphs) */
  cp: number;
  face: FontFace;
  adv: number; /* 1/1000 em */
  /** Shaped glyphs only (HarfBuzz): glyph id, offsets in 1/1000 em, the cluster's text for ToUnicode ('' after its first glyph), bidi level */
  gid?: number;
  dx?: number;
  dy?: number;
  text?: string;
  level?: number;
  /** a line may break before this glyph (a word boundary of a script written without spaces) */
  brk?: boolean;
}
export interface Line {
  glyphs: Glyph[];
  width: number /* at 1000 pt */;
  paragraphEnd: boolean;
  /** the paragraph's base direction is right-to-left (its first strong character, or the field's direction) */
  rtl?: boolean;
  /** Shaped or reordered lines: the line's text in logical order (drawn as /ActualText for extractors that honour it) */
  logical?: string;
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
  /** base direction of each paragraph; 'auto' takes its first strong character */
  direction?: Direction;
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

/** Characters that stay in the face of the character before them when it has them (marks, joiners, spaces, punctuation). */
const STICKY = /[\p{M}\p{Zs}\p{P}\u200c\u200d]/u;

/**
 * A paragraph with complex-script or RTL text: faces per character (marks and neutrals keep the
 * face before them, so a cluster is never split across fonts), bidi levels, then one HarfBuzz
 * run per (face, level). Glyphs are in logical order; `visualLines` reorders each line.
 */
function shapeComplex(
  text: string,
  chain: FontChain,
  field: { fieldId: string; name: string },
  direction: Direction,
): Glyph[] & { rtl?: boolean } {
  const cps = Array.from(text, (c) => c.codePointAt(0)!);
  const { levels, base } = embeddingLevels(text, direction);
  const emoji = emojiSequences(text, chain);
  const faces: FontFace[] = [];
  for (let i = 0; i < cps.length; i++) {
    const prev = faces[i - 1];
    const fixed = emoji?.get(i);
    // One sequence is one run: its joiners and selectors take the level of its first character.
    if (fixed && fixed.first < i) levels[i] = levels[fixed.first];
    const face =
      fixed?.face ??
      // A space after an emoji is the text font's (the emoji font's is a full em wide).
      (prev && !emoji?.has(i - 1) && levels[i] === levels[i - 1] && STICKY.test(String.fromCodePoint(cps[i])) && prev.has(cps[i])
        ? prev
        : chain.pick(cps[i]));
    if (!face) throw missingGlyph(field, cps[i]);
    faces.push(face);
  }
  const breaks = wordStarts(text);
  const out: Glyph[] & { rtl?: boolean } = [];
  out.rtl = base % 2 === 1;
  for (let start = 0; start < cps.length;) {
    let end = start + 1;
    while (end < cps.length && faces[end] === faces[start] && levels[end] === levels[start]) end++;
    const face = faces[start];
    const level = levels[start];
    const shaped = shapeRun(face, cps, start, end, level % 2 === 1);
    // A cluster's text (for extraction) is its code points up to the next cluster of the run.
    const bounds = [...new Set(shaped.map((g) => g.cluster))].sort((a, b) => a - b);
    const next = new Map(bounds.map((c, k) => [c, bounds[k + 1] ?? end]));
    const seen = new Set<number>();
    for (const g of shaped) {
      const first = !seen.has(g.cluster);
      seen.add(g.cluster);
      const t = first ? String.fromCodePoint(...cps.slice(g.cluster, next.get(g.cluster))) : '';
      const glyph: Glyph = { cp: first ? cps[g.cluster] : -1, face, adv: g.adv, gid: g.gid, dx: g.dx, dy: g.dy, text: t, level };
      if (first && breaks?.has(g.cluster)) glyph.brk = true;
      out.push(glyph);
    }
    start = end;
  }
  return out;
}

/** Characters that make a grapheme an emoji sequence: pictographs, tags, the emoji selector, the keycap mark. */
const EMOJI = /[\u{1f000}-\u{1faff}\u{e0020}-\u{e007f}]|\ufe0f|\u20e3/u;
let graphemes: Intl.Segmenter | undefined;

/**
 * The face of every code point of an emoji sequence (a grapheme cluster with an emoji character:
 * 👍🏽, 👩‍💻, 🇫🇷, 1️⃣), by code-point index, with the index of the sequence's first code point: the
 * emoji face that has all of it, so HarfBuzz can form its ligature, instead of a face per code
 * point (a Latin font's "1", DejaVu's ☺) that would split it. Undefined when there is none.
 */
function emojiSequences(text: string, chain: FontChain): Map<number, { face: FontFace; first: number }> | undefined {
  if (!EMOJI.test(text)) return undefined;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const out = new Map<number, { face: FontFace; first: number }>();
  let at = 0;
  for (const { segment } of graphemes.segment(text)) {
    const cps = Array.from(segment, (c) => c.codePointAt(0)!);
    if (EMOJI.test(segment)) {
      const face = chain.pickEmoji(cps) ?? chain.find((f) => cps.every((cp) => f.has(cp)));
      if (face) for (let k = 0; k < cps.length; k++) out.set(at + k, { face, first: at });
    }
    at += cps.length;
  }
  return out;
}

/** Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer. */
const NO_SPACES = /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]/;
let segmenter: Intl.Segmenter | undefined;

/**
 * Code-point indices where a word starts, for text in a script without spaces (Intl.Segmenter:
 * ICU's dictionary word boundaries); undefined for other text, which breaks at spaces only.
 */
function wordStarts(text: string): Set<number> | undefined {
  if (!NO_SPACES.test(text)) return undefined;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
  const starts = new Set<number>();
  let cp = 0;
  let unit = 0;
  for (const seg of segmenter.segment(text)) {
    for (; unit < seg.index; unit++) {
      const c = text.charCodeAt(unit);
      if (!(c >= 0xdc00 && c <= 0xdfff)) cp++;
    }
    if (seg.index > 0) starts.add(cp);
  }
  return starts;
}

/** A paragraph's glyphs: the per-code-point fast path, or shaping when the text needs it. */
function shapeParagraph(
  text: string,
  chain: FontChain,
  field: { fieldId: string; name: string },
  direction: Direction,
): Glyph[] & { rtl?: boolean } {
  if (direction !== 'rtl' && !needsShaping(text)) return shape(text, chain, field);
  return shapeComplex(text, chain, field, direction);
}

/** Lines in visual order (rule L2) for paragraphs that had bidi levels; others are returned as they are. */
function visualLines(lines: Line[]): Line[] {
  return lines.map((l) => {
    const logical = l.glyphs.map((g) => g.text ?? String.fromCodePoint(g.cp)).join('');
    if (!l.rtl && !l.glyphs.some((g) => g.level)) return l.glyphs.some((g) => g.gid !== undefined) ? { ...l, logical } : l;
    const baseLevel = l.rtl ? 1 : 0;
    return { ...l, glyphs: reorderVisual(l.glyphs, (g) => g.level ?? baseLevel), logical };
  });
}

const width = (gs: Glyph[]): number => gs.reduce((a, g) => a + g.adv, 0);
const isSpace = (g: Glyph): boolean => g.cp === 32;

/**
 * Greedy wrap at spaces; words longer than the line are broken between characters. Widths are
 * kept as running sums (never re-summed per glyph), so wrapping is linear in the text's length.
 */
function wrap(paragraphs: (Glyph[] & { rtl?: boolean })[], maxWidth: number /* 1/1000 em units at size 1 */): Line[] {
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
      lines.push(para.rtl ? { glyphs: line, width: w, paragraphEnd: end, rtl: true } : { glyphs: line, width: w, paragraphEnd: end });
      line = [];
      lineW = 0;
    };
    while (i < para.length) {
      // next word [i, k) and its trailing spaces [k, j)
      let k = i;
      let wordW = 0;
      while (k < para.length && !isSpace(para[k]) && !(k > i && para[k].brk)) wordW += para[k++].adv;
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
  return line.rtl ? { glyphs: t, width: w + dw, paragraphEnd: true, rtl: true } : { glyphs: t, width: w + dw, paragraphEnd: true };
}

export function layoutText(input: LayoutInput): LayoutResult {
  const r = layoutLogical(input);
  // Only text that went through shaping has bidi levels to apply.
  return input.direction === 'rtl' || needsShaping(input.text) ? { ...r, lines: visualLines(r.lines) } : r;
}

function layoutLogical(input: LayoutInput): LayoutResult {
  const { chain, field } = input;
  const primary = chain.primary();
  const ascent = primary.ascent;
  const descent = primary.descent;
  const multi = input.multiLine || input.overflow === 'wrap';
  const text = input.text.replace(/\r\n?/g, '\n').replace(/\t/g, ' ');
  const paragraphs = (multi ? text.split('\n') : [text.replace(/\n/g, ' ')]).map((p) =>
    shapeParagraph(p, chain, field, input.direction ?? 'auto'),
  );
  const W = Math.max(0, input.width);
  const H = Math.max(0, input.height);

  const linesAt = (size: number): Line[] =>
    multi
      ? wrap(paragraphs, (W * 1000) / size)
      : paragraphs.map((g) =>
          g.rtl ? { glyphs: g, width: width(g), paragraphEnd: true, rtl: true } : { glyphs: g, width: width(g), paragraphEnd: true },
        );
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
