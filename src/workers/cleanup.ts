import type { Services } from '@/services/context.js';
import type { CleanupMessage } from '@/shared/queue/messages.js';
import type { MessageHandler } from '@/shared/queue/types.js';
import { cleanupExpired, cleanupOrphanedUploads } from '@/services/maintenance/cleanup.js';
import { runIntegrityCheck } from '@/services/maintenance/integrity.js';
import { settleStalledJobs } from '@/services/maintenance/stalled-jobs.js';
import { runDeletionTask, runExportTask } from '@/services/accounts/tasks.js';
import { auditWorker } from './audit.js';

/** cleanup consumer: the actions of the cleanup queue. */
export function cleanupHandler(services: Services): MessageHandler<CleanupMessage> {
  return async ({ body, id }) => {
    let result: unknown;
    if (body.action === 'cleanup_expired_pdfs') result = await cleanupExpired(services, body.olderThanDays);
    else if (body.action === 'cleanup_orphaned_files')
      result = await cleanupOrphanedUploads(services, { olderThanHours: body.olderThanHours, dryRun: body.dryRun });
    else if (body.action === 'settle_stalled_jobs')
      result = await settleStalledJobs(services, { stalledAfterMinutes: body.stalledAfterMinutes });
    else if (body.action === 'export_account') {
      // Audited by the task itself (account.export, or account.deleted), not as system work.
      await runExportTask(services, body.taskId);
      return;
    } else if (body.action === 'delete_account') {
      await runDeletionTask(services, body.taskId);
      return;
    } else result = await runIntegrityCheck(services, { repair: body.repair ?? false });
    await auditWorker(services, {
      action: `worker.${body.action}`,
      resourceType: 'system',
      resourceId: body.action,
      details: { messageId: id, result: summary(result) },
    });
  };
}

/** The counts of a cleanup result (numbers only: an integrity report's lists would bloat the row). */
function summary(result: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (result && typeof result === 'object')
    for (const [k, v] of Object.entries(result)) {
      if (typeof v === 'number') out[k] = v;
      else if (Array.isArray(v)) out[k] = v.length;
    }
  return out;
}
