import { cleanupExpiredPdfs, cleanupOrphanedUploads } from '@/workers/cleanup.js';
import { lambdaServices } from './shared/runtime.js';

/** EventBridge schedule → the same cleanup the embedded cron enqueues (the seed's olderThanDays from the rule's input). */
export async function handler(event: { olderThanDays?: number; orphanedUploadsOlderThanHours?: number } = {}): Promise<{ expiredPdfs: number; uploadsRemoved: number; orphanBlobsRemoved: number }> {
  const { services } = await lambdaServices();
  const expiredPdfs = await cleanupExpiredPdfs(services, event.olderThanDays);
  const orphans = await cleanupOrphanedUploads(services, { olderThanHours: event.orphanedUploadsOlderThanHours });
  return { expiredPdfs, ...orphans };
}
