import { PDFDocument } from 'pdf-lib';
import { PdfError } from './errors.js';

export interface LoadLimits {
  /** Bytes; larger input is refused before parsing. */
  maxBytes: number;
  /** Pages; a document with more is refused (bounds the work of everything after). */
  maxPages: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = { maxBytes: 100 * 1024 * 1024, maxPages: 2000 };

export interface LoadedPdf {
  doc: PDFDocument;
  /** The bytes `doc` was parsed from (decrypted if the input needed only an owner password). */
  bytes: Uint8Array;
  /** The input was encrypted (with an owner password only, or we would have thrown). */
  wasEncrypted: boolean;
}

/**
 * The one entry point through which the engine parses untrusted PDF bytes: every failure becomes a
 * PdfError naming the problem.
 */
export async function loadPdf(input: Uint8Array, limits: LoadLimits = DEFAULT_LOAD_LIMITS): Promise<LoadedPdf> {
  if (input.byteLength === 0) throw new PdfError('pdf_empty', 'The file is empty (0 bytes)');
  if (input.byteLength > limits.maxBytes) {
    throw new PdfError('pdf_too_large', `The file is ${input.byteLength} bytes; the limit is ${limits.maxBytes}`, { size: input.byteLength, limit: limits.maxBytes });
  }
  const head = Buffer.from(input.subarray(0, Math.min(1024, input.byteLength))).toString('latin1');
  if (!head.includes('%PDF-')) throw new PdfError('pdf_not_pdf', 'The file is not a PDF (no %PDF- header)');
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(input, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  } catch (err) {
    throw new PdfError('pdf_corrupt', `The PDF could not be parsed: ${(err as Error).message}`);
  }
  const wasEncrypted = doc.isEncrypted;
  // TODO(owner): decrypt owner-password-only files; refuse user-password ones with pdf_encrypted.
  const pages = doc.getPageCount();
  if (pages === 0) throw new PdfError('pdf_corrupt', 'The PDF has no pages');
  if (pages > limits.maxPages) {
    throw new PdfError('pdf_too_many_pages', `The PDF has ${pages} pages; the limit is ${limits.maxPages}`, { pages, limit: limits.maxPages });
  }
  return { doc, bytes: input, wasEncrypted };
}
