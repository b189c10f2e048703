import type { Services } from '@/services/context.js';
import type { StopConsumer } from '@/shared/queue/types.js';
import { cleanupHandler } from './cleanup.js';
import { emailNotificationsHandler } from './email-notifications.js';
import { fileProcessingHandler } from './file-processing.js';
import { pdfGenerationHandler } from './pdf-generation.js';

export interface WorkerOptions {
  /** pdf-generation messages (job chunks) handled at once by this process. Default: JOB_CONCURRENCY (2). */
  pdfConcurrency?: number;
  /** Embedded mode: cron schedules for cleanup (AWS uses EventBridge → scheduled-cleanup instead). Default true for the local queue. */
  schedule?: boolean;
}

/**
 * Daily at 03:17 UTC: expired PDFs; 03:47: never-confirmed uploads and stray upload blobs. Every
 * 10 minutes: jobs stalled for an hour are settled (their lost records failed, the job finalized).
 */
export const CLEANUP_SCHEDULES = [
  { key: 'expired-pdfs', cron: '17 3 * * *', body: { action: 'cleanup_expired_pdfs', olderThanDays: 3650 } }, // expiresAt decides; olderThanDays is only a backstop
  { key: 'orphans', cron: '47 3 * * *', body: { action: 'cleanup_orphaned_files', olderThanHours: 24 } },
  { key: 'stalled-jobs', cron: '*/10 * * * *', body: { action: 'settle_stalled_jobs' } },
] as const;

/**
 * One consumer per queue on the configured driver (embedded: pg-boss inside `npm start`). Returns
 * stop(), which stops consuming and waits for in-flight messages.
 */
export async function startWorkers(services: Services, opts: WorkerOptions = {}): Promise<{ stop: () => Promise<void> }> {
  const { queue } = services;
  const stops: StopConsumer[] = [];
  stops.push(
    await queue.consume('pdf-generation', pdfGenerationHandler(services), {
      concurrency: opts.pdfConcurrency ?? services.config.jobs.concurrency,
    }),
  );
  stops.push(await queue.consume('file-processing', fileProcessingHandler(services), { concurrency: 2 }));
  stops.push(await queue.consume('cleanup', cleanupHandler(services), { concurrency: 1 }));
  stops.push(await queue.consume('email-notifications', emailNotificationsHandler(services), { concurrency: 2 }));
  if ((opts.schedule ?? queue.driver === 'local') && queue.driver === 'local') {
    // olderThanDays is a backstop for rows without expiresAt; expiresAt (retention) decides first.
    for (const s of CLEANUP_SCHEDULES) await queue.schedule('cleanup', s.cron, { ...s.body }, { key: s.key });
  }
  return {
    async stop() {
      await Promise.all(stops.map((s) => s()));
    },
  };
}
