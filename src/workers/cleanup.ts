import type { Services } from '@/services/context.js';
import type { CleanupMessage } from '@/shared/queue/messages.js';
import type { MessageHandler } from '@/shared/queue/types.js';
import { cleanupExpiredPdfs, cleanupOrphanedUploads } from '@/services/maintenance/cleanup.js';
import { runIntegrityCheck } from '@/services/maintenance/integrity.js';
import { settleStalledJobs } from '@/services/maintenance/stalled-jobs.js';

/** cleanup consumer: the four actions of the cleanup queue. */
export function cleanupHandler(services: Services): MessageHandler<CleanupMessage> {
  return async ({ body }) => {
    if (body.action === 'cleanup_expired_pdfs') await cleanupExpiredPdfs(services, body.olderThanDays);
    else if (body.action === 'cleanup_orphaned_files')
      await cleanupOrphanedUploads(services, { olderThanHours: body.olderThanHours, dryRun: body.dryRun });
    else if (body.action === 'settle_stalled_jobs') await settleStalledJobs(services, { stalledAfterMinutes: body.stalledAfterMinutes });
    else await runIntegrityCheck(services, { repair: body.repair ?? false });
  };
}
