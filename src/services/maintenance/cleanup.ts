import type { Deps } from '@/services/context.js';
import { cleanupExpiredExports } from '@/services/accounts/export.js';
import { ACCOUNT_TASK_KEEP_DAYS } from '@/services/accounts/tasks.js';
import { applyAllTemplateRetention } from '@/services/templates/retention.js';
import { purgeExpiredTemplates } from '@/services/templates/undo.js';

export interface CleanupReport {
  expiredPdfs: number;
  uploadsRemoved: number;
  orphanBlobsRemoved: number;
}

export interface ExpiryReport {
  /** Documents whose expiry moved to their template's own retention before the sweep. */
  retentionRestamped: number;
  expiredPdfs: number;
  /** Data exports older than a day. */
  expiredExports: number;
  /** Audit rows of deleted accounts whose year is over. */
  anonymisedAuditRows: number;
  /** Sign-in throttles with no failure for a day: their account's next failures start afresh. */
  staleLoginThrottles: number;
  /** Deleted templates past their undo period (ttl) removed, items and blobs (templates/undo.ts). */
  expiredTemplates: number;
  templateBlobsRemoved: number;
  /** Account export and deletion tasks finished a week ago (their status is no longer kept). */
  accountTasksRemoved: number;
}

/** A day without a failed sign-in forgets an account's failures (the longest wait is 15 minutes). */
const LOGIN_THROTTLE_MEMORY_MS = 86_400_000;

/**
 * The cleanup queue's `cleanup_expired_pdfs`: first each template's own retention is applied to its
 * documents (templates/retention.ts), then generated PDFs past expiresAt (or, with olderThanDays,
 * created longer ago than that) lose their blob, then their row — blob first, so a crash leaves a
 * row the next run finds again, never an unreachable blob. Pages through any backlog. The same run
 * removes data exports past their day, anonymised audit rows past their year, sign-in throttles
 * a day old and deleted templates past their undo period.
 */
export async function cleanupExpired(
  services: Deps<'config' | 'repos' | 'blobs'>,
  olderThanDays?: number,
  now = new Date(),
): Promise<ExpiryReport> {
  const report: ExpiryReport = {
    retentionRestamped: 0,
    expiredPdfs: 0,
    expiredExports: 0,
    anonymisedAuditRows: 0,
    staleLoginThrottles: 0,
    expiredTemplates: 0,
    templateBlobsRemoved: 0,
    accountTasksRemoved: 0,
  };
  report.retentionRestamped = await applyAllTemplateRetention(services);
  for (;;) {
    const batch = await services.repos.generatedPdfs.findExpired({ now, olderThanDays, limit: 200 });
    if (batch.length === 0) break;
    const keys = batch.filter((p) => p.storageKey).map((p) => p.storageKey!);
    if (keys.length > 0) await services.blobs.deleteMany('generated', keys);
    report.expiredPdfs += await services.repos.generatedPdfs.deleteMany(batch.map((p) => p.id));
  }
  report.expiredExports = await cleanupExpiredExports(services, now);
  report.anonymisedAuditRows = await services.repos.auditLogs.deleteAnonymisedExpired(now);
  report.staleLoginThrottles = await services.repos.loginThrottles.deleteStale(new Date(now.getTime() - LOGIN_THROTTLE_MEMORY_MS));
  Object.assign(report, await purgeExpiredTemplates(services, now));
  report.accountTasksRemoved = await services.repos.accountTasks.deleteFinishedBefore(
    new Date(now.getTime() - ACCOUNT_TASK_KEEP_DAYS * 86_400_000),
  );
  return report;
}

/** cleanupExpired, answering only how many generated PDFs were removed (the admin route's and the scheduled Lambda's count). */
export async function cleanupExpiredPdfs(
  services: Deps<'config' | 'repos' | 'blobs'>,
  olderThanDays?: number,
  now = new Date(),
): Promise<number> {
  return (await cleanupExpired(services, olderThanDays, now)).expiredPdfs;
}

async function* allUsers(services: Deps<'config' | 'repos' | 'blobs'>) {
  for (let page = 1; ; page++) {
    const res = await services.repos.users.list({ page, limit: 100 });
    yield* res.items;
    if (page * 100 >= res.total) return;
  }
}

/**
 * Unreferenced uploads. Templates keep their own copy of the base PDF (templates/<id>/base.pdf in
 * the files bucket), so an uploaded file is the user's library item until they delete it — cleanup
 * never touches a `ready` upload. It removes (older than `olderThanHours`, default 24, so uploads
 * in flight are safe): signed-URL uploads never confirmed (status `uploaded`) with their blob, and
 * blobs in the uploads bucket that no file row names (a crash between blob and row).
 */
export async function cleanupOrphanedUploads(
  services: Deps<'config' | 'repos' | 'blobs'>,
  opts: { olderThanHours?: number; dryRun?: boolean; now?: Date } = {},
): Promise<{ uploadsRemoved: number; orphanBlobsRemoved: number }> {
  const cutoff = (opts.now ?? new Date()).getTime() - (opts.olderThanHours ?? 24) * 3_600_000;
  const known = new Set<string>();
  let uploadsRemoved = 0;
  for await (const user of allUsers(services)) {
    for (let page = 1; ; page++) {
      const res = await services.repos.files.listByUser(user.id, { page, limit: 100 });
      for (const f of res.items) {
        if (f.status === 'uploaded' && f.createdAt.getTime() < cutoff) {
          uploadsRemoved++;
          if (!opts.dryRun) {
            await services.blobs.delete('uploads', f.s3Key);
            await services.repos.files.delete(user.id, f.id);
          }
        } else known.add(f.s3Key);
      }
      if (page * 100 >= res.total) break;
    }
  }
  let orphanBlobsRemoved = 0;
  let cursor: string | undefined;
  do {
    const page = await services.blobs.list('uploads', { cursor, limit: 500 });
    const orphans = page.items.filter((b) => !known.has(b.key) && b.lastModified.getTime() < cutoff).map((b) => b.key);
    orphanBlobsRemoved += orphans.length;
    if (!opts.dryRun && orphans.length > 0) await services.blobs.deleteMany('uploads', orphans);
    cursor = page.nextCursor;
  } while (cursor);
  return { uploadsRemoved, orphanBlobsRemoved };
}
