import { z } from 'zod';
import { fieldInputSchema, fieldSchema } from '@/shared/domain/field.js';
import { outputOptionsSchema } from '@/shared/domain/output.js';
import { retentionDaysSchema, templatePageSchema, templateStatusSchema, type Template } from '@/shared/domain/template.js';
import { templateMetadata } from '@/services/templates/metadata.js';
import { cursorQuery, idParams, isoDate } from '../schemas/common.js';

/** The template as the API shows it (publishedVersion and pages come from the entity's metadata). */
export const templateDto = z
  .object({
    templateId: z.string(),
    userId: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    originalFileId: z.string().nullable(),
    fileName: z.string().nullable(),
    dimensions: z.object({ width: z.number(), height: z.number() }),
    pageCount: z.number().int(),
    pages: z.array(templatePageSchema),
    status: templateStatusSchema,
    publishedVersion: z.number().int().nullable(),
    baseReplacedAt: z
      .string()
      .nullable()
      .describe('When the base PDF was last replaced by a new revision (null: never); a later publish includes it'),
    output: outputOptionsSchema.nullable(),
    retentionDays: z.number().int().nullable().describe("Days its generated PDFs are kept; null: the deployment's PDF_RETENTION_DAYS"),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .describe('A template: its base PDF (pages in PDF points), status and latest published version');
export type TemplateDto = z.output<typeof templateDto>;

/** A field as stored (ids, timestamps, every nested map with its defaults). */
export const fieldDto = fieldSchema;

export const templateWithFields = z
  .object({ template: templateDto, fields: z.array(fieldDto) })
  .describe('A template and its draft fields');

export const createTemplateBody = z
  .object({
    fileId: z.string().min(1).max(64),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    /** Turn the PDF's AcroForm fields into template fields. */
    importFormFields: z.boolean().optional().describe("Turn the PDF's AcroForm fields into template fields"),
  })
  .describe('A template to make from a ready file');

export const listTemplatesQuery = cursorQuery.extend({
  status: templateStatusSchema.optional(),
  /** Case-insensitive substring of the name. */
  search: z.string().min(1).max(200).optional(),
});

export const patchTemplateBody = z
  .object({
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(2000).nullable().optional(),
    status: templateStatusSchema.optional(),
    output: outputOptionsSchema.optional(),
    retentionDays: retentionDaysSchema
      .nullable()
      .optional()
      .describe(
        "Days (1 to 3650) its generated PDFs are kept, already generated ones included; null: back to the deployment's PDF_RETENTION_DAYS",
      ),
  })
  .strict()
  .describe('The properties to change');

export const duplicateBody = z
  .object({ name: z.string().min(1).max(200).optional().describe('Default: the name with " (copy)"') })
  .describe('The copy')
  .optional();

export const versionEntry = z
  .object({ version: z.number().int().describe('1, 2, … in publishing order'), publishedAt: isoDate, fieldCount: z.number().int() })
  .describe('A published version');

export const versionParams = idParams.extend({ version: z.coerce.number().int().min(1).describe('The version number') });

export const versionWithFields = versionEntry
  .extend({ fields: z.array(fieldDto).describe('The fields as published') })
  .describe('A published version and its fields');

export const upsertFieldItem = fieldInputSchema.extend({ fieldId: z.uuid().optional() });

export function toTemplateDto(t: Template): TemplateDto {
  const meta = templateMetadata(t);
  return {
    templateId: t.templateId,
    userId: t.userId,
    name: t.name,
    description: t.description ?? null,
    originalFileId: t.originalFileId ?? null,
    fileName: t.fileName ?? null,
    dimensions: t.dimensions,
    pageCount: t.pageCount,
    pages: meta.pages ?? Array.from({ length: t.pageCount }, () => ({ ...t.dimensions })),
    status: t.status,
    publishedVersion: meta.publishedVersion ?? null,
    baseReplacedAt: meta.baseReplacedAt ?? null,
    output: t.output ?? null,
    retentionDays: t.retentionDays ?? null,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}
