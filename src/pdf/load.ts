import { PDFDict, PDFDocument, PDFWriter, ParseSpeeds } from 'pdf-lib';
import { decryptOwnerOnly, type EncryptionInfo } from './decrypt.js';
import { PdfError } from './errors.js';
import { rebuildPageTree, walkPageTree } from './page-tree.js';

export interface LoadLimits {
  /** Bytes; larger input is refused before parsing. */
  maxBytes: number;
  /** Pages; a document with more is refused (bounds the work of everything after). */
  maxPages: number;
  /** Wall-clock bound on parsing (and decrypting); slower input is refused instead of hanging. */
  timeoutMs?: number;
}

export type { EncryptionInfo } from './decrypt.js';

export const DEFAULT_LOAD_LIMITS: LoadLimits = { maxBytes: 100 * 1024 * 1024, maxPages: 2000, timeoutMs: 20_000 };

export interface LoadedPdf {
  doc: PDFDocument;
  /** The bytes `doc` was parsed from (decrypted if the input needed only an owner password). */
  bytes: Uint8Array;
  /** The input was encrypted (with an owner password only, or we would have thrown). */
  wasEncrypted: boolean;
  /** Set when `wasEncrypted`: what the input's encryption dictionary said. */
  encryption?: EncryptionInfo;
  /** The damage repaired in the page tree (then `bytes` are the repaired file), in words. */
  repaired?: string[];
}

/**
 * The one entry point through which the engine parses untrusted PDF bytes: every failure becomes a
 * PdfError naming the problem. Encrypted input that opens with the empty user password (an owner
 * password only restricts permissions) is decrypted, and `bytes` are then the decrypted file that
 * the rest of the engine (fill, incremental update) works on.
 */
export async function loadPdf(input: Uint8Array, limits: LoadLimits = DEFAULT_LOAD_LIMITS): Promise<LoadedPdf> {
  if (input.byteLength === 0) throw new PdfError('pdf_empty', 'The file is empty (0 bytes)');
  if (input.byteLength > limits.maxBytes) {
    throw new PdfError('pdf_too_large', `The file is ${input.byteLength} bytes; the limit is ${limits.maxBytes}`, {
      size: input.byteLength,
      limit: limits.maxBytes,
    });
  }
  assertPdfHeader(input);
  // A root /Count is believed only when the file also holds that many page objects: a lying
  // /Count on a small file is repaired after parsing, not refused.
  const declared = declaredPageCount(input);
  if (declared !== undefined && declared > limits.maxPages) {
    const objects = pageObjectCount(input);
    if (objects > limits.maxPages) throw tooManyPages(Math.min(declared, objects), limits.maxPages);
  }

  const deadline = Date.now() + (limits.timeoutMs ?? DEFAULT_LOAD_LIMITS.timeoutMs ?? 20_000);
  let bytes = input;
  let encryption: EncryptionInfo | undefined;
  if (mentionsEncrypt(input)) {
    const decrypted = await withDeadline(decryptOwnerOnly(input), deadline, 'decrypting');
    if (decrypted) ({ bytes, encryption } = decrypted);
  }

  let doc = await withDeadline(parse(bytes, input), deadline, 'parsing');
  if (doc.isEncrypted && !encryption?.attachmentsOnly) {
    // Only reachable when the '/Encrypt' sniff missed (e.g. an odd trailer); never hand out ciphertext.
    throw new PdfError('pdf_encrypted', 'The PDF is encrypted in a way we cannot open without a password');
  }
  const walk = walkPageTree(doc, limits.maxPages);
  let repaired: string[] | undefined;
  if (walk.damage.size > 0) {
    // Repaired as pdf.js reads it, and written out: documents are later built from `bytes`.
    rebuildPageTree(doc, walk);
    bytes = await withDeadline(PDFWriter.forContext(doc.context, 1500).serializeToBuffer(), deadline, 'repairing');
    doc = await withDeadline(parse(bytes, input), deadline, 'parsing');
    repaired = [...walk.damage];
  }
  assertPdfLibReadsPages(doc, walk.leaves.length);
  return {
    doc,
    bytes,
    wasEncrypted: encryption !== undefined,
    ...(encryption ? { encryption } : {}),
    ...(repaired ? { repaired } : {}),
  };
}

/** Page objects (`/Type /Page`, not /Pages) written in the clear: a bound on the real page count. */
function pageObjectCount(bytes: Uint8Array): number {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let n = 0;
  for (const _ of text.matchAll(/\/Type\s*\/Page(?![A-Za-z])/g)) n++;
  // Pages inside compressed object streams are invisible to this scan: the parsed walk bounds those.
  return /\/ObjStm/.test(text) ? 0 : n;
}

function tooManyPages(pages: number, limit: number): PdfError {
  return new PdfError('pdf_too_many_pages', `The PDF has ${pages} pages; the limit is ${limit}`, { pages, limit });
}

/**
 * The /Count of the page-tree root written in the clear (`<< /Type /Pages … /Count n … >>` without
 * /Parent), found by a linear scan of the raw bytes before any parsing, so an absurd document
 * (10,000 pages) is refused in milliseconds instead of after a full parse. The last root in the
 * file wins (incremental updates append the current version). Page trees inside compressed object
 * streams are not visible here; the parsed tree's /Count and the bounded walk catch those.
 */
