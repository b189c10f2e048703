import type { Services } from '@/services/context.js';
import { fileMetadata } from '@/services/files/metadata.js';
import { templateRevisionKey } from '@/services/blob-keys.js';
import { ConflictError } from '@/shared/errors.js';
import type { Template, TemplatePage } from '@/shared/domain/template.js';
import { matchFields, type FieldMatch, type FormWidget, type MatchableField } from './base-match.js';
import { baseKey, templateMetadata } from './metadata.js';

/**
 * Replacing a template's base PDF with a new revision (an uploaded, processed file), keeping its
 * fields (base-match.ts says where each goes). Without `apply` nothing changes: the answer is the
 * review the studio shows before the designer confirms. With it the new PDF becomes the draft's
 * base under a new key: published versions keep pointing at the PDF they were published with, so
 * API output does not change until the draft is published again.
 */

export interface ReplaceReview {
  fileId: string;
  fileName: string | null;
  from: { pageCount: number; pages: TemplatePage[] };
  to: { pageCount: number; pages: TemplatePage[] };
  /** Whether the new PDF has AcroForm fields (then fields from form fields are matched by name). */
  formFields: number;
  fields: FieldMatch[];
  counts: Record<FieldMatch['status'], number>;
  applied: boolean;
}

export async function replaceBasePdf(
  services: Services,
  userId: string,
  templateId: string,
  input: { fileId: string; apply: boolean },
): Promise<{ review: ReplaceReview; template: Template }> {
  const { repos, blobs } = services;
  const template = await repos.templates.getOwned(userId, templateId);
  const file = await repos.files.getOwned(userId, input.fileId);
  if (file.status !== 'ready')
    throw new ConflictError('file_not_ready', `The file is ${file.status}; only processed (ready) files can replace a base PDF`);
  const meta = fileMetadata(file);
  const pages = meta.pages ?? [];
  if (!pages.length) throw new ConflictError('file_not_ready', 'The file has no page information');
  const widgets = (meta.formFields ?? []) as FormWidget[];
  const fields = await repos.fields.listByTemplate(templateId);
  const matches = matchFields(fields as MatchableField[], pages, widgets);
  const counts = { kept: 0, moved: 0, moved_page: 0, outside: 0 };
  for (const m of matches) counts[m.status] += 1;
  const oldPages = templateMetadata(template).pages ?? Array.from({ length: template.pageCount }, () => ({ ...template.dimensions }));
  const review: ReplaceReview = {
    fileId: file.id,
    fileName: file.originalFilename ?? null,
    from: { pageCount: template.pageCount, pages: oldPages },
    to: { pageCount: pages.length, pages },
    formFields: widgets.length,
    fields: matches,
    counts,
    applied: false,
  };
  if (!input.apply) return { review, template };

  const key = templateRevisionKey(templateId);
  const object = await blobs.get('uploads', file.s3Key);
  await blobs.put('files', key, object.body, { contentType: 'application/pdf', contentLength: object.size });
  const previous = baseKey(template);
  const meta0 = templateMetadata(template);
  const updated = await repos.templates.updateOwned(userId, templateId, {
    originalFileId: file.id,
    fileName: file.originalFilename,
    dimensions: { width: pages[0].width, height: pages[0].height },
    pageCount: pages.length,
    metadata: { ...meta0, pages, baseKey: key, baseReplacedAt: new Date().toISOString() },
  });
  const moves = matches
    .filter((m) => m.status !== 'kept' || m.to.page !== m.from.page)
    .map((m) => ({
      fieldId: m.fieldId,
      page: m.to.page,
      position: { x: m.to.x, y: m.to.y },
      size: { width: m.to.width, height: m.to.height },
    }));
  if (moves.length) await repos.fields.batchUpdatePositions(moves, { templateId });
  // The old base goes unless a published version still prints with it.
  if (!meta0.versions?.length && previous !== key) await blobs.delete('files', previous).catch(() => undefined);
  return { review: { ...review, applied: true }, template: updated };
}
