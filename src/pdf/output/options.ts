import type { OutputOptions, PdfaLevel } from '@/shared/domain/output.js';
import { PdfError } from '../errors.js';

/**
 * The output options' rules that need no PDF library: what the API checks before any work (a
 * job's creation, a request), without loading the output stack (pdf-lib, the signing and XML
 * modules) on the API's thread.
 */

/** What output needs but a template never stores: given per request, kept out of job rows and logs. */
export interface OutputSecrets {
  certificate?: { p12: Uint8Array; password: string };
  userPassword?: string;
  ownerPassword?: string;
}

const conflict = (message: string): PdfError => new PdfError('output_options_conflict', message);

export function pdfaLevelOf(o: OutputOptions): PdfaLevel | undefined {
  return o.facturx ? '3b' : o.pdfa;
}

/** Combinations no document can satisfy: rejected before any work (and at a job's creation). */
export function checkOutputConflicts(o: OutputOptions): void {
  if (o.facturx && o.pdfa === '2b') throw conflict('Factur-X needs PDF/A-3b (PDF/A-2b cannot carry the invoice XML)');
  if (o.encryption && (o.pdfa || o.facturx)) throw conflict('PDF/A forbids encryption');
  // A signature over an encrypted file would need the signature dictionary kept out of the
  // encryption; the signed bytes are what must not change, so the two are not combined.
  if (o.encryption && o.signature) throw conflict('Signed documents are not encrypted; choose one');
  if (o.signature?.level === 'B-T' && !o.signature.timestampUrl) throw conflict('PAdES B-T needs a timestampUrl');
}

/** Conflicts, and missing secrets: rejected before any work. */
export function checkOutputOptions(o: OutputOptions, secrets: OutputSecrets | undefined): void {
  checkOutputConflicts(o);
  if (o.signature && !secrets?.certificate)
    throw new PdfError('certificate_missing', 'Signing needs a PKCS#12 certificate and its password');
  if (o.encryption && !secrets?.userPassword && !secrets?.ownerPassword) {
    throw new PdfError('encryption_password_missing', 'Encryption needs a user or an owner password');
  }
}

export function isEmptyOutput(o: OutputOptions | undefined): boolean {
  return !o || (!o.metadata && !o.pdfa && !o.facturx && !o.signature && !o.encryption);
}
