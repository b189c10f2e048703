import type { PDFDocument, PDFPage } from 'pdf-lib';
import { visibleBox } from '../coordinates.js';
import { PdfError } from '../errors.js';
import { DEFAULT_LOAD_LIMITS, loadPdf, type EncryptionInfo, type LoadLimits } from '../load.js';
import { detectXfa, readAcroForm } from './acroform.js';
import { fieldInputSchema, type FieldSpec } from '@/shared/domain/field.js';
import type { InspectResult, InspectedPage } from './schema.js';
import { suggestFields } from './suggest.js';

export * from './schema.js';
export { sanitizeBindingKey, BindingKeyAllocator, BINDING_KEY_RE } from './binding-key.js';
export { suggestFields } from './suggest.js';
export { fontSizeFromDa } from './acroform.js';

export interface InspectOptions {
  /** Passed to loadPdf (bytes, pages, time). */
  limits?: LoadLimits;
  /** Fields read at most; more are cut and `truncated` is set. */
  maxFields?: number;
}

export const DEFAULT_MAX_FIELDS = 5000;

/**
 * What an uploaded PDF is: pages (visible size, rotation), metadata, encryption, XFA, and its
 * AcroForm fields with suggested template fields in our coordinates. Bad input throws the typed
 * PdfError of loadPdf (pdf_empty, pdf_not_pdf, pdf_corrupt, pdf_encrypted, pdf_too_large,
 * pdf_too_many_pages). Works on its own parsed copy: reading the form (pdf-lib strips XFA then)
 * never touches a document someone else holds.
 */
export async function inspect(bytes: Uint8Array, options: InspectOptions = {}): Promise<InspectResult> {
  try {
    return await inspectOrThrow(bytes, options);
  } catch (err) {
    if (err instanceof PdfError) throw err;
    // A structure no check above foresaw must still be a 4xx for the upload, never a 500; the
    // detail marks it so the corpus tests count it as a defect to fix at its cause.
    throw new PdfError('pdf_corrupt', 'The PDF could not be read: its structure is damaged', { reason: 'unexpected' });
  }
}

