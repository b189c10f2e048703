import { randomUUID } from 'node:crypto';
import type { Services } from '@/services/context.js';
import { templatePrefix, userExportsPrefix, userPrefix } from '@/services/blob-keys.js';
import { ANONYMISED_AUDIT_RETENTION_DAYS } from '@/shared/database/prisma/audit-logs-repository.js';
import { NotFoundError } from '@/shared/errors.js';
import { assertNotLastAdmin } from './roles.js';
import type { BucketName } from '@/shared/storage/index.js';

export interface AccountDeletionReport {
  /** The id the account's anonymised audit rows carry instead of its own. */
  pseudonym: string;
  templates: number;
  fields: number;
  files: number;
  generatedPdfs: number;
  jobs: number;
  jobsCancelled: number;
  apiKeys: number;
  apiKeysRevoked: number;
  /** Stored signing certificates (their sealed files go with the user row). */
  signingCertificates: number;
  sessions: number;
  blobs: number;
  auditRowsAnonymised: number;
}

/**
 * Who asked: the account itself, an administrator (by id, with their address), or an operator at
 * the command line. The address of the account itself is not kept: it is the person's own data.
 */
export type DeletionActor =
  { via: 'self'; requestId?: string } | { via: 'admin'; adminId: string; requestId?: string; ip?: string } | { via: 'cli' };

/** Deletes every blob under `prefix` of `bucket`, page by page; returns how many there were. */
async function deletePrefix(services: Pick<Services, 'blobs'>, bucket: BucketName, prefix: string): Promise<number> {
  let removed = 0;
  const deleted = new Set<string>();
  for (;;) {
    // Always the first page: what was deleted is gone, so a cursor would skip keys.
    const page = await services.blobs.list(bucket, { prefix, limit: 1000 });
    if (page.items.length === 0) return removed;
    const keys = page.items.map((i) => i.key);
    // A key listed again after its delete was acknowledged: stop rather than loop for ever.
    if (keys.some((k) => deleted.has(k))) throw new Error(`blobs under ${bucket}/${prefix} are still listed after deletion`);
    await services.blobs.deleteMany(bucket, keys);
    for (const k of keys) deleted.add(k);
    removed += keys.length;
  }
}

/**
 * Deletes an account and everything it owns (never the only administrator: 409 last_admin). In an order that can be repeated after a crash at any
 * step (the user row, which every later step needs to find the account, goes last):
 *  1. sessions and API keys revoked (both stop at the next request) and unfinished jobs cancelled (a
 *     record still queued or rendering takes no more documents);
 *  2. templates with their fields, versions and blobs (DynamoDB and the files bucket);
 *  3. every blob under the user's prefixes: uploads, generated PDFs, job results, exports;
 *  4. the audit trail anonymised (AuditLogsRepository.anonymiseUser), kept for
 *     ANONYMISED_AUDIT_RETENTION_DAYS, then deleted by the cleanup;
 *  5. the user row — which deletes (foreign-key cascade) the profile, file rows, generated PDF
 *     rows, jobs, API keys, signing certificates, refresh tokens and sign-in addresses — and the
 *     email's login throttle;
 *  6. one `account.deleted` audit row, itself anonymised (resource: the pseudonym; no address for
 *     a deletion by the account itself).
 * A render that was already running when the account went may still write its document's blob
 * after step 3; its row is gone, so the integrity check's repair removes it (generated_blob_without_row).
 */
export async function deleteAccount(services: Services, userId: string, actor: DeletionActor): Promise<AccountDeletionReport> {
  const begun = await beginAccountDeletion(services, userId);
  return finishAccountDeletion(services, userId, actor, begun);
}

/** What beginAccountDeletion counted and revoked, before anything was deleted. */
export type BegunDeletion = Omit<AccountDeletionReport, 'pseudonym' | 'templates' | 'fields' | 'blobs' | 'auditRowsAnonymised'>;

/**
 * Step 1, inside the request: refuses the only administrator (before anything is revoked, so a
 * refused deletion leaves the account exactly as it was), then makes the account unusable at once —
 * it can no longer sign in, its sessions and API keys are revoked, its unfinished jobs cancelled —
 * and counts what it has. The rest (finishAccountDeletion) may then run in the background.
 */
