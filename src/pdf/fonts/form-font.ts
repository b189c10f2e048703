import { CustomFontEmbedder, PDFFont, PDFHexString, type PDFContext, type PDFDocument, type PDFRef } from 'pdf-lib';
import type { DocFonts } from './embed.js';
import type { FontFace } from './registry.js';

/**
 * A pdf-lib PDFFont for form-field appearances whose glyphs go into the document's own subset of
 * the face (DocFonts), instead of `doc.embedFont`. That one re-parses the font file with fontkit
 * for every document, runs fontkit's layout engine (GSUB/GPOS lookups) twice per string — per
 * character in comb fields, which made it most of the cost of filling a 726-field form — and
 * embeds the face a second time beside the page text's subset. Here glyphs are chosen per code
 * point from the face loaded once per process, as for page text (no ligatures, so values extract
 * as typed), and the font is written once, by DocFonts.finalize.
 *
 * pdf-lib's PDFFont accepts only its own embedder classes, hence a subclass of CustomFontEmbedder
 * whose encoding, widths and embedding are replaced; its metrics (ascent, descent, bbox) are the
 * face's, read by the inherited height methods.
 */
class DocFontsEmbedder extends CustomFontEmbedder {
  constructor(
    private readonly face: FontFace,
    private readonly fonts: DocFonts,
    resName: string,
  ) {
    super(face.font as never, face.bytes, undefined, undefined);
    // The appearance streams' resource name (and the /DA font): the document's own prefix keeps it apart from the base's names.
    (this as { fontName: string }).fontName = resName;
  }

  override encodeText(text: string): PDFHexString {
    return PDFHexString.of(this.fonts.encode(this.face, this.codePoints(text)).hex);
  }

  override widthOfTextAtSize(text: string, size: number): number {
    let w = 0;
    for (const cp of this.codePoints(text)) w += this.face.advance(cp);
    return (w * size) / 1000;
  }

  override async embedIntoContext(_context: PDFContext, ref?: PDFRef): Promise<PDFRef> {
    // DocFonts.finalize writes the font at the reserved ref, with the page text's glyphs.
    return ref!;
  }

  /** The code points the face draws: callers pick a face that has them all (a face that throws on one, as fontsource's split files do for U+00A0, would otherwise break the whole field). */
  private codePoints(text: string): number[] {
    const cps: number[] = [];
    for (const c of text) {
      const cp = c.codePointAt(0)!;
      if (this.face.has(cp)) cps.push(cp);
    }
    return cps;
  }
}

export function formFont(doc: PDFDocument, fonts: DocFonts, face: FontFace): PDFFont {
  const { ref, resName } = fonts.reserve(face);
  return PDFFont.of(ref, doc, new DocFontsEmbedder(face, fonts, resName));
}
