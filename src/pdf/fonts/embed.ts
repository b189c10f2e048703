import { deflateSync } from 'node:zlib';
import type { PDFContext, PDFRef } from 'pdf-lib';
import { PDFRawStream, PDFString } from 'pdf-lib';
import type { FontFace } from './registry.js';

/**
 * Per-document subset embedding (Type0 / CIDFontType2, Identity-H). Hand-written instead of
 * pdf-lib's CustomFontSubsetEmbedder because that one runs fontkit's layout engine (ligatures
 * such as "fi" become one glyph and break search/extraction) and re-parses the font for every
 * document; here glyphs are chosen per code point from the face loaded once per process.
 */

interface UsedFont {
  face: FontFace;
  ref: PDFRef;
  resName: string;
  /** original glyph ids in subset order (subset glyph 0 is .notdef) */
  order: number[];
  /** original glyph id → subset glyph id */
  gids: Map<number, number>;
  /** shaped glyphs: `gid text` → subset glyph id (see encodeGlyphs) */
  shaped: Map<string, number>;
  /** subset glyph id → [advance in font units, text the glyph stands for ('' maps nothing)] */
  glyphs: [number, string][];
}

export class DocFonts {
  private readonly used = new Map<string, UsedFont>();
  constructor(
    private readonly context: PDFContext,
    private readonly prefix = 'Ps',
  ) {}

  private use(face: FontFace): UsedFont {
    let u = this.used.get(face.id);
    if (!u) {
      u = {
        face,
        ref: this.context.nextRef(),
        resName: `${this.prefix}F${this.used.size}`,
        order: [0],
        gids: new Map([[0, 0]]),
        glyphs: [],
        shaped: new Map(),
      };
      this.used.set(face.id, u);
    }
    return u;
  }

  /** The font dictionary's ref and resource name for `face` (written by finalize), before any glyph is encoded. */
  reserve(face: FontFace): { resName: string; ref: PDFRef } {
    const u = this.use(face);
    return { resName: u.resName, ref: u.ref };
  }

  /** Encodes code points (all of which `face` has) as a hex string of subset glyph ids. */
  encode(face: FontFace, cps: number[]): { resName: string; ref: PDFRef; hex: string } {
    const u = this.use(face);
    let hex = '';
    for (const cp of cps) {
      const g = face.font.glyphForCodePoint(cp);
      let sid = u.gids.get(g.id);
      if (sid === undefined) {
        sid = u.order.length;
        u.order.push(g.id);
        u.gids.set(g.id, sid);
        u.glyphs[sid] = [g.advanceWidth, String.fromCodePoint(cp)];
      }
      hex += sid.toString(16).padStart(4, '0');
    }
    return { resName: u.resName, ref: u.ref, hex };
  }

  /**
   * Encodes shaped glyphs (glyph ids from HarfBuzz) with the text each stands for: a ligature or
   * conjunct maps to its whole cluster in ToUnicode, so extraction gives back the logical string.
   * One glyph may stand for different texts (Noto Sans Arabic draws ف and ق on one dotless base
   * glyph, the dots being marks), so each (glyph, text) pair gets its own subset glyph: the glyph's
   * outline is then stored once per text, a few hundred bytes, and every copy extracts right.
   */
  encodeGlyphs(face: FontFace, glyphs: readonly { gid: number; text: string }[]): { resName: string; ref: PDFRef; hex: string } {
    const u = this.use(face);
    let hex = '';
    for (const { gid, text } of glyphs) {
      const key = `${gid} ${text}`;
      let sid = u.shaped.get(key);
      if (sid === undefined) {
        sid = u.order.length;
        u.order.push(gid);
        u.shaped.set(key, sid);
        u.glyphs[sid] = [face.font.getGlyph(gid).advanceWidth, text];
      }
      hex += sid.toString(16).padStart(4, '0');
    }
    return { resName: u.resName, ref: u.ref, hex };
  }

  get size(): number {
    return this.used.size;
  }

  /** Writes every used font's objects into the context (at the refs handed out by encode). */
  async finalize(): Promise<void> {
    for (const u of this.used.values()) await this.embed(u);
  }

  private async embed(u: UsedFont): Promise<void> {
    const ctx = this.context;
    const { face } = u;
    const font = face.font;
    const program = fontProgram(face, u.order);
    const fileRef = ctx.register(flate(ctx, program, { Length1: program.length }));
    const base = `${tag(u)}+${(font.postscriptName ?? 'Font').replace(/[^\x21-\x7e]|[/()<>[\]{}%#]/g, '')}`;
    const s = face.scale;
    const italic = font.italicAngle !== 0;
    const descriptor = ctx.register(
      ctx.obj({
        Type: 'FontDescriptor',
        FontName: base,
        Flags: (italic ? 64 : 0) | 32 | 4,
        FontBBox: [font.bbox.minX * s, font.bbox.minY * s, font.bbox.maxX * s, font.bbox.maxY * s].map(Math.round),
        ItalicAngle: font.italicAngle,
        Ascent: Math.round(font.ascent * s),
        Descent: Math.round(font.descent * s),
        CapHeight: Math.round((font.capHeight || font.ascent) * s),
        XHeight: Math.round((font.xHeight || 0) * s),
        StemV: 80,
        FontFile2: fileRef,
      }),
    );
    const widths: number[] = [];
    for (let i = 1; i < u.glyphs.length; i++) widths.push(Math.round(u.glyphs[i][0] * s));
    const cid = ctx.register(
      ctx.obj({
        Type: 'Font',
        Subtype: 'CIDFontType2',
        BaseFont: base,
        CIDToGIDMap: 'Identity',
        CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
        FontDescriptor: descriptor,
        DW: 1000,
        W: [1, widths],
      }),
    );
    const toUnicode = ctx.register(flate(ctx, new TextEncoder().encode(cmap(u.glyphs)), {}));
    ctx.assign(
      u.ref,
      ctx.obj({ Type: 'Font', Subtype: 'Type0', BaseFont: base, Encoding: 'Identity-H', DescendantFonts: [cid], ToUnicode: toUnicode }),
    );
  }
}

