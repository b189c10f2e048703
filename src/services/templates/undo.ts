import type { Deps } from '@/services/context.js';
import { templatePrefix } from '@/services/blob-keys.js';
import { ttlFromNow } from '@/shared/database/ddb/entities/base-entity.js';
import type { Template } from '@/shared/domain/template.js';
import { NotFoundError } from '@/shared/errors.js';

/**
 * Deleting a template can be undone for TEMPLATE_UNDO_DAYS. This is what the tables' DynamoDB
 * `ttl` attribute is for: a deleted template and its fields keep their items, marked `deletedAt`,
 * with `ttl` = the end of the undo period (epoch seconds). Every read hides them (a deleted
 * template is "not found" like an unknown id); a restore clears both marks. When the period is
 * over, DynamoDB's TTL deletes the items on AWS; the scheduled cleanup (purgeExpiredTemplates)
 * deletes them where TTL does not run (the embedded server) and, everywhere, the template's blobs
 * (base PDF, revisions and version snapshots under templates/<id>/), which TTL cannot reach. Reads
 * treat an item past its ttl as gone, because DynamoDB's sweep runs up to days late.
 *
 * Generated PDFs and jobs of the template are not the template's: they keep their own retention
 * (PDF_RETENTION_DAYS or the template's retentionDays stamped on them), deleted or not.
 */

const DAY_SECONDS = 86_400;
/** A blob under templates/<id>/ whose item is gone is removed only once it is this old (a template being created is not an orphan). */
const ORPHAN_MIN_AGE_MS = 3_600_000;

/** Deletes the owner's template restorably; answers until when it can be restored. */
export async function deleteTemplate(
  services: Deps<'repos' | 'config'>,
  userId: string,
  templateId: string,
  now = Date.now(),
): Promise<{ template: Template; restorableUntil: string }> {
  const expiresAt = ttlFromNow(services.config.limits.templateUndoDays * DAY_SECONDS, now);
  const template = await services.repos.templates.softDeleteOwned(userId, templateId, expiresAt);
  return { template, restorableUntil: new Date(expiresAt * 1000).toISOString() };
}

/** Brings a deleted template back with its fields, blobs and versions (NotFoundError once its undo period is over). */
export async function restoreTemplate(services: Deps<'repos'>, userId: string, templateId: string): Promise<Template> {
  return services.repos.templates.restoreOwned(userId, templateId);
}

export interface TemplatePurgeReport {
  /** Deleted templates past their ttl whose items (template and fields) the cleanup removed. */
  expiredTemplates: number;
  /** Blobs under templates/<id>/ removed: of those templates, and of templates DynamoDB's TTL already removed. */
  templateBlobsRemoved: number;
}

/**
 * The cleanup's pass over deleted templates. It starts from the blobs (files bucket, templates/
 * prefix, page by page), not from the table: on AWS, TTL may have removed an item before this
 * runs, and only its blobs are left to find. Per template id on the page: a live or still
 * restorable template is left alone; one past its ttl loses its blobs, fields and item (blobs
 * first, so a crash leaves an item the next run finds again); one whose item is gone loses its
 * blobs (older than an hour) and any fields left.
 */
export async function purgeExpiredTemplates(services: Deps<'repos' | 'blobs'>, now = new Date()): Promise<TemplatePurgeReport> {
  const { repos, blobs } = services;
  const report: TemplatePurgeReport = { expiredTemplates: 0, templateBlobsRemoved: 0 };
  const nowSeconds = now.getTime() / 1000;
  let cursor: string | undefined;
  do {
    const page = await blobs.list('files', { prefix: 'templates/', cursor, limit: 1000 });
    const byTemplate = new Map<string, { key: string; lastModified: Date }[]>();
    for (const b of page.items) {
      const id = b.key.split('/')[1];
      if (id) byTemplate.set(id, [...(byTemplate.get(id) ?? []), b]);
    }
    const items = await repos.templates.batchGetItems(
      [...byTemplate.keys()].map((templateId) => ({ templateId })),
      { includeExpired: true, consistent: true },
    );
    const stored = new Map(items.map((t) => [t.templateId, t]));
    for (const [templateId, keys] of byTemplate) {
      const item = stored.get(templateId);
      if (item && !(item.deletedAt !== undefined && item.ttl !== undefined && item.ttl <= nowSeconds)) continue;
      if (item) {
        report.templateBlobsRemoved += await deleteAllUnder(services, templatePrefix(templateId));
        try {
          await repos.templates.deleteInternal(templateId);
          report.expiredTemplates++;
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
        }
        continue;
      }
      const old = keys.filter((b) => b.lastModified.getTime() < now.getTime() - ORPHAN_MIN_AGE_MS).map((b) => b.key);
      if (old.length) await blobs.deleteMany('files', old);
      report.templateBlobsRemoved += old.length;
      if (old.length === keys.length) await repos.fields.deleteByTemplate(templateId);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return report;
}

async function deleteAllUnder(services: Deps<'blobs'>, prefix: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const page = await services.blobs.list('files', { prefix, limit: 1000 });
    if (page.items.length === 0) return removed;
    await services.blobs.deleteMany(
      'files',
      page.items.map((i) => i.key),
    );
    removed += page.items.length;
    if (!page.nextCursor) return removed;
  }
}
