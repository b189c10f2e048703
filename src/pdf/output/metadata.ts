import type { PDFDocument } from '@cantoo/pdf-lib';
import type { DocumentMetadata } from '@/shared/domain/output.js';

export const PRODUCER = 'PDF Studio';

/**
 * The document information dictionary and /Lang. With PDF/A on, @cantoo/pdf-lib mirrors these
 * into the XMP packet on save (dc:title, dc:creator, pdf:Keywords, …), which is how the two stay
 * equivalent as PDF/A requires.
 */
export function applyMetadata(doc: PDFDocument, meta: DocumentMetadata | undefined, now: Date): void {
  if (meta?.title !== undefined) doc.setTitle(meta.title, { showInWindowTitleBar: true });
  if (meta?.author !== undefined) doc.setAuthor(meta.author);
  if (meta?.subject !== undefined) doc.setSubject(meta.subject);
  if (meta?.keywords !== undefined) doc.setKeywords(meta.keywords);
  if (meta?.language !== undefined) doc.setLanguage(meta.language);
  doc.setProducer(PRODUCER);
  doc.setCreator(PRODUCER);
  doc.setCreationDate(now);
  doc.setModificationDate(now);
}
