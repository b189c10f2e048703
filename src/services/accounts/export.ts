import { PassThrough, Readable } from 'node:stream';
import yazl from 'yazl';
import type { Services } from '@/services/context.js';
import { EXPORTS_PREFIX, exportKey } from '@/services/blob-keys.js';
import { baseKey, templateMetadata } from '@/services/templates/metadata.js';
import { jsonReplacer } from '@/shared/database/prisma/json.js';
import type { Page } from '@/shared/database/prisma/repository.js';
import type { Template } from '@/shared/domain/template.js';
import { BlobNotFoundError, type BucketName } from '@/shared/storage/index.js';

/** How long an export's download link is valid; the blob itself is removed by the daily cleanup after EXPORT_KEEP_HOURS. */
export const EXPORT_LINK_SECONDS = 3600;
export const EXPORT_KEEP_HOURS = 24;

export interface AccountExport {
  key: string;
  size: number;
  counts: {
    templates: number;
    fields: number;
    versions: number;
    files: number;
    generatedPdfs: number;
    jobs: number;
    apiKeys: number;
    /** Their public facts only (signing-certificates.json); the sealed file and password stay out. */
    signingCertificates: number;
    auditLogs: number;
    /** Stored objects copied into the ZIP (uploads, generated PDFs, template bases and versions). */
    blobs: number;
    /** Objects a row names that storage no longer has (the entry is then empty; see the integrity check). */
    missingBlobs: number;
  };
}

const PAGE = 100;

/** Every row of a paged listing, one page at a time (never the whole listing in memory). */
async function* pages<T>(list: (page: number) => Promise<Page<T>>): AsyncGenerator<T[]> {
  for (let page = 1; ; page++) {
    const res = await list(page);
    if (res.items.length) yield res.items;
    if (!res.hasMore || res.items.length === 0) return;
  }
}

