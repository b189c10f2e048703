import { baseKey } from '@/services/templates/metadata.js';
import { TEMPLATE_STATUSES, type Template } from '@/shared/domain/template.js';
import type { Deps } from '@/services/context.js';
import { parseBlobKey } from '@/services/blob-keys.js';

export interface IntegrityIssue {
  kind:
    | 'file_row_without_blob'
    | 'upload_blob_without_row'
    | 'template_without_file'
    | 'template_without_user'
    | 'generated_pdf_without_blob'
    | 'generated_blob_without_row';
  id: string;
  detail: string;
  repaired: boolean;
}

export interface IntegrityReport {
  checked: { users: number; files: number; templates: number; generatedPdfs: number; uploadBlobs: number; generatedBlobs: number };
  issues: IntegrityIssue[];
  repaired: number;
}

/** Blobs younger than this are never taken for orphans: their row may be being written right now. */
const GRACE_MS = 60 * 60 * 1000;

async function listAll(services: Deps<'config' | 'repos' | 'blobs'>, bucket: 'uploads' | 'generated') {
  const out: { key: string; lastModified: Date }[] = [];
  let cursor: string | undefined;
  do {
    const page = await services.blobs.list(bucket, { cursor, limit: 1000 });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * The automated integrity checks: relational rows, DynamoDB items and blobs that should
 * name each other. Reports every mismatch; with `repair`, removes the dangling side (a row whose
 * blob is gone, a blob no row names, a template whose base file or owner is gone). Runs as the
 * cleanup queue's `integrity_check` action and as `pdf-studio integrity [--repair]`.
 */
export async function runIntegrityCheck(
  services: Deps<'config' | 'repos' | 'blobs'>,
  opts: { repair?: boolean; now?: Date } = {},
): Promise<IntegrityReport> {
  const { repos, blobs } = services;
  const repair = opts.repair ?? false;
  const cutoff = (opts.now ?? new Date()).getTime() - GRACE_MS;
  const issues: IntegrityIssue[] = [];
  const report: IntegrityReport = {
    checked: { users: 0, files: 0, templates: 0, generatedPdfs: 0, uploadBlobs: 0, generatedBlobs: 0 },
    issues,
    repaired: 0,
  };
  const add = (issue: Omit<IntegrityIssue, 'repaired'>, repaired: boolean) => {
    issues.push({ ...issue, repaired });
    if (repaired) report.repaired++;
  };

  const userIds = new Set<string>();
  const uploadKeys = new Set<string>();
  const generatedKeys = new Set<string>();
  for (let page = 1; ; page++) {
    const users = await repos.users.list({ page, limit: 100 });
    for (const user of users.items) {
      userIds.add(user.id);
      for (let p = 1; ; p++) {
        const files = await repos.files.listByUser(user.id, { page: p, limit: 100 });
        for (const f of files.items) {
          report.checked.files++;
          uploadKeys.add(f.s3Key);
          if (f.status === 'ready' && !(await blobs.exists('uploads', f.s3Key))) {
            if (repair) await repos.files.delete(user.id, f.id);
            add({ kind: 'file_row_without_blob', id: f.id, detail: `uploads/${f.s3Key}` }, repair);
          }
        }
        if (p * 100 >= files.total) break;
      }
      for (let p = 1; ; p++) {
        const pdfs = await repos.generatedPdfs.listByUser(user.id, { page: p, limit: 100 });
        for (const pdf of pdfs.items) {
          report.checked.generatedPdfs++;
          if (pdf.storageKey) generatedKeys.add(pdf.storageKey);
          if (pdf.status === 'completed' && (!pdf.storageKey || !(await blobs.exists('generated', pdf.storageKey)))) {
            if (repair) await repos.generatedPdfs.deleteInternal(pdf.id);
            add({ kind: 'generated_pdf_without_blob', id: pdf.id, detail: `generated/${pdf.storageKey ?? '(none)'}` }, repair);
          }
        }
        if (p * 100 >= pdfs.total) break;
      }
    }
    report.checked.users += users.items.length;
    if (page * 100 >= users.total) break;
  }

  for (const status of TEMPLATE_STATUSES) {
    let cursor: string | undefined;
    do {
      const page = await repos.templates.listByStatus(status, { limit: 100, cursor });
      for (const t of page.items as Template[]) {
        report.checked.templates++;
        const gone = !userIds.has(t.userId)
          ? 'template_without_user'
          : !(await blobs.exists('files', baseKey(t)))
            ? 'template_without_file'
            : null;
        if (!gone) continue;
        if (repair) {
          await repos.templates.deleteInternal(t.templateId);
          await blobs.delete('files', baseKey(t));
        }
        add(
          { kind: gone, id: t.templateId, detail: gone === 'template_without_user' ? `user ${t.userId}` : `files/${baseKey(t)}` },
          repair,
        );
      }
      cursor = page.nextCursor;
    } while (cursor);
  }

  const uploadBlobs = await listAll(services, 'uploads');
  report.checked.uploadBlobs = uploadBlobs.length;
  const strayUploads = uploadBlobs.filter((b) => !uploadKeys.has(b.key) && b.lastModified.getTime() < cutoff);
  if (repair && strayUploads.length)
    await blobs.deleteMany(
      'uploads',
      strayUploads.map((b) => b.key),
    );
  for (const b of strayUploads) add({ kind: 'upload_blob_without_row', id: b.key, detail: `uploads/${b.key}` }, repair);

  const generatedBlobs = await listAll(services, 'generated');
  report.checked.generatedBlobs = generatedBlobs.length;
  // Job results belong to jobs, not to GeneratedPdf rows: only single generated PDFs are checked.
  const strayGenerated = generatedBlobs.filter(
    (b) => parseBlobKey(b.key)?.kind === 'generated' && !generatedKeys.has(b.key) && b.lastModified.getTime() < cutoff,
  );
  if (repair && strayGenerated.length)
    await blobs.deleteMany(
      'generated',
      strayGenerated.map((b) => b.key),
    );
  for (const b of strayGenerated) add({ kind: 'generated_blob_without_row', id: b.key, detail: `generated/${b.key}` }, repair);

  return report;
}
