import type { ErrorCode } from '@/shared/error-catalogue.js';

/**
 * Typed errors of the PDF engine. `src/pdf/` knows nothing of HTTP: its codes are entries of the
 * error catalogue, which gives each one its status.
 */
export const PDF_ERROR_CODES = [
  'pdf_empty',
  'pdf_not_pdf',
  'pdf_corrupt',
  'pdf_encrypted',
  'pdf_too_large',
  'pdf_too_many_pages',
  'pdf_xfa_only',
  'pdf_page_out_of_range',
  'font_missing_glyph',
  'font_unknown',
  // Calculated fields and conditions (src/pdf/expressions).
  'expression_failed',
  'image_invalid',
  'image_too_large',
  'render_timeout',
  'inspect_timeout',
  'barcode_invalid',
  'payload_invalid',
  // Tables: bounds of one document's rows and pages.
  'table_too_many_rows',
  'document_too_many_pages',
  // Repeating groups: a definition that cannot be drawn, and the bound of one document's items.
  'group_invalid',
  'group_too_many_items',
  // Output options (src/pdf/output): PDF/A, Factur-X, signatures, encryption.
  'output_options_conflict',
  'pdfa_not_possible',
  'invoice_invalid',
  'invoice_xml_invalid',
  'invoice_profile_mismatch',
  'invoice_rules_violated',
  'certificate_missing',
  'certificate_invalid',
  'certificate_password_invalid',
  'certificate_expired',
  'encryption_password_missing',
  'timestamp_failed',
  'signature_failed',
  'signature_field_invalid',
] as const satisfies readonly ErrorCode[];
export type PdfErrorCode = (typeof PDF_ERROR_CODES)[number];

export class PdfError extends Error {
  constructor(
    readonly code: PdfErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'PdfError';
  }
}
