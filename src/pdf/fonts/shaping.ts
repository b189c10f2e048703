import { Blob, Buffer as HbBuffer, Direction, Face, Font, shape as hbShape } from 'harfbuzzjs';
import type { FontFace } from './registry.js';

/**
 * Complex-script shaping with HarfBuzz (harfbuzzjs, WebAssembly): Arabic joining and ligatures,
 * Hebrew marks, Indic conjuncts and reordering, Thai marks. Only runs of text that contain such a
 * script come here (see needsShaping); Latin and CJK keep the per-code-point path of
 * text-layout.ts, which HarfBuzz would not change but would slow down.
 */

/**
 * Scripts whose rendering needs shaping or bidi: Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan,
 * Mandaic (U+0590–08FF), the Indic blocks (U+0900–0DFF), Thai, Lao, Tibetan, Myanmar (U+0E00–109F),
 * Khmer, the RTL presentation forms and the explicit RTL / isolate controls; and emoji (the
 * pictographs of U+1F000–1FAFF, tag sequences, the emoji variation selector and the keycap mark),
 * whose sequences are ligatures of the emoji font.
 */
const COMPLEX =
  /[\u0590-\u08ff\u0900-\u0dff\u0e00-\u109f\u1780-\u17ff\ufb1d-\ufdff\ufe70-\ufeff\u200f\u202b\u202e\u2067\u{1f000}-\u{1faff}\u{e0020}-\u{e007f}]|\ufe0f|\u20e3/u;

export function needsShaping(text: string): boolean {
  return COMPLEX.test(text);
}

export interface ShapedGlyph {
  gid: number;
  /** index (into the code points given) of the first code point of this glyph's cluster */
  cluster: number;
  /** advance and offsets in 1/1000 em */
  adv: number;
  dx: number;
  dy: number;
}

const hbFonts = new WeakMap<FontFace, Font>();

/** The HarfBuzz font of a face, made once per face (the face's sfnt bytes, already un-WOFFed). */
function hbFont(face: FontFace): Font {
  let f = hbFonts.get(face);
  if (!f) {
    f = new Font(new Face(new Blob(face.bytes)));
    hbFonts.set(face, f);
  }
  return f;
}

/**
 * Shapes cps[start, end) with `face`, the rest of `cps` serving as context (so an Arabic letter
 * at a run's edge joins as it would inside the text). Glyphs come back in logical order, i.e. an
 * RTL run's output (visual order) reversed, so that wrapping can treat every run alike; the
 * line's bidi reordering puts them back.
 */
export function shapeRun(face: FontFace, cps: number[], start: number, end: number, rtl: boolean): ShapedGlyph[] {
  const buf = new HbBuffer();
  buf.addCodePoints(cps, start, end - start);
  buf.setDirection(rtl ? Direction.RTL : Direction.LTR);
  buf.guessSegmentProperties();
  hbShape(hbFont(face), buf);
  const s = face.scale;
  // Infos and positions read apart: getGlyphInfosAndPositions defines four hidden properties per
  // glyph, which made it a sixth of an Arabic invoice's time.
  const pos = buf.getGlyphPositions();
  const out = buf.getGlyphInfos().map((g, i) => ({
    gid: g.codepoint,
    cluster: g.cluster,
    adv: (pos[i]?.xAdvance ?? 0) * s,
    dx: (pos[i]?.xOffset ?? 0) * s,
    dy: (pos[i]?.yOffset ?? 0) * s,
  }));
  return rtl ? out.reverse() : out;
}
