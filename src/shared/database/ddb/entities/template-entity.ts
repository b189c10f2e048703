import type { z } from 'zod';
import { templateInputSchema, templateSchema, type Template } from '@/shared/domain/template.js';
import { ttlSchema } from './base-entity.js';

/**
 * The stored template (`pdf-studio-templates-{stage}`), derived from the domain
 * schema: key `templateId`, indexed by `userId` and `status` (both sorted on `createdAt`).
 */

export const templateEntitySchema = templateSchema;
export type TemplateEntity = Template;

export const TEMPLATE_KEY = 'templateId' as const;

/** What `templatesRepository.create` accepts (the data-layer guide's call), plus an optional TTL. */
export const templateCreateSchema = templateInputSchema.extend({ ttl: ttlSchema.optional() });
export type CreateTemplateInput = z.input<typeof templateCreateSchema>;

const shape = templateInputSchema.shape;
/**
 * A partial update. The owner cannot be changed; ids and timestamps are the repository's; unknown
 * keys are refused rather than ignored. `null` clears an optional attribute.
 */
export const templatePatchSchema = templateInputSchema
  .omit({ userId: true })
  .partial()
  .extend({
    description: shape.description.nullable(),
    originalFileId: shape.originalFileId.nullable(),
    fileName: shape.fileName.nullable(),
    pdfFileUrl: shape.pdfFileUrl.nullable(),
    retentionDays: shape.retentionDays.nullable(),
    ttl: ttlSchema.nullable().optional(),
  })
  .strict();
export type TemplatePatch = z.input<typeof templatePatchSchema>;
