import type { Services } from '@/services/context.js';
import type { AccountTask } from '@/shared/database/prisma/account-tasks-repository.js';
import { NotFoundError } from '@/shared/errors.js';
import {
  beginAccountDeletion,
  finishAccountDeletion,
  type AccountDeletionReport,
  type BegunDeletion,
  type DeletionActor,
} from './deletion.js';
import { EXPORT_LINK_SECONDS, exportAccount, type AccountExport } from './export.js';

/**
 * Account export and deletion as background work on the cleanup queue. Measured inside a request,
 * about 10,000 documents exported within API Gateway's 29 s but only about 2,000 deleted: so the
 * request only starts the work (202 with a task to poll) and the cleanup worker does it. Handlers
 * are idempotent (delivery is at least once): a completed task is skipped, a deletion run again
 * finds only what is left, an export run again writes a new ZIP.
 */

/** Finished tasks are kept this long for their status to be read, then removed by the cleanup. */
export const ACCOUNT_TASK_KEEP_DAYS = 7;

export async function requestExport(services: Services, userId: string): Promise<AccountTask> {
  const task = await services.repos.accountTasks.create({ kind: 'export', userId });
  await enqueueOrFail(services, task, { action: 'export_account', taskId: task.id });
  return task;
}

/**
 * Step 1 of the deletion in the request (the account is unusable from now on: no sign-in, sessions
 * and keys revoked, jobs cancelled), the rest queued. Refused for the only administrator.
 */
export async function requestDeletion(services: Services, userId: string, actor: DeletionActor): Promise<AccountTask> {
  const begun = await beginAccountDeletion(services, userId);
  const task = await services.repos.accountTasks.create({
    kind: 'deletion',
    userId,
    requestedBy: actor.via === 'admin' ? actor.adminId : null,
    result: { begun, actor } as unknown as Record<string, unknown>,
  });
  await enqueueOrFail(services, task, { action: 'delete_account', taskId: task.id });
  return task;
}

async function enqueueOrFail(
  services: Services,
  task: AccountTask,
  body: { action: 'export_account' | 'delete_account'; taskId: string },
): Promise<void> {
  try {
    await services.queue.send('cleanup', body);
  } catch (err) {
    await services.repos.accountTasks.fail(task.id, 'the queue refused the task');
    throw err;
  }
}

/** The cleanup queue's `export_account`. */
export async function runExportTask(services: Services, taskId: string): Promise<AccountExport | undefined> {
  const { accountTasks } = services.repos;
  const task = await accountTasks.find(taskId);
  if (!task || task.status === 'completed' || !task.userId) return undefined;
  await accountTasks.markRunning(taskId);
  try {
    const done = await exportAccount(services, task.userId);
    await accountTasks.complete(taskId, { key: done.key, size: done.size, counts: done.counts });
    await services.repos.auditLogs.record({
      actorId: task.userId,
      action: 'account.export',
      resourceType: 'user',
      resourceId: task.userId,
      details: { taskId, size: done.size, counts: done.counts },
    });
    return done;
  } catch (err) {
    // The user is gone (deleted meanwhile): nothing to export, and nothing to retry.
    if (err instanceof NotFoundError) {
      await accountTasks.fail(taskId, 'the account no longer exists');
      return undefined;
    }
    await accountTasks.fail(taskId, 'the export failed; it is retried').catch(() => undefined);
    throw err;
  }
}

/** The cleanup queue's `delete_account`. */
export async function runDeletionTask(services: Services, taskId: string) {
  const { accountTasks } = services.repos;
  const task = await accountTasks.find(taskId);
  if (!task || task.status === 'completed' || !task.userId) return undefined;
  const { begun, actor } = (task.result ?? {}) as { begun: BegunDeletion; actor: DeletionActor };
  await accountTasks.markRunning(taskId);
  try {
    const report = await finishAccountDeletion(services, task.userId, actor, begun);
    const { pseudonym: _p, apiKeysRevoked: _r, ...counts } = report;
    await accountTasks.complete(taskId, { counts }, { clearUser: true });
    return report;
  } catch (err) {
    if (err instanceof NotFoundError && !(await services.repos.users.findById(task.userId).catch(() => null))) {
      // The user row went in an earlier run that crashed before recording the task: it is done.
      await accountTasks.complete(taskId, { counts: begun }, { clearUser: true });
      return undefined;
    }
    await accountTasks.fail(taskId, 'the deletion failed part-way; it is retried').catch(() => undefined);
    throw err;
  }
}

/** The export task's status, with a fresh signed link to the ZIP once it is ready. */
export async function exportStatus(services: Services, userId: string, taskId: string) {
  const task = await services.repos.accountTasks.getOwned(userId, taskId, 'export');
  const base = {
    id: task.id,
    status: task.status,
    createdAt: task.createdAt,
    completedAt: task.completedAt,
    ...(task.error && task.status === 'failed' ? { error: task.error } : {}),
  };
  if (task.status !== 'completed' || !task.result) return base;
  const { key, size, counts } = task.result as { key: string; size: number; counts: AccountExport['counts'] };
  if (!(await services.blobs.exists('generated', key))) return { ...base, status: 'expired' as const };
  const signed = await services.blobs.signedDownloadUrl('generated', key, {
    expiresInSeconds: EXPORT_LINK_SECONDS,
    filename: `pdf-studio-export-${task.createdAt.toISOString().slice(0, 10)}.zip`,
  });
  return { ...base, url: signed.url, expiresAt: signed.expiresAt, size, counts };
}

/** A deletion's status by its id alone (the account's tokens are gone): counts only, nothing of the person. */
export async function deletionStatus(services: Services, taskId: string) {
  const task = await services.repos.accountTasks.find(taskId);
  if (!task || task.kind !== 'deletion') throw new NotFoundError('Account deletion', taskId);
  const counts =
    task.status === 'completed'
      ? (task.result as { counts?: Omit<AccountDeletionReport, 'pseudonym' | 'apiKeysRevoked'> } | null)?.counts
      : undefined;
  return {
    id: task.id,
    status: task.status,
    createdAt: task.createdAt,
    completedAt: task.completedAt,
    ...(counts ? { deleted: counts } : {}),
  };
}