function declaredPageCount(bytes: Uint8Array): number | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let root: number | undefined;
  let anyNode: number | undefined;
  for (let i = buf.indexOf('/Pages', 0, 'latin1'); i !== -1; i = buf.indexOf('/Pages', i + 6, 'latin1')) {
    const start = buf.lastIndexOf('<<', i, 'latin1');
    const end = buf.indexOf('>>', i, 'latin1');
    if (start === -1 || end === -1 || end - start > 1_000_000) continue;
    const dict = buf.toString('latin1', start, end);
    if (dict.includes('<<', 2) || !/\/Type\s*\/Pages(?![A-Za-z])/.test(dict)) continue;
    const m = /\/Count\s+(\d{1,12})(?!\d)/.exec(dict);
    if (!m) continue;
    const count = Number(m[1]);
    if (!/\/Parent\s/.test(dict)) root = count;
    anyNode = Math.max(anyNode ?? 0, count);
  }
  return root ?? anyNode;
}

/** What the first bytes of common non-PDF uploads look like, to name the mistake in the error. */
const SIGNATURES: Array<[(head: string) => boolean, string]> = [
  [(h) => /^\s*(<!doctype html|<html|<head|<body)/i.test(h), 'an HTML page'],
  [(h) => /^\s*<\?xml/i.test(h), 'an XML document'],
  [(h) => h.startsWith('\x89PNG'), 'a PNG image'],
  [(h) => h.startsWith('\xff\xd8\xff'), 'a JPEG image'],
  [(h) => h.startsWith('GIF8'), 'a GIF image'],
  [(h) => h.startsWith('PK\x03\x04'), 'a ZIP archive (e.g. a Word or Excel file)'],
  [(h) => h.startsWith('\xd0\xcf\x11\xe0'), 'an old Microsoft Office document'],
  [(h) => /^\s*[{[]/.test(h), 'JSON or text'],
];

function assertPdfHeader(input: Uint8Array): void {
  const head = Buffer.from(input.buffer, input.byteOffset, Math.min(1024, input.byteLength)).toString('latin1');
  // The spec allows junk before the header; readers accept it within the first 1024 bytes.
  if (head.includes('%PDF-')) return;
  const kind = SIGNATURES.find(([test]) => test(head))?.[1];
  throw new PdfError(
    'pdf_not_pdf',
    `The file is not a PDF (no %PDF- header${kind ? `; it looks like ${kind}` : ''})`,
    kind ? { looksLike: kind } : undefined,
  );
}

/** Truncated files are the commonest corruption (interrupted uploads): say so when it is likely. */
function hasEofMarker(bytes: Uint8Array): boolean {
  const tail = Buffer.from(
    bytes.buffer,
    bytes.byteOffset + Math.max(0, bytes.byteLength - 2048),
    Math.min(2048, bytes.byteLength),
  ).toString('latin1');
  return tail.includes('%%EOF');
}

/**
 * The parser's own message names its internals ("Failed to parse PDF object starting with the
 * following byte: 12"); users get where the damage is, in words.
 */
function damageIn(err: unknown): string {
  const msg = err instanceof Error ? err.message : '';
  const offset = /offset[=:]\s*(\d+)/.exec(msg)?.[1];
  const what = /invalid pdf header|pdf header/i.test(msg) ? 'its header is damaged' : 'its objects are damaged';
  return offset !== undefined ? `${what} (near byte ${offset})` : what;
}

function corrupt(original: Uint8Array, why: string): PdfError {
  const truncated = !hasEofMarker(original);
  return new PdfError(
    'pdf_corrupt',
    truncated ? `The PDF is truncated or damaged (no %%EOF at its end): ${why}` : `The PDF could not be parsed: ${why}`,
    { truncated },
  );
}

async function parse(bytes: Uint8Array, original: Uint8Array): Promise<PDFDocument> {
  let doc: PDFDocument;
  try {
    // Fast = yield to the event loop every 1500 objects, so the deadline below can fire.
    doc = await PDFDocument.load(bytes, {
      ignoreEncryption: true,
      updateMetadata: false,
      throwOnInvalidObject: false,
      parseSpeed: ParseSpeeds.Fast,
    });
  } catch (err) {
    throw corrupt(original, damageIn(err));
  }
  const root = doc.context.lookup(doc.context.trailerInfo.Root);
  if (!(root instanceof PDFDict) || !(doc.catalog instanceof PDFDict)) throw corrupt(original, 'it has no document catalog');
  return doc;
}

/** After the walk (and any repair) pdf-lib's own traversal must agree: anything else is damage we do not repair. */
function assertPdfLibReadsPages(doc: PDFDocument, expected: number): void {
  let count: number;
  try {
    count = doc.getPages().length;
  } catch {
    count = -1;
  }
  if (count !== expected) throw new PdfError('pdf_corrupt', 'The PDF page tree is damaged beyond repair');
}

async function withDeadline<T>(work: Promise<T>, deadline: number, what: string): Promise<T> {
  const ms = Math.max(0, deadline - Date.now());
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new PdfError('pdf_too_large', `The PDF is too complex: ${what} it took longer than ${ms} ms`, {
            reason: 'timeout',
            timeoutMs: ms,
          }),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Cheap pre-check: only files whose bytes mention /Encrypt take the (slower) decryption path. */
function mentionsEncrypt(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('/Encrypt', 0, 'latin1');
}
