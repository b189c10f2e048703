import { PDFArray, PDFHexString, PDFName, PDFNumber, PDFString, type PDFDocument, type PDFRef } from '@cantoo/pdf-lib';
import { SignPdf, SignPdfError, Signer } from '@signpdf/signpdf';
import type { SignatureOptions } from '@/shared/domain/output.js';
import { PdfError } from '../errors.js';
import { buildPadesCms, type TimestampFn } from './cms.js';
import type { SigningIdentity } from './p12.js';
import { appearanceLines, signatureAppearance, type SignatureBox } from './sign-appearance.js';

/**
 * PAdES signing in two steps around the one save of the document: a signature field whose
 * /Contents is a zero-filled placeholder (written before saving, so it costs no extra rewrite),
 * then @signpdf/signpdf fills /ByteRange and /Contents in the saved bytes with our CMS.
 * The byte-range placeholder is @signpdf's own format, so its finder recognises it.
 */

/**
 * Bytes reserved for the CMS: attributes and signature (~1 KB for RSA-4096), the certificates
 * it carries, and for B-T a timestamp token (the authority's certificates make most of it).
 * The reserve is written twice (hex) and is most of a signed invoice's size, so it is sized to
 * the identity rather than fixed.
 */
export function signatureReserve(identity: SigningIdentity, timestamped: boolean): number {
  const certs = identity.certificate.length + identity.chain.reduce((s, c) => s + c.length, 0);
  return 2048 + certs + (timestamped ? 12_288 : 0);
}
const BYTE_RANGE_PLACEHOLDER = '**********';
/** Annotation flags Print (4) + Locked (128): PDF/A needs Print; nobody should move a signature. */
const SIG_WIDGET_FLAGS = 132;

function uniqueFieldName(doc: PDFDocument): string {
  const taken = new Set(
    doc
      .getForm()
      .getFields()
      .map((f) => f.getName()),
  );
  for (let i = 1; ; i++) if (!taken.has(`Signature${i}`)) return `Signature${i}`;
}

export async function addSignaturePlaceholder(
  doc: PDFDocument,
  opts: SignatureOptions,
  identity: SigningIdentity,
  signingTime: Date,
  box?: SignatureBox,
): Promise<void> {
  const reserve = signatureReserve(identity, opts.level === 'B-T');
  const ctx = doc.context;
  const byteRange = PDFArray.withContext(ctx);
  byteRange.push(PDFNumber.of(0));
  for (let i = 0; i < 3; i++) byteRange.push(PDFName.of(BYTE_RANGE_PLACEHOLDER));
  // Key order matters: @signpdf looks for /Contents after /ByteRange.
  const sig = ctx.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'ETSI.CAdES.detached',
    ByteRange: byteRange,
    Contents: PDFHexString.of('0'.repeat(reserve * 2)),
    M: PDFString.fromDate(signingTime),
    Name: PDFString.of(opts.signerName ?? identity.subject),
  });
  if (opts.reason) sig.set(PDFName.of('Reason'), PDFString.of(opts.reason));
  if (opts.location) sig.set(PDFName.of('Location'), PDFString.of(opts.location));
  if (opts.contactInfo) sig.set(PDFName.of('ContactInfo'), PDFString.of(opts.contactInfo));
  if (opts.certification !== 'none') {
    // DocMDP certification (ISO 32000-1 12.8.2.2): P 1 = no changes, P 2 = form filling and signing.
    const params = ctx.obj({ Type: 'TransformParams', P: opts.certification === 'no-changes' ? 1 : 2, V: PDFName.of('1.2') });
    sig.set(PDFName.of('Reference'), ctx.obj([ctx.obj({ Type: 'SigRef', TransformMethod: 'DocMDP', TransformParams: params })]));
  }
  const sigRef = ctx.register(sig);
  const pages = doc.getPages();
  const page = (box && pages.find((p) => p.ref.objectNumber === box.pageObject)) ?? pages[box?.pageIndex ?? 0] ?? pages[0];
  const r = box?.rect;
  // Visible: the field's box says who signed and when. Invisible: a zero-size widget with an empty
  // appearance (PDF/A wants an /AP on every widget).
  const ap = r
    ? await signatureAppearance(doc, r, appearanceLines(opts.signerName ?? identity.subject, signingTime, opts.reason))
    : ctx.register(ctx.formXObject([], { BBox: [0, 0, 0, 0] }));
  const widget = ctx.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    Rect: r ? [r.x, r.y, r.x + r.width, r.y + r.height] : [0, 0, 0, 0],
    V: sigRef,
    T: PDFString.of(uniqueFieldName(doc)),
    F: SIG_WIDGET_FLAGS,
    P: page.ref,
    AP: { N: ap },
  });
  const widgetRef: PDFRef = ctx.register(widget);
  page.node.addAnnot(widgetRef);
  const acroForm = doc.catalog.getOrCreateAcroForm();
  acroForm.addField(widgetRef);
  // SignaturesExist (1) + AppendOnly (2): viewers must save incrementally from now on.
  acroForm.dict.set(PDFName.of('SigFlags'), PDFNumber.of(3));
  if (opts.certification !== 'none') doc.catalog.set(PDFName.of('Perms'), ctx.obj({ DocMDP: sigRef }));
}

class PadesSigner extends Signer {
  constructor(
    private readonly identity: SigningIdentity,
    private readonly timestamp: TimestampFn | undefined,
  ) {
    super();
  }

  override async sign(pdf: Buffer): Promise<Buffer> {
    return Buffer.from(await buildPadesCms(new Uint8Array(pdf), this.identity, this.timestamp));
  }
}

/** Fill the placeholder of a saved document (saved without object streams: the finder reads plain bytes). */
export async function signSaved(bytes: Uint8Array, identity: SigningIdentity, timestamp: TimestampFn | undefined): Promise<Uint8Array> {
  try {
    const signed = await new SignPdf().sign(Buffer.from(bytes), new PadesSigner(identity, timestamp));
    return new Uint8Array(signed);
  } catch (e) {
    if (e instanceof PdfError) throw e;
    if (e instanceof SignPdfError) throw new PdfError('signature_failed', `The document could not be signed: ${e.message}`);
    throw e;
  }
}
