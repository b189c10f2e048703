import { z } from 'zod';
import { sizeSchema } from './field.js';
import { outputOptionsSchema } from './output.js';

/** A template: an uploaded PDF with its page sizes, status and metadata (DynamoDB `pdf-studio-templates-{stage}`). */

export const TEMPLATE_STATUSES = ['draft', 'active', 'archived'] as const;
export const templateStatusSchema = z.enum(TEMPLATE_STATUSES);
export type TemplateStatus = z.infer<typeof templateStatusSchema>;

/** One page of a template or an uploaded file: its size in points and its /Rotate. */
export const templatePageSchema = z.object({ width: z.number(), height: z.number(), rotation: z.number().optional() });
export type TemplatePage = z.output<typeof templatePageSchema>;

/** How long a template's generated PDFs are kept, in days: one day to ten years. */
export const retentionDaysSchema = z.number().int().min(1).max(3650);

export const templateInputSchema = z.object({
  userId: z.string().min(1),
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  originalFileId: z.string().min(1).optional(),
  dimensions: sizeSchema,
  fileName: z.string().max(500).optional(),
  pdfFileUrl: z.string().max(2000).optional(),
  pageCount: z.number().int().min(1).max(10_000),
  scale: z.number().positive().max(10).default(1),
  status: templateStatusSchema.default('draft'),
  metadata: z.record(z.string(), z.unknown()).default({}),
  /** What is done to each generated document after rendering (PDF/A, Factur-X, signature, …). */
  output: outputOptionsSchema.optional(),
  /** Days its generated PDFs are kept (absent: the deployment's PDF_RETENTION_DAYS). */
  retentionDays: retentionDaysSchema.optional(),
});
export type TemplateInput = z.input<typeof templateInputSchema>;

export const templateSchema = templateInputSchema.extend({
  templateId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /**
   * Epoch seconds at which DynamoDB's TTL deletes the item: set on a deleted template (and its
   * fields) to the end of its undo period (TEMPLATE_UNDO_DAYS); absent on a live one.
   */
  ttl: z.number().int().optional(),
  /** When the owner deleted it (ISO). A deleted template is hidden from every read until restored or expired. */
  deletedAt: z.string().optional(),
});
export type Template = z.output<typeof templateSchema>;