/** Subset tag: six capitals derived from the glyph set (PDF 9.6.4), stable for equal subsets. */
function tag(u: UsedFont): string {
  let h = 2166136261;
  for (const k of u.order) h = Math.imul(h ^ k, 16777619);
  let t = '';
  for (let i = 0; i < 6; i++) {
    t += String.fromCharCode(65 + ((h >>> 0) % 26));
    h = Math.floor((h >>> 0) / 26) + i * 7919;
  }
  return t;
}

/** Streams shorter than this are stored uncompressed: deflate's header and call cost outweigh the bytes saved. */
export const MIN_COMPRESS = 100;

/**
 * deflateSync tuned for the small streams of a document (a few bytes to tens of KB). zlib's
 * defaults (windowBits 15, memLevel 8) allocate and initialise ~256 KB of window and hash tables
 * per call, which dominates the cost for a 2 KB stream; a window just large enough for the data
 * gives the same output (matches cannot reach further back than the data anyway). Levels 1–6
 * measured within noise of each other for font subsets (level 1: +2% bytes), so the default 6 stays.
 */
export function deflateSmall(data: Uint8Array, level = 6): Buffer {
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(data.length + 262))));
  return deflateSync(data, { level, windowBits, memLevel: Math.min(8, Math.max(1, windowBits - 6)) });
}

export function flate(ctx: PDFContext, data: Uint8Array, extra: Record<string, number | string>): PDFRawStream {
  if (data.length < MIN_COMPRESS) return PDFRawStream.of(ctx.obj({ ...extra, Length: data.length }), data);
  const z = deflateSmall(data);
  const dict = ctx.obj({ ...extra, Filter: 'FlateDecode', Length: z.length });
  return PDFRawStream.of(dict, new Uint8Array(z.buffer, z.byteOffset, z.byteLength));
}

type FkSubset = ReturnType<FontFace['font']['createSubset']> & { encode(stream: unknown): void };
type EncodeStreamCtor = new () => { push(chunk: Uint8Array | null): boolean; end(): void };
let EncodeStream: EncodeStreamCtor | undefined;

/**
 * The subset font program: assembled from the face's cached TrueType slices, or (CFF or
 * variable fonts, which the slices do not handle) with fontkit's encoder.
 */
export function fontProgram(face: FontFace, order: readonly number[]): Uint8Array {
  const slices = face.slices;
  if (slices) return slices.subset(order);
  const subset = face.font.createSubset() as FkSubset;
  for (const gid of order) subset.includeGlyph(gid);
  // fontkit's encodeStream() defers the work with a browser-style nextTick polyfill built on
  // setTimeout (≥1 ms idle per font); we take its stream class once and drive encode() ourselves.
  EncodeStream ??= Object.getPrototypeOf(subset.encodeStream()).constructor as EncodeStreamCtor;
  const parts: Uint8Array[] = [];
  const s = new EncodeStream();
  s.push = (chunk) => {
    if (chunk) parts.push(chunk);
    return true;
  };
  subset.encode(s);
  s.end();
  return new Uint8Array(Buffer.concat(parts));
}

function utf16hex(text: string): string {
  return text
    .split('')
    .map((c) => c.charCodeAt(0).toString(16).padStart(4, '0'))
    .join('');
}

function cmap(glyphs: [number, string][]): string {
  const lines: string[] = [];
  // A shaped cluster's later glyphs (Noto's Arabic joining pieces, a Thai mark moved into its
  // cluster) stand for no text of their own; an unmapped glyph would extract as its raw code, so
  // they map to U+2060 WORD JOINER, an invisible format character that pdf.js drops and that
  // changes neither shaping nor breaking where another reader keeps it.
  for (let i = 1; i < glyphs.length; i++) lines.push(`<${i.toString(16).padStart(4, '0')}> <${utf16hex(glyphs[i][1] || '\u2060')}>`);
  const chunks: string[] = [];
  for (let i = 0; i < lines.length; i += 100) {
    const part = lines.slice(i, i + 100);
    chunks.push(`${part.length} beginbfchar\n${part.join('\n')}\nendbfchar`);
  }
  return `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <ffff>
endcodespacerange
${chunks.join('\n')}
endcmap
CMapName currentdict /CIDInit /ProcSet findresource pop
end
end`;
}
