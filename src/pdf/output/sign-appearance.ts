import type { PDFDocument, PDFRef } from '@cantoo/pdf-lib';
import { PDFDocument as PlainDocument, PDFName as PlainName, type PDFRef as PlainRef } from 'pdf-lib';
import type { Rect } from '../coordinates.js';
import { DocFonts } from '../fonts/embed.js';
import { defaultFontRegistry, type FontFace } from '../fonts/registry.js';

/**
 * The visible appearance of a signature: a framed box at the studio's signature field saying who
 * signed and when ("Digitally signed by <CN>" / "Date: …"), in DejaVu Sans written by the engine's
 * own font writer (DocFonts: an embedded subset with a ToUnicode map, as for page text) — PDF/A
 * wants every font embedded, and the text must extract. It is written before the one save, so the
 * signature covers it like everything else.
 */

/** Where the widget goes: a page of the document and the field's box in that page's user space. */
export interface SignatureBox {
  /** The field's page in the template; the page with object number `pageObject` when the document still has it. */
  pageIndex: number;
  pageObject?: number;
  rect: Rect;
}

/** The bundled DejaVu Sans (Latin, Greek, Cyrillic: names as certificates spell them). */
function face(): FontFace {
  return defaultFontRegistry().chain('DejaVu Sans', false, false).pick(0x41)!;
}

const two = (n: number) => String(n).padStart(2, '0');
/** UTC, to the minute: what a reader compares with the signature's own time. */
export function signingDate(d: Date): string {
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

export function appearanceLines(signer: string, when: Date, reason?: string): string[] {
  return [`Digitally signed by ${signer}`, `Date: ${signingDate(when)}`, ...(reason ? [`Reason: ${reason}`] : [])];
}

const PAD = 3;
const LEADING = 1.25;
const MAX_SIZE = 12;

/**
 * The appearance form XObject (BBox = the box), its text sized to fit the box. DocFonts is the
 * engine's font writer, made for plain pdf-lib documents, and this document is @cantoo/pdf-lib's:
 * the text is laid out on a page of a scratch pdf-lib document, which is then embedded here (read
 * back by this library, so every object is its own) and drawn by the appearance.
 */
export async function signatureAppearance(doc: PDFDocument, box: Rect, lines: string[]): Promise<PDFRef> {
  const f = face();
  // Characters the face lacks are left out rather than drawn as missing glyphs.
  const cps = lines.map((l) => [...l].map((c) => c.codePointAt(0)!).filter((cp) => f.has(cp)));
  const { width: w, height: h } = box;
  const widest = Math.max(...cps.map((line) => line.reduce((sum, cp) => sum + f.advance(cp), 0) / 1000));
  const size = Math.max(1, Math.min(MAX_SIZE, (w - 2 * PAD) / widest, (h - 2 * PAD) / (lines.length * LEADING)));
  const ascent = (f.ascent / 1000) * size;

  const scratch = await PlainDocument.create({ updateMetadata: false });
  const page = scratch.addPage([w, h]);
  const fonts = new DocFonts(scratch.context, 'Sig');
  const ops = ['q', '0.35 0.35 0.35 RG', '0.75 w', `0.5 0.5 ${(w - 1).toFixed(2)} ${(h - 1).toFixed(2)} re S`, 'Q', 'BT', '0 g'];
  const fontRes: Record<string, PlainRef> = {};
  cps.forEach((line, i) => {
    const enc = fonts.encode(f, line);
    fontRes[enc.resName] = enc.ref;
    const y = h - PAD - ascent - i * size * LEADING;
    ops.push(`/${enc.resName} ${size.toFixed(2)} Tf`, `1 0 0 1 ${PAD} ${y.toFixed(2)} Tm`, `<${enc.hex}> Tj`);
  });
  ops.push('ET');
  await fonts.finalize();
  page.node.set(PlainName.of('Contents'), scratch.context.register(scratch.context.flateStream(ops.join('\n'))));
  page.node.set(PlainName.of('Resources'), scratch.context.obj({ Font: fontRes }));
  const [embedded] = await doc.embedPdf(await scratch.save({ useObjectStreams: false }));

  const stream = doc.context.flateStream('q /Sg Do Q', {
    Type: 'XObject',
    Subtype: 'Form',
    BBox: [0, 0, w, h],
    Resources: { XObject: { Sg: embedded.ref } },
  });
  return doc.context.register(stream);
}
