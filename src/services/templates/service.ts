import type { Services } from '@/services/context.js';
import { ConflictError } from '@/shared/errors.js';
import type { Template, TemplateStatus } from '@/shared/domain/template.js';
import type { StoredField } from '@/shared/database/ddb/index.js';
import { fileMetadata } from '@/services/files/metadata.js';
import type { BucketName } from '@/shared/storage/index.js';
import { templateBaseKey } from '@/services/blob-keys.js';
import { baseKey, templateMetadata, type TemplateMetadata } from './metadata.js';

async function copyBlob(
  services: Services,
  from: { bucket: BucketName; key: string },
  to: { bucket: BucketName; key: string },
): Promise<void> {
  const object = await services.blobs.get(from.bucket, from.key);
  await services.blobs.put(to.bucket, to.key, object.body, {
    contentType: object.contentType || 'application/pdf',
    contentLength: object.size,
  });
}

/** Field inputs without ids/timestamps, for copying fields into another template. */
function asInput(f: StoredField) {
  const { fieldId: _id, templateId: _t, createdAt: _c, updatedAt: _u, ttl: _ttl, ...input } = f;
  return input;
}

/**
 * A template from a processed upload: page sizes from the file's metadata, the PDF copied to
 * templates/<id>/base.pdf, optionally the AcroForm fields imported. If the copy fails the template
 * is removed again, so no template ever lacks its base.
 */
export async function createTemplate(
  services: Services,
  userId: string,
  input: { fileId: string; name: string; description?: string; importFormFields?: boolean },
) {
  const { repos } = services;
  const file = await repos.files.getOwned(userId, input.fileId);
  if (file.status !== 'ready')
    throw new ConflictError('file_not_ready', `The file is ${file.status}; only processed (ready) files can become templates`);
  const meta = fileMetadata(file);
  const pages = meta.pages ?? [];
  if (!pages.length) throw new ConflictError('file_not_ready', 'The file has no page information');
  const template = await repos.templates.create({
    userId,
    name: input.name,
    description: input.description,
    originalFileId: file.id,
    fileName: file.originalFilename,
    dimensions: { width: pages[0].width, height: pages[0].height },
    pageCount: pages.length,
    status: 'draft',
    metadata: { pages },
  });
  const key = templateBaseKey(template.templateId);
  try {
    await copyBlob(services, { bucket: 'uploads', key: file.s3Key }, { bucket: 'files', key });
  } catch (err) {
    await repos.templates.deleteOwned(userId, template.templateId).catch(() => undefined);
    throw err;
  }
  const withBase = await repos.templates.updateOwned(userId, template.templateId, {
    metadata: { ...templateMetadata(template), baseKey: key },
  });
  const suggested = input.importFormFields ? ((meta.formFields ?? []) as Parameters<typeof repos.fields.batchUpsert>[1]) : [];
  const fields = suggested.length ? await repos.fields.batchUpsert(template.templateId, suggested) : [];
  return { template: withBase, fields };
}

/** Copy of a template: a new draft with its own base copy and new field ids; versions are not copied. */
export async function duplicateTemplate(services: Services, userId: string, templateId: string, name?: string) {
  const { repos } = services;
  const source = await repos.templates.getOwned(userId, templateId);
  const fields = await repos.fields.listByTemplate(templateId);
  const { publishedVersion: _p, versions: _v, baseKey: _b, baseReplacedAt: _r, ...meta } = templateMetadata(source);
  const copy = await repos.templates.create({
    userId,
    name: name ?? `${source.name} (copy)`.slice(0, 200),
    description: source.description,
    originalFileId: source.originalFileId,
    fileName: source.fileName,
    dimensions: source.dimensions,
    pageCount: source.pageCount,
    scale: source.scale,
    status: 'draft',
    metadata: meta,
  });
  const key = templateBaseKey(copy.templateId);
  try {
    await copyBlob(services, { bucket: 'files', key: baseKey(source) }, { bucket: 'files', key });
  } catch (err) {
    await repos.templates.deleteOwned(userId, copy.templateId).catch(() => undefined);
    throw err;
  }
  const template = await repos.templates.updateOwned(userId, copy.templateId, {
    metadata: { ...meta, baseKey: key } satisfies TemplateMetadata,
  });
  const copied = fields.length ? await repos.fields.batchUpsert(copy.templateId, fields.map(asInput)) : [];
  return { template, fields: copied };
}

export { deleteTemplate, restoreTemplate } from './undo.js';

/**
 * A user's templates, newest first. With `search`, names are matched case-insensitively while
 * paging (DynamoDB has no substring index): repository pages are read no larger than what is still
 * missing, so the returned cursor never skips a match; at most MAX_SCANNED items are read per call
 * and the cursor lets the client continue.
 */
const MAX_SCANNED = 2000;
export async function listTemplates(
  services: Services,
  userId: string,
  q: { limit: number; cursor?: string; status?: TemplateStatus; search?: string },
) {
  const { templates } = services.repos;
  if (!q.search) return templates.listByUser(userId, { limit: q.limit, cursor: q.cursor, status: q.status });
  const needle = q.search.toLowerCase();
  const items: Template[] = [];
  let cursor = q.cursor;
  let scanned = 0;
  do {
    const page = await templates.listByUser(userId, { limit: Math.min(100, q.limit - items.length), cursor, status: q.status });
    scanned += page.items.length;
    items.push(...page.items.filter((t) => t.name.toLowerCase().includes(needle)));
    cursor = page.nextCursor;
  } while (cursor && items.length < q.limit && scanned < MAX_SCANNED);
  return { items, nextCursor: cursor };
}
