import { settleStalledJobs } from '@/services/maintenance/stalled-jobs.js';
import { cleanupExpiredPdfs, cleanupOrphanedUploads } from '@/services/maintenance/cleanup.js';
import { lambdaServices } from './shared/runtime.js';

export interface ScheduledCleanupEvent {
  olderThanDays?: number;
  orphanedUploadsOlderThanHours?: number;
  stalledJobsAfterMinutes?: number;
}

/**
 * EventBridge schedule (hourly) → the same cleanup the embedded cron enqueues (with
 * olderThanDays from the rule's input), and the settling of stalled jobs: on SQS a record whose
 * Lambda timed out on every delivery is dead-lettered with no outcome, and only this finishes its job.
 */
export async function handler(
  event: ScheduledCleanupEvent = {},
): Promise<{ expiredPdfs: number; uploadsRemoved: number; orphanBlobsRemoved: number; stalledJobsSettled: number }> {
  const { services } = await lambdaServices();
  const expiredPdfs = await cleanupExpiredPdfs(services, event.olderThanDays);
  const orphans = await cleanupOrphanedUploads(services, { olderThanHours: event.orphanedUploadsOlderThanHours });
  const settled = await settleStalledJobs(services, { stalledAfterMinutes: event.stalledJobsAfterMinutes });
  return { expiredPdfs, ...orphans, stalledJobsSettled: settled.filter((j) => j.outcome !== 'still_queued').length };
}
