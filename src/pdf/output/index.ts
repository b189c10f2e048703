import { PDFDocument, PDFName, PDFNumber, PDFArray, PDFDict } from '@cantoo/pdf-lib';
import type { OutputOptions, PdfaLevel } from '@/shared/domain/output.js';
import { PdfError } from '../errors.js';
import { checkOutputOptions, isEmptyOutput, pdfaLevelOf, type OutputSecrets } from './options.js';
import type { GeneratedDocument } from '../types.js';
import { applyEncryption } from './encrypt.js';
import { embedInvoice, prepareInvoice } from './facturx.js';
import { loadSchemaValidator } from './cii-schema.js';
import { applyMetadata } from './metadata.js';
import { pdfaIssues, type PdfaIssue } from './pdfa.js';
import type { SignatureBox } from './sign-appearance.js';

/**
 * Output options applied to a rendered document, in the order the standards need: metadata,
 * PDF/A conversion, the Factur-X attachment (PDF/A-3b), the signature placeholder, encryption,
 * one save, then the signature itself over the saved bytes (so signing keeps PDF/A: it adds
 * nothing after the save but the CMS inside the reserved /Contents).
 */

export { pdfaIssues, type PdfaIssue, type PdfaIssueCode } from './pdfa.js';
export { checkOutputConflicts, checkOutputOptions, isEmptyOutput, pdfaLevelOf, type OutputSecrets } from './options.js';
export { buildCiiXml, checkCiiXml, prepareInvoice, FACTURX_FILE_NAME } from './facturx.js';
export { loadSchemaValidator } from './cii-schema.js';
export { readCii, ciiView, type CiiInvoice } from './cii-read.js';
export { en16931Violations, type RuleViolation } from './en16931-rules.js';
export type { SignatureBox } from './sign-appearance.js';
export type { SigningIdentity } from './p12.js';
export { invoiceSchema, computeTotals, parseInvoice, type Invoice, type InvoiceTotals } from './invoice.js';

export interface OutputContext {
  payload: Record<string, unknown>;
  /** The factur-x.xml prepareOutput checked (else it is prepared from the payload here). */
  facturxXml?: string;
  /** Where a visible signature goes (the template's signature field named by signature.fieldId). */
  signatureBox?: SignatureBox;
  secrets?: OutputSecrets;
  now?: Date;
}

/**
 * Before drawing: options checked (so a bad combination costs no rendering), and the payload the
 * fields are drawn from — with Factur-X, the invoice checked (XSD, EN 16931 rules) and its
 * numbers as the XML states them (computed totals, or a posted XML's values), with that XML.
 */
export async function prepareOutput(
  o: OutputOptions | undefined,
  payload: Record<string, unknown>,
  secrets?: OutputSecrets,
): Promise<{ payload: Record<string, unknown>; facturxXml?: string }> {
  if (!o || isEmptyOutput(o)) return { payload };
  checkOutputOptions(o, secrets);
  if (!o.facturx) return { payload };
  await loadSchemaValidator();
  const prepared = prepareInvoice(payload, o.facturx);
  return { payload: prepared.payload, facturxXml: prepared.xml };
}

/** PDF/A-2 6.3.2: annotations shall print; they never should have been hidden (reported), so only the flag is set. */
function setPrintFlags(doc: PDFDocument): void {
  for (const page of doc.getPages()) {
    const annots = page.node.lookup(PDFName.of('Annots'));
    if (!(annots instanceof PDFArray)) continue;
    for (let i = 0; i < annots.size(); i++) {
      const a = annots.lookup(i);
      if (!(a instanceof PDFDict)) continue;
      const f = a.lookup(PDFName.of('F'));
      const flags = f instanceof PDFNumber ? f.asNumber() : 0;
      if (!(flags & 4)) a.set(PDFName.of('F'), PDFNumber.of(flags | 4));
    }
  }
}

async function loadSigning() {
  const [p12, sign, tsa] = await Promise.all([import('./p12.js'), import('./sign.js'), import('./tsa.js')]);
  return { ...p12, ...sign, ...tsa };
}

export async function applyOutput(doc: GeneratedDocument, o: OutputOptions | undefined, ctx: OutputContext): Promise<GeneratedDocument> {
  if (!o || isEmptyOutput(o)) return doc;
  checkOutputOptions(o, ctx.secrets);
  const now = ctx.now ?? new Date();
  const cert = ctx.secrets?.certificate;
  // The signing stack (node-forge, pkijs, @signpdf: ~25 MB a thread) loads with the first signature.
  const signing = o.signature && cert ? await loadSigning() : undefined;
  const identity = signing && cert ? signing.loadSigningIdentity(cert.p12, cert.password, now) : undefined;
  const pdf = await PDFDocument.load(doc.bytes, { updateMetadata: false, throwOnInvalidObject: false });
  applyMetadata(pdf, o.metadata, now);
  const level = pdfaLevelOf(o);
  if (level) {
    const issues = pdfaIssues(pdf, level);
    if (issues.length > 0) {
      throw new PdfError('pdfa_not_possible', `The document cannot be made PDF/A-${level}: ${issues.map((i) => i.message).join('; ')}`, {
        issues,
      });
    }
    setPrintFlags(pdf);
    pdf.convertToPDFA({ conformance: level === '2b' ? '2B' : '3B' });
  }
  if (o.facturx) {
    if (!ctx.facturxXml) await loadSchemaValidator();
    const xml = ctx.facturxXml ?? prepareInvoice(ctx.payload, o.facturx).xml;
    await embedInvoice(pdf, xml, o.facturx.profile);
  }
  if (o.signature && signing && identity) await signing.addSignaturePlaceholder(pdf, o.signature, identity, now, ctx.signatureBox);
  if (o.encryption) applyEncryption(pdf, o.encryption, ctx.secrets ?? {});
  // The signature's placeholder must be found in plain bytes: no object streams when signing.
  let bytes: Uint8Array = await pdf.save({ useObjectStreams: !o.signature, addDefaultPage: false, updateFieldAppearances: false });
  if (o.signature && signing && identity) {
    const stamp = o.signature.level === 'B-T' ? signing.timestamper(o.signature.timestampUrl!) : undefined;
    bytes = await signing.signSaved(bytes, identity, stamp);
  }
  return { ...doc, bytes };
}

/** Whether a base PDF can be made PDF/A, and every reason why not (shown in the studio on upload). */
export async function pdfaPreflight(base: Uint8Array, level: PdfaLevel = '2b'): Promise<{ ok: boolean; issues: PdfaIssue[] }> {
  const pdf = await PDFDocument.load(base, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  const issues = pdfaIssues(pdf, level);
  return { ok: issues.length === 0, issues };
}
