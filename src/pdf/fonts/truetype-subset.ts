/**
 * TrueType subsetting from per-face cached slices.
 *
 * Hand-written because fontkit's TTFSubset.encode() re-decodes every glyph's outline (`_decode`)
 * and deep-clones head/hhea/maxp on every call, i.e. per document: 1.6–6.3 ms per font even for
 * one glyph, half of a document's cost. A PDF CIDFontType2 program (CIDToGIDMap Identity) only
 * needs head, hhea, maxp, loca, glyf, hmtx plus the hinting tables cvt/fpgm/prep (PDF 32000-1
 * §9.9; no cmap), which is what fontkit writes too. Glyph bytes are copied verbatim; only the
 * component glyph ids of composite glyphs are rewritten. Each face keeps, after first use, the
 * fixed tables and each used glyph's raw bytes and component offsets; a document's subset is
 * then a concatenation of cached slices plus small generated tables. The cache is bounded by the
 * face itself (at most one entry per glyph of the font, holding views into the font's bytes).
 */

interface GlyphSlice {
  /** The glyph's bytes (a view into the font file). */
  data: Uint8Array;
  /** Composite glyph: [byte offset of the component's glyph id, component glyph id]. */
  components: [number, number][];
  advance: number;
  lsb: number;
}

const TAGS = ['cvt ', 'fpgm', 'glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp', 'prep'] as const;

export class TrueTypeSlices {
  private readonly tables = new Map<string, Uint8Array>();
  private readonly glyphs = new Map<number, GlyphSlice>();
  private readonly longLoca: boolean;
  private readonly numHMetrics: number;
  readonly numGlyphs: number;

  private constructor(bytes: Uint8Array) {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = v.getUint16(4);
    for (let i = 0; i < n; i++) {
      const e = 12 + i * 16;
      const tag = String.fromCharCode(bytes[e], bytes[e + 1], bytes[e + 2], bytes[e + 3]);
      const off = v.getUint32(e + 8);
      const len = v.getUint32(e + 12);
      if (off + len > bytes.length) throw new Error(`table ${tag} out of bounds`);
      this.tables.set(tag, bytes.subarray(off, off + len));
    }
    this.longLoca = dv(this.table('head')).getInt16(50) === 1;
    this.numHMetrics = dv(this.table('hhea')).getUint16(34);
    this.numGlyphs = dv(this.table('maxp')).getUint16(4);
  }

  /** Slices for a TrueType (glyf) face without variations; undefined otherwise (the caller uses fontkit). */
  static from(bytes: Uint8Array): TrueTypeSlices | undefined {
    try {
      const s = new TrueTypeSlices(bytes);
      for (const t of ['glyf', 'loca', 'head', 'hhea', 'hmtx', 'maxp']) if (!s.tables.has(t)) return undefined;
      if (s.tables.has('fvar') || s.tables.has('gvar')) return undefined;
      return s;
    } catch {
      return undefined;
    }
  }

  private table(tag: string): Uint8Array {
    const t = this.tables.get(tag);
    if (!t) throw new Error(`missing table ${tag}`);
    return t;
  }

  /** Number of glyphs whose slices are cached (≤ numGlyphs). */
  get cachedGlyphs(): number {
    return this.glyphs.size;
  }

  private glyph(gid: number): GlyphSlice {
    let g = this.glyphs.get(gid);
    if (g) return g;
    if (gid < 0 || gid >= this.numGlyphs) gid = 0;
    const loca = dv(this.table('loca'));
    const start = this.longLoca ? loca.getUint32(gid * 4) : loca.getUint16(gid * 2) * 2;
    const end = this.longLoca ? loca.getUint32(gid * 4 + 4) : loca.getUint16(gid * 2 + 2) * 2;
    const data = end > start ? this.table('glyf').subarray(start, end) : new Uint8Array(0);
    const components: [number, number][] = [];
    if (data.length >= 10) {
      const d = dv(data);
      if (d.getInt16(0) < 0) {
        // Composite glyph (OpenType 'glyf' spec): flags, glyphIndex, args, optional transform.
        let p = 10;
        for (;;) {
          const flags = d.getUint16(p);
          components.push([p + 2, d.getUint16(p + 2)]);
          p += 4 + (flags & 0x0001 ? 4 : 2);
          if (flags & 0x0008) p += 2;
          else if (flags & 0x0040) p += 4;
          else if (flags & 0x0080) p += 8;
          if (!(flags & 0x0020)) break;
        }
      }
    }
    const hmtx = dv(this.table('hmtx'));
    const m = Math.min(gid, this.numHMetrics - 1);
    const advance = hmtx.getUint16(m * 4);
    const lsb = gid < this.numHMetrics ? hmtx.getInt16(gid * 4 + 2) : hmtx.getInt16(this.numHMetrics * 4 + (gid - this.numHMetrics) * 2);
    g = { data, components, advance, lsb };
    this.glyphs.set(gid, g);
    return g;
  }

