import type { UploadedFile } from '@/shared/database/prisma/index.js';
import type { TemplatePage } from '@/shared/domain/template.js';

/** What processing stores in `uploaded_files.metadata` (merged into what is there). */
export interface FileMetadata {
  pageCount?: number;
  pages?: TemplatePage[];
  /** The AcroForm fields of the PDF as suggested template fields (domain FieldInput, defaults filled). */
  formFields?: unknown[];
  sha256?: string;
  pdfVersion?: string;
  encrypted?: boolean;
  xfa?: boolean;
  xfaOnly?: boolean;
  notes?: string[];
  /** Set when processing failed for good (the PDF is unusable): the PdfError code and message. */
  error?: { code: string; message: string };
  [extra: string]: unknown;
}

export function fileMetadata(file: UploadedFile): FileMetadata {
  return (file.metadata && typeof file.metadata === 'object' && !Array.isArray(file.metadata) ? file.metadata : {}) as FileMetadata;
}
