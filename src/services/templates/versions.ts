import type { Deps, Services } from '@/services/context.js';
import { ConflictError, NotFoundError } from '@/shared/errors.js';
import type { Template } from '@/shared/domain/template.js';
import type { StoredField } from '@/shared/database/ddb/index.js';
import { LRUCache } from 'lru-cache';
import { readAll } from '@/shared/storage/read.js';
import { templateVersionKey } from '@/services/blob-keys.js';
import { assertDefinitions, assertGroups } from '@/services/fields/definition.js';
import { baseKey, templateMetadata } from './metadata.js';

/**
 * Published versions. Publishing freezes the template and its fields as a JSON snapshot
 * `{template, fields, baseKey}` at templates/<id>/versions/<n>.json in the files bucket. The base
 * PDF is referenced, not copied: replacing a template's base (replace-base.ts) writes the new PDF
 * under a new key and keeps the old one while a version refers to it.
 * The template itself keeps `metadata.publishedVersion` (latest) and `metadata.versions` (list).
 */

/** The stored form of a published version (templates/<id>/versions/<n>.json). */
export interface PublishedVersionFile {
  version: number;
  publishedAt: string;
  template: Template;
  fields: StoredField[];
  baseKey: string;
}

export interface LoadedTemplateVersion {
  template: Template;
  fields: StoredField[];
  /** The base PDF's bytes. */
  base: Uint8Array;
  /** The published version loaded, or 'draft' for the current (editable) state. */
  version: number | 'draft';
}

/**
 * Claims the next number with a conditional update (publishedVersion must still be the value read,
 * so two concurrent publishes can never get the same number; the loser gets 409
 * `publish_conflict`), then writes the snapshot; if that write fails the claim is rolled back.
 */
export async function publishTemplate(
  services: Services,
  userId: string,
  templateId: string,
): Promise<{ version: number; publishedAt: string; fieldCount: number }> {
  const { repos, blobs } = services;
  const template = await repos.templates.getOwned(userId, templateId);
  const fields = await repos.fields.listByTemplate(templateId);
  // Fields saved before definitions were checked at save time may still hold one generation cannot honour.
  assertDefinitions(
    fields.map((f) => ({ field: f, prefix: `fields.${f.fieldId}` })),
    'The template has fields whose rules or settings cannot be applied; fix them before publishing',
  );
  assertGroups(template, fields, "The template's repeating groups cannot be drawn; fix them before publishing");
  const meta = templateMetadata(template);
  const current = meta.publishedVersion;
  const version = (current ?? 0) + 1;
  const publishedAt = new Date().toISOString();
  const snapshotKey = templateVersionKey(templateId, version);
  const entry = { version, publishedAt, fieldCount: fields.length, snapshotKey };
  const previousStatus = template.status;
  try {
    await repos.templates.claimNextVersion(userId, templateId, { current, versions: meta.versions ?? [], entry, at: publishedAt });
  } catch (err) {
    if (err instanceof ConflictError) throw new ConflictError('publish_conflict', 'The template was published concurrently; try again');
    throw err;
  }
  const snapshot: PublishedVersionFile = {
    version,
    publishedAt,
    template: { ...template, status: 'active' },
    fields,
    baseKey: baseKey(template),
  };
  try {
    await blobs.put('files', snapshotKey, Buffer.from(JSON.stringify(snapshot)), { contentType: 'application/json' });
  } catch (err) {
    await repos.templates
      .releaseVersion(templateId, { claimed: version, previous: current, versions: meta.versions ?? [], status: previousStatus })
      .catch(() => undefined);
    throw err;
  }
  return { version, publishedAt, fieldCount: fields.length };
}

export async function listVersions(services: Services, userId: string, templateId: string) {
  const template = await services.repos.templates.getOwned(userId, templateId);
  return (templateMetadata(template).versions ?? []).map(({ version, publishedAt, fieldCount }) => ({
    version,
    publishedAt: new Date(publishedAt),
    fieldCount,
  }));
}

/** One published version's fields as frozen (what the studio compares its draft with). */
export async function getVersion(services: Deps<'repos' | 'blobs'>, userId: string, templateId: string, version: number) {
  const template = await services.repos.templates.getOwned(userId, templateId);
  const entry = (templateMetadata(template).versions ?? []).find((v) => v.version === version);
  if (!entry) throw new NotFoundError('Template version', String(version));
  const snapshot = JSON.parse(
    Buffer.from(await readAll(services.blobs, 'files', entry.snapshotKey)).toString('utf8'),
  ) as PublishedVersionFile;
  return { version, publishedAt: new Date(entry.publishedAt), fieldCount: entry.fieldCount, fields: snapshot.fields };
}

/**
 * What generation renders. `version` = a published number, 'draft' (the current template and
 * fields), or absent = the latest published version, else the draft when nothing is published yet.
 * A number that was never published is NotFoundError, as is another user's template.
 */
export async function loadTemplateVersion(
  services: Deps<'repos' | 'blobs'>,
  userId: string,
  templateId: string,
  version?: number | 'draft',
): Promise<LoadedTemplateVersion> {
  const { repos, blobs } = services;
  const template = await repos.templates.getOwned(userId, templateId);
  const meta = templateMetadata(template);
  const wanted = version ?? meta.publishedVersion ?? 'draft';
  if (wanted === 'draft') {
    const [fields, base] = await Promise.all([repos.fields.listByTemplate(templateId), readAll(blobs, 'files', baseKey(template))]);
    return { template, fields, base, version: 'draft' };
  }
  const entry = (meta.versions ?? []).find((v) => v.version === wanted);
  if (!entry) throw new NotFoundError('Template version', String(wanted));
  // The ownership check above runs on every call; what a published version holds never changes.
  const cacheKey = `${templateId}:${entry.snapshotKey}`;
  let published = publishedVersions.get(cacheKey);
  if (!published) {
    const snapshot = JSON.parse(Buffer.from(await readAll(blobs, 'files', entry.snapshotKey)).toString('utf8')) as PublishedVersionFile;
    published = { snapshot, base: await readAll(blobs, 'files', snapshot.baseKey) };
    publishedVersions.set(cacheKey, published);
  }
  const { snapshot, base } = published;
  return { template: snapshot.template, fields: snapshot.fields, base, version: snapshot.version };
}

/**
 * Published versions as generation reads them (the version file and its base PDF), by their
 * immutable snapshot key: a sync request then reads only the template item. Bounded by bytes.
 */
const publishedVersions = new LRUCache<string, { snapshot: PublishedVersionFile; base: Uint8Array }>({
  maxSize: 64 * 2 ** 20,
  sizeCalculation: (v) => v.base.length + 1,
});
