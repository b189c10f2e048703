import type { PDFContext, PDFRef } from 'pdf-lib';
import type { GenerationWarning } from '../types.js';
import { DocFonts } from '../fonts/embed.js';
import type { FontFace } from '../fonts/registry.js';

/**
 * Content-stream building for one generated document. Operators are written as text directly
 * (not via pdf-lib's PDFPage drawing API) because generation must not touch the parsed base
 * document: everything new lands in a separate PDFContext that the incremental writer appends.
 */

/** Number → shortest PDF numeric literal (3 decimals). */
export function n(x: number): string {
  const r = Math.round(x * 1000) / 1000;
  return Object.is(r, -0) ? '0' : String(r);
}

export type Rgb = [number, number, number];

export function parseColor(c: string): Rgb | undefined {
  if (c === 'transparent') return undefined;
  let h = c.slice(1);
  if (h.length === 3)
    h = h
      .split('')
      .map((x) => x + x)
      .join('');
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255) as Rgb;
}

export const fill = (c: Rgb): string => `${n(c[0])} ${n(c[1])} ${n(c[2])} rg`;
export const stroke = (c: Rgb): string => `${n(c[0])} ${n(c[1])} ${n(c[2])} RG`;

export class PageCanvas {
  readonly ops: string[] = [];
  readonly fonts = new Map<string, PDFRef>();
  readonly xobjects = new Map<string, PDFRef>();
  constructor(readonly pageIndex: number) {}
  push(...ops: string[]): void {
    this.ops.push(...ops);
  }
}

/**
 * A page a document adds to its base (a table's continuation page): placed after base page
 * `after` (0-based), a copy of base page `source` (its content, without its annotations) or a
 * blank page of the size of page `after`. Its canvas index is `index` (after the base's pages).
 */
export interface AddedPage {
  index: number;
  after: number;
  source: number | 'blank';
}

export class DocumentCanvas {
  readonly fonts: DocFonts;
  readonly pages = new Map<number, PageCanvas>();
  readonly warnings: GenerationWarning[] = [];
  readonly added: AddedPage[] = [];
  private images = 0;
  /** `prefix` starts no resource name of the base's pages (so ours never shadow theirs). */
  constructor(
    readonly context: PDFContext,
    private readonly prefix = 'Ps',
    readonly basePageCount = 0,
  ) {
    this.fonts = new DocFonts(context, prefix);
  }
  /** Adds a page to the document (see AddedPage) and returns its canvas index. */
  addPage(after: number, source: number | 'blank'): number {
    const index = this.basePageCount + this.added.length;
    this.added.push({ index, after, source });
    return index;
  }
  get pageCount(): number {
    return this.basePageCount + this.added.length;
  }
  /** The 1-based number of each canvas page in the output: added pages follow the page they were added after, in the order added. */
  outputOrder(): Map<number, number> {
    const order = new Map<number, number>();
    let n = 0;
    for (let b = 0; b < this.basePageCount; b++) {
      order.set(b, ++n);
      for (const a of this.added) if (a.after === b) order.set(a.index, ++n);
    }
    return order;
  }
  page(index: number): PageCanvas {
    let p = this.pages.get(index);
    if (!p) {
      p = new PageCanvas(index);
      this.pages.set(index, p);
    }
    return p;
  }
  /** Text-showing operator for glyphs of one face; registers the font on the page. */
  showText(page: PageCanvas, face: FontFace, cps: number[]): { res: string; hex: string } {
    const { resName, ref, hex } = this.fonts.encode(face, cps);
    page.fonts.set(resName, ref);
    return { res: resName, hex };
  }
  /** Shaped glyphs (glyph ids with the text each stands for) as a hex string of the face's subset. */
  showGlyphs(page: PageCanvas, face: FontFace, glyphs: readonly { gid: number; text: string }[]): { res: string; hex: string } {
    const { resName, ref, hex } = this.fonts.encodeGlyphs(face, glyphs);
    page.fonts.set(resName, ref);
    return { res: resName, hex };
  }
  addXObject(page: PageCanvas, ref: PDFRef): string {
    const name = `${this.prefix}I${this.images++}`;
    page.xobjects.set(name, ref);
    return name;
  }
}