export async function beginAccountDeletion(services: Services, userId: string): Promise<BegunDeletion> {
  const { repos } = services;
  const user = await repos.users.findById(userId);
  if (user.role === 'admin') await assertNotLastAdmin(services, userId);
  await repos.users.markDeletionRequested(userId);
  return {
    files: (await repos.files.listByUser(userId, { limit: 1 })).total,
    generatedPdfs: (await repos.generatedPdfs.listByUser(userId, { limit: 1 })).total,
    jobs: (await repos.generationJobs.listByUser(userId, { limit: 1 })).total,
    apiKeys: (await repos.apiKeys.list(userId)).length,
    signingCertificates: await repos.signingCertificates.count(userId),
    sessions: await repos.refreshTokens.revokeAllForUser(userId),
    // Keys too, before anything is deleted: no request of the account may add data while it goes.
    apiKeysRevoked: await repos.apiKeys.revokeAllForUser(userId),
    jobsCancelled: await repos.generationJobs.cancelAllForUser(userId),
  };
}

/**
 * Steps 2–6 (see deleteAccount), repeatable: a second run after a crash revokes and cancels
 * nothing new and finds only what is left.
 */
export async function finishAccountDeletion(
  services: Services,
  userId: string,
  actor: DeletionActor,
  begun: BegunDeletion,
): Promise<AccountDeletionReport> {
  const { repos } = services;
  const user = await repos.users.findById(userId);
  // A repeated run: whatever a render started meanwhile is stopped too.
  await repos.refreshTokens.revokeAllForUser(userId);
  await repos.apiKeys.revokeAllForUser(userId);
  await repos.generationJobs.cancelAllForUser(userId);
  const pseudonym = randomUUID();
  const report: AccountDeletionReport = { pseudonym, ...begun, templates: 0, fields: 0, blobs: 0, auditRowsAnonymised: 0 };

  // Ids first, then the deletes: UserIdIndex is a GSI, read eventually consistently on DynamoDB, so
  // a template deleted a moment ago may still be listed (deleting it again is a NotFound, skipped).
  const templateIds: string[] = [];
  let cursor: string | undefined;
  do {
    // Deleted templates in their undo period (and past it, not yet swept) are the account's too.
    const page = await repos.templates.listByUser(userId, { limit: 100, cursor, deleted: 'include', includeExpired: true });
    templateIds.push(...page.items.map((t) => t.templateId));
    cursor = page.nextCursor;
  } while (cursor);
  for (const templateId of templateIds) {
    try {
      // Fields first, then the item (the repository's order); versions are snapshots under the prefix.
      report.fields += (await repos.templates.deleteOwned(userId, templateId)).deletedFields;
      report.templates++;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    report.blobs += await deletePrefix(services, 'files', templatePrefix(templateId));
  }

  // Every key of the account is under its prefixes (blob-keys.ts builds them all): listing them also
  // finds blobs no row names any more (a crash between blob and row).
  report.blobs += await deletePrefix(services, 'uploads', userPrefix(userId));
  report.blobs += await deletePrefix(services, 'generated', userPrefix(userId));
  report.blobs += await deletePrefix(services, 'generated', userExportsPrefix(userId));

  const now = new Date();
  report.auditRowsAnonymised = await repos.auditLogs.anonymiseUser(userId, pseudonym, now);
  await repos.users.delete(userId);
  await repos.loginThrottles.forget(user.email);

  const { pseudonym: _p, ...counts } = report;
  await repos.auditLogs.record({
    actorId: actor.via === 'admin' ? actor.adminId : null,
    action: 'account.deleted',
    resourceType: 'user',
    resourceId: pseudonym,
    requestId: actor.via === 'cli' ? null : actor.requestId,
    ip: actor.via === 'admin' ? actor.ip : null,
    details: { via: actor.via, counts, auditKeptDays: ANONYMISED_AUDIT_RETENTION_DAYS },
    anonymisedAt: now,
  });
  return report;
}