  /**
   * The font program for `gids` (subset glyph i = gids[i]; gids[0] should be 0, .notdef).
   * Components of composite glyphs are appended after them, as fontkit does.
   */
  subset(gids: readonly number[]): Uint8Array {
    const order = [...gids];
    const index = new Map<number, number>();
    order.forEach((g, i) => index.set(g, i));
    const slices: GlyphSlice[] = [];
    for (let i = 0; i < order.length; i++) {
      const g = this.glyph(order[i]);
      slices.push(g);
      for (const [, c] of g.components) {
        if (!index.has(c)) {
          index.set(c, order.length);
          order.push(c);
        }
      }
    }
    const count = order.length;
    // glyf: each glyph padded to 4 bytes (so short loca works and tables stay aligned).
    let glyfLen = 0;
    for (const s of slices) glyfLen += (s.data.length + 3) & ~3;
    const glyf = new Uint8Array(glyfLen);
    const offsets: number[] = [];
    let o = 0;
    for (const s of slices) {
      offsets.push(o);
      glyf.set(s.data, o);
      if (s.components.length) {
        const d = dv(glyf);
        for (const [pos, c] of s.components) d.setUint16(o + pos, index.get(c)!);
      }
      o += (s.data.length + 3) & ~3;
    }
    offsets.push(o);
    const long = glyfLen > 0x1fffe;
    const loca = new Uint8Array((count + 1) * (long ? 4 : 2));
    const ld = dv(loca);
    offsets.forEach((x, i) => (long ? ld.setUint32(i * 4, x) : ld.setUint16(i * 2, x / 2)));
    const hmtx = new Uint8Array(count * 4);
    const hd = dv(hmtx);
    slices.forEach((s, i) => {
      hd.setUint16(i * 4, s.advance);
      hd.setInt16(i * 4 + 2, s.lsb);
    });
    const head = this.table('head').slice();
    dv(head).setUint32(8, 0); // checkSumAdjustment, set below
    dv(head).setInt16(50, long ? 1 : 0);
    const hhea = this.table('hhea').slice();
    dv(hhea).setUint16(34, count);
    const maxp = this.table('maxp').slice();
    dv(maxp).setUint16(4, count);
    const out = new Map<string, Uint8Array>([
      ['glyf', glyf],
      ['head', head],
      ['hhea', hhea],
      ['hmtx', hmtx],
      ['loca', loca],
      ['maxp', maxp],
    ]);
    for (const t of ['cvt ', 'fpgm', 'prep']) {
      const b = this.tables.get(t);
      if (b) out.set(t, b);
    }
    return writeSfnt(out);
  }
}

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function checksum(b: Uint8Array): number {
  let sum = 0;
  const full = b.length & ~3;
  const d = dv(b);
  for (let i = 0; i < full; i += 4) sum = (sum + d.getUint32(i)) >>> 0;
  if (full < b.length) {
    let last = 0;
    for (let i = 0; i < 4; i++) last = (last << 8) | (full + i < b.length ? b[full + i] : 0);
    sum = (sum + (last >>> 0)) >>> 0;
  }
  return sum;
}

/** An sfnt with the given tables (tags in ascending order), checksums and head.checkSumAdjustment set. */
function writeSfnt(tables: Map<string, Uint8Array>): Uint8Array {
  const tags = TAGS.filter((t) => tables.has(t));
  const n = tags.length;
  const headerLen = 12 + n * 16;
  let total = headerLen;
  for (const t of tags) total += (tables.get(t)!.length + 3) & ~3;
  const out = new Uint8Array(total);
  const o = dv(out);
  let es = 0;
  while (1 << (es + 1) <= n) es++;
  o.setUint32(0, 0x00010000);
  o.setUint16(4, n);
  o.setUint16(6, (1 << es) * 16);
  o.setUint16(8, es);
  o.setUint16(10, n * 16 - (1 << es) * 16);
  let off = headerLen;
  let headOff = -1;
  tags.forEach((t, i) => {
    const data = tables.get(t)!;
    const r = 12 + i * 16;
    for (let k = 0; k < 4; k++) out[r + k] = t.charCodeAt(k);
    o.setUint32(r + 4, checksum(data));
    o.setUint32(r + 8, off);
    o.setUint32(r + 12, data.length);
    out.set(data, off);
    if (t === 'head') headOff = off;
    off += (data.length + 3) & ~3;
  });
  if (headOff >= 0) o.setUint32(headOff + 8, (0xb1b0afba - checksum(out)) >>> 0);
  return out;
}
