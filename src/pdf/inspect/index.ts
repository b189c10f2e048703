import type { PDFDocument, PDFPage } from 'pdf-lib';
import { visibleBox } from '../coordinates.js';
import { DEFAULT_LOAD_LIMITS, loadPdf, type LoadLimits } from '../load.js';
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
  const loaded = await loadPdf(bytes, options.limits ?? DEFAULT_LOAD_LIMITS);
  const { doc } = loaded;
  const notes: string[] = [];

  const pages = doc.getPages().map((p, i) => describePage(p, i));
  const xfa = detectXfa(doc);
  const form = readAcroForm(doc, options.maxFields ?? DEFAULT_MAX_FIELDS);
  const suggestions = suggestFields(form.fields);
  // Through the domain schema: what we suggest is exactly what the API would accept (defaults filled in).
  const suggested: FieldSpec[] = [];
  for (const s of suggestions.fields) {
    const parsed = fieldInputSchema.safeParse(s);
    if (parsed.success) suggested.push(parsed.data);
    else suggestions.skipped.push({ name: s.name, reason: `not a valid template field: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
  }

  if (loaded.wasEncrypted) notes.push('The PDF was encrypted with an owner password only (permission restrictions); it was decrypted to inspect and fill it.');
  if (xfa.xfaOnly) notes.push('This is an XFA-only form (Adobe LiveCycle): its fields exist only as XFA, which we cannot import. Save it as a standard (AcroForm) or flat PDF and upload that, or place fields by hand.');
  else if (xfa.xfa) notes.push('The PDF also carries an XFA form; the AcroForm fields listed here are imported, the XFA part is ignored.');
  if (form.truncated) notes.push(`The form has more fields than the limit of ${options.maxFields ?? DEFAULT_MAX_FIELDS}; only the first ones are listed.`);
  if (suggested.some((f) => f.type === 'radio')) notes.push('Radio groups are suggested as one radio field per button, sharing the group\'s binding key; each button carries its own option.');

  return {
    pdfVersion: pdfVersion(loaded.bytes),
    pageCount: pages.length,
    pages,
    metadata: metadata(doc),
    encrypted: loaded.wasEncrypted,
    ...(loaded.encryption ? { encryption: loaded.encryption } : {}),
    xfa: xfa.xfa,
    xfaOnly: xfa.xfaOnly,
    fields: form.fields,
    suggestedFields: suggested,
    skipped: [...form.skipped, ...suggestions.skipped],
    truncated: form.truncated,
    notes,
  };
}

function describePage(page: PDFPage, index: number): InspectedPage {
  const box = visibleBox(page);
  const media = page.getMediaBox();
  const angle = (((Math.round(page.getRotation().angle / 90) * 90) % 360) + 360) % 360;
  return {
    page: index + 1,
    width: box.width,
    height: box.height,
    rotation: angle as InspectedPage['rotation'],
    cropBox: box,
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
