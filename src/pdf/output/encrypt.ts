import type { PDFDocument } from '@cantoo/pdf-lib';
import type { EncryptionOptions } from '@/shared/domain/output.js';

/**
 * AES-256 (V 5, R 6) through @cantoo/pdf-lib's standard security handler: a maintained
 * implementation that pdf.js, qpdf and poppler open, so no cipher code of our own.
 */
export function applyEncryption(
  doc: PDFDocument,
  opts: EncryptionOptions,
  passwords: { userPassword?: string; ownerPassword?: string },
): void {
  const p = opts.permissions;
  doc.encrypt({
    algorithm: 'AES-256',
    userPassword: passwords.userPassword ?? '',
    // Without an owner password anyone with the user password could lift the restrictions:
    // an unguessable one keeps the permission flags binding.
    ownerPassword: passwords.ownerPassword ?? crypto.randomUUID() + crypto.randomUUID(),
    permissions: {
      printing: p.print ? 'highResolution' : false,
      copying: p.copy,
      modifying: p.modify,
      documentAssembly: p.modify,
      annotating: p.modify,
      fillingForms: p.fill,
      // Screen readers keep access whatever the other flags say.
      contentAccessibility: true,
    },
  });
}
