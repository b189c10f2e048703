import { PDFDocument } from 'pdf-lib';
import { PdfError } from './errors.js';

/** Many (generated) documents into one PDF, pages in order. */
export async function mergeDocuments(docs: Uint8Array[]): Promise<Uint8Array> {
  if (docs.length === 0) throw new PdfError('payload_invalid', 'Nothing to merge');
  const out = await PDFDocument.create({ updateMetadata: false });
  for (const [i, bytes] of docs.entries()) {
    let src: PDFDocument;
    try {
      src = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
    } catch (e) {
      throw new PdfError('pdf_corrupt', `Document ${i} could not be parsed: ${(e as Error).message}`, { index: i });
    }
    // Form fields would collide by name across copies; generated documents are merged flat.
    const pages = await out.copyPages(src, src.getPageIndices());
    for (const p of pages) out.addPage(p);
  }
  return out.save({ useObjectStreams: true });
}