/** A JSON array written element by element as the ZIP reads it. */
function jsonArray<T>(source: AsyncIterable<T[]>, onItem: () => void, map: (item: T) => unknown = (i) => i): Readable {
  return Readable.from(
    (async function* () {
      let first = true;
      yield '[';
      for await (const batch of source)
        for (const item of batch) {
          onItem();
          yield `${first ? '\n' : ',\n'}${JSON.stringify(map(item), jsonReplacer, 2)}`;
          first = false;
        }
      yield first ? ']\n' : '\n]\n';
    })(),
  );
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, jsonReplacer, 2)}\n`);

/**
 * The user's data export: a ZIP with their records as JSON and their documents as files, written
 * straight into the generated bucket while it is built (yazl streams entry by entry and each blob is
 * opened only when the ZIP reaches it), so memory does not grow with the account. Layout:
 *
 *   account.json              the user and profile (never the password hash)
 *   templates.json            each template with its draft fields and its published versions' list
 *   templates/<id>/base.pdf   a template's base PDF; templates/<id>/versions/<n>.json its snapshots
 *   files.json, files/<id>.pdf                    uploaded files: metadata, then the bytes
 *   generated-pdfs.json, generated-pdfs/<id>.pdf  generated documents: metadata, then the completed ones
 *   jobs.json, api-keys.json (no secrets: keys are stored only as hashes), audit-logs.json (the user's own actions)
 */
export async function exportAccount(services: Services, userId: string): Promise<AccountExport> {
  const { repos, blobs } = services;
  const user = await repos.users.findById(userId, true);
  const counts: AccountExport['counts'] = {
    templates: 0,
    fields: 0,
    versions: 0,
    files: 0,
    generatedPdfs: 0,
    jobs: 0,
    apiKeys: 0,
    signingCertificates: 0,
    auditLogs: 0,
    blobs: 0,
    missingBlobs: 0,
  };
  const key = exportKey(userId);
  const zip = new yazl.ZipFile();
  const out = new PassThrough();
  // A failing entry (database or storage down) fails the upload instead of leaving it waiting:
  // yazl reports a lazy entry's error, but pipes a source stream without watching it.
  zip.on('error', (err: Error) => out.destroy(err));
  const watched = <S extends Readable>(source: S): S => source.once('error', (err: Error) => out.destroy(err));
  zip.outputStream.pipe(out);
  const stored = blobs.put('generated', key, out, { contentType: 'application/zip' });
  // It may fail while entries are still being added (before it is awaited): handled from the start,
  // or Node would take it for an unhandled rejection and end the process.
  stored.catch(() => undefined);

  const addBlob = (name: string, bucket: BucketName, blobKey: string) => {
    counts.blobs++;
    zip.addReadStreamLazy(name, { compress: false }, (cb) => {
      blobs.get(bucket, blobKey).then(
        (o) => cb(null, watched(o.body)),
        (err: Error) => {
          if (!(err instanceof BlobNotFoundError)) return cb(err, undefined as never);
          counts.blobs--;
          counts.missingBlobs++;
          cb(null, Readable.from([]));
        },
      );
    });
  };

  try {
    zip.addBuffer(json({ exportedAt: new Date().toISOString(), user }), 'account.json');

    // Templates (with their fields) are small records: read once, written as one entry.
    const templates: { template: Template; fields: unknown[]; versions: unknown[] }[] = [];
    let cursor: string | undefined;
    do {
      // Deleted templates still restorable are exported too (with their deletedAt).
      const page = await repos.templates.listByUser(userId, { limit: PAGE, cursor, deleted: 'include' });
      for (const template of page.items) {
        const fields = await repos.fields.listByTemplate(template.templateId);
        const versions = templateMetadata(template).versions ?? [];
        templates.push({ template, fields, versions });
        counts.fields += fields.length;
      }
      cursor = page.nextCursor;
    } while (cursor);
    counts.templates = templates.length;
    zip.addBuffer(json(templates), 'templates.json');
    for (const { template, versions } of templates) {
      addBlob(`templates/${template.templateId}/base.pdf`, 'files', baseKey(template));
      for (const v of versions as { version: number; snapshotKey: string }[]) {
        counts.versions++;
        addBlob(`templates/${template.templateId}/versions/${v.version}.json`, 'files', v.snapshotKey);
      }
    }

    const files = (page: number) => repos.files.listByUser(userId, { page, limit: PAGE });
    zip.addReadStream(watched(jsonArray(pages(files), () => counts.files++)), 'files.json');
    for await (const batch of pages(files))
      for (const f of batch) if (f.status === 'ready' || f.status === 'processing') addBlob(`files/${f.id}.pdf`, 'uploads', f.s3Key);

    const pdfs = (page: number) => repos.generatedPdfs.listByUser(userId, { page, limit: PAGE });
    zip.addReadStream(watched(jsonArray(pages(pdfs), () => counts.generatedPdfs++)), 'generated-pdfs.json');
    for await (const batch of pages(pdfs))
      for (const p of batch) if (p.status === 'completed' && p.storageKey) addBlob(`generated-pdfs/${p.id}.pdf`, 'generated', p.storageKey);

    zip.addReadStream(
      watched(
        jsonArray(
          // A job's sealed passwords stay out: they are no data of the person, only of the job's run.
          pages(async (page) => {
            const res = await repos.generationJobs.listByUser(userId, { page, limit: PAGE });
            return { ...res, items: res.items.map(({ sealedSecrets: _s, ...job }) => job) };
          }),
          () => counts.jobs++,
        ),
      ),
      'jobs.json',
    );
    const keys = await repos.apiKeys.list(userId);
    counts.apiKeys = keys.length;
    zip.addBuffer(json(keys), 'api-keys.json');
    const certificates = await repos.signingCertificates.list(userId);
    counts.signingCertificates = certificates.length;
    zip.addBuffer(json(certificates), 'signing-certificates.json');
    zip.addReadStream(
      watched(
        jsonArray(
          pages((page) => repos.auditLogs.listByUser(userId, { page, limit: PAGE })),
          () => counts.auditLogs++,
        ),
      ),
      'audit-logs.json',
    );
    zip.end();
    const { size } = await stored;
    return { key, size, counts };
  } catch (err) {
    out.destroy(err as Error);
    await stored.catch(() => undefined);
    await blobs.delete('generated', key).catch(() => undefined);
    throw err;
  }
}

/** Exports older than EXPORT_KEEP_HOURS, removed by the daily cleanup (their links expired long before). */
export async function cleanupExpiredExports(services: Pick<Services, 'blobs'>, now = new Date()): Promise<number> {
  const cutoff = now.getTime() - EXPORT_KEEP_HOURS * 3_600_000;
  let removed = 0;
  let cursor: string | undefined;
  do {
    const page = await services.blobs.list('generated', { prefix: EXPORTS_PREFIX, cursor, limit: 1000 });
    const old = page.items.filter((b) => b.lastModified.getTime() < cutoff).map((b) => b.key);
    if (old.length) await services.blobs.deleteMany('generated', old);
    removed += old.length;
    cursor = page.nextCursor;
  } while (cursor);
  return removed;
}