async function inspectOrThrow(bytes: Uint8Array, options: InspectOptions): Promise<InspectResult> {
  const loaded = await loadPdf(bytes, options.limits ?? DEFAULT_LOAD_LIMITS);
  const { doc } = loaded;
  const notes: string[] = [];

  const pages = doc.getPages().map((p, i) => describePage(p, i));
  const xfa = detectXfa(doc);
  if (xfa.xfaOnly) {
    // Its fields exist only as XFA: nothing to import or fill, and viewers without XFA show a placeholder page.
    throw new PdfError(
      'pdf_xfa_only',
      'This is a dynamic XFA form (Adobe LiveCycle): its fields exist only as XFA, which cannot be filled here. Convert it to a standard (AcroForm) or flat PDF (for example with Acrobat: Print to PDF, or File > Save As Other > Standard PDF) and upload that.',
      { xfa: true },
    );
  }
  const form = readAcroForm(doc, options.maxFields ?? DEFAULT_MAX_FIELDS);
  const suggestions = suggestFields(form.fields);
  // Through the domain schema: what we suggest is exactly what the API would accept (defaults filled in).
  const suggested: FieldSpec[] = [];
  for (const raw of suggestions.fields) {
    const s = clampToPage(raw, pages[raw.page - 1]);
    if (!s) {
      suggestions.skipped.push({ name: raw.name, reason: 'its widget lies outside the visible page' });
      continue;
    }
    const parsed = fieldInputSchema.safeParse(s);
    if (parsed.success) suggested.push(parsed.data);
    else
      suggestions.skipped.push({
        name: s.name,
        reason: `not a valid template field: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      });
  }

  if (loaded.encryption?.attachmentsOnly)
    notes.push(
      'Only the attachments of this PDF are encrypted (/AuthEvent /EFOpen): it opens and fills without a password, and generated documents keep the attachments encrypted.',
    );
  else if (loaded.wasEncrypted)
    notes.push('The PDF was encrypted with an owner password only (permission restrictions); it was decrypted to inspect and fill it.');
  for (const damage of loaded.encryption?.repaired ?? []) notes.push(`The encryption parameters were damaged and repaired: ${damage}.`);
  if (xfa.xfa)
    notes.push(
      'The PDF also carries an XFA form; the AcroForm fields listed here are imported and filled, and the XFA part is dropped from generated documents so viewers show the filled values.',
    );
  if (form.truncated)
    notes.push(`The form has more fields than the limit of ${options.maxFields ?? DEFAULT_MAX_FIELDS}; only the first ones are listed.`);
  if (suggested.some((f) => f.type === 'radio'))
    notes.push(
      "Radio groups are suggested as one radio field per button, sharing the group's binding key; each button carries its own option.",
    );

  return {
    pdfVersion: pdfVersion(loaded.bytes),
    pageCount: pages.length,
    pages,
    metadata: metadata(doc),
    encrypted: loaded.wasEncrypted,
    ...(loaded.encryption ? { encryption: publicEncryption(loaded.encryption) } : {}),
    xfa: xfa.xfa,
    xfaOnly: xfa.xfaOnly,
    fields: form.fields,
    suggestedFields: suggested,
    skipped: [...form.skipped, ...suggestions.skipped],
    truncated: form.truncated,
    notes,
  };
}

/**
 * Widgets often overhang the page by a border width, or sit partly outside the crop box. A template
 * field must lie within its page (the API refuses to save one that does not), so the suggestion is
 * the part of the widget that is visible; filling the PDF's own field still uses the widget itself.
 * Undefined when nothing of it is visible.
 */
function clampToPage<T extends { page: number; position: { x: number; y: number }; size: { width: number; height: number } }>(
  f: T,
  page: InspectedPage | undefined,
): T | undefined {
  if (!page) return undefined;
  const x0 = Math.max(0, f.position.x);
  const y0 = Math.max(0, f.position.y);
  const x1 = Math.min(page.width, f.position.x + f.size.width);
  const y1 = Math.min(page.height, f.position.y + f.size.height);
  if (x1 - x0 < 1 || y1 - y0 < 1) return undefined;
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    ...f,
    position: { x: round(x0), y: round(y0) },
    size: { width: round(Math.min(x1 - x0, page.width - round(x0))), height: round(Math.min(y1 - y0, page.height - round(y0))) },
  };
}

/** What the API reports of the encryption (the repairs are told in the notes). */
function publicEncryption({ repaired: _repaired, ...info }: EncryptionInfo): InspectResult['encryption'] {
  return info;
}

function describePage(page: PDFPage, index: number): InspectedPage {
  const box = visibleBox(page);
  const media = page.getMediaBox();
  const angle = (((Math.round(page.getRotation().angle / 90) * 90) % 360) + 360) % 360;
  return {
    page: index + 1,
    width: box.width,
    height: box.height,
    userUnit: box.unit,
    rotation: angle as InspectedPage['rotation'],
    cropBox: { x: box.x / box.unit, y: box.y / box.unit, width: box.width / box.unit, height: box.height / box.unit },
    mediaBox: { x: media.x, y: media.y, width: media.width, height: media.height },
  };
}

function metadata(doc: PDFDocument): InspectResult['metadata'] {
  const out: InspectResult['metadata'] = {};
  // Each getter parses its own entry; one malformed entry (e.g. a bad date) must not hide the rest.
  const read = <T>(get: () => T | undefined): T | undefined => {
    try {
      return get();
    } catch {
      return undefined;
    }
  };
  const text: Array<[keyof InspectResult['metadata'], () => string | undefined]> = [
    ['title', () => doc.getTitle()],
    ['author', () => doc.getAuthor()],
    ['subject', () => doc.getSubject()],
    ['keywords', () => doc.getKeywords()],
    ['creator', () => doc.getCreator()],
    ['producer', () => doc.getProducer()],
  ];
  for (const [key, get] of text) {
    const v = read(get);
    if (v !== undefined && v !== '') out[key] = v;
  }
  const created = read(() => doc.getCreationDate());
  const modified = read(() => doc.getModificationDate());
  if (created && !Number.isNaN(created.getTime())) out.creationDate = created.toISOString();
  if (modified && !Number.isNaN(modified.getTime())) out.modificationDate = modified.toISOString();
  return out;
}

function pdfVersion(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(1024, bytes.byteLength)).toString('latin1');
  return /%PDF-(\d\.\d)/.exec(head)?.[1];
}
