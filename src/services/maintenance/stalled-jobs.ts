import type { Services } from '@/services/context.js';

/**
 * How long a job may go without any record reaching an outcome before its missing records are
 * written off. Well above the longest a single record can legitimately take on our queues (three
 * deliveries of at most the 5-minute visibility timeout, plus backoff: about 16 minutes).
 */
const DEFAULT_STALLED_AFTER_MINUTES = 60;

export interface SettledJob {
  jobId: string;
  /** Records that had no outcome and were recorded as failed now. */
  recordsFailed: number;
  /**
   * finalized: finished here; still_queued: left alone, the queue may still deliver some of it;
   * finalize_failed: the finalize threw (building the result: the job is now failed with the reason;
   * or notifying after it completed).
   */
  outcome: 'finalized' | 'still_queued' | 'finalize_failed';
}

/**
 * Finishes jobs that can no longer finish by themselves. A record's message can leave the queue
 * without its outcome being recorded: dead-lettered after its last delivery died with the process
 * (a kill, a Lambda timeout, an out-of-memory), so no handler ever reached the "final attempt"
 * branch. The job then waits forever for a record nobody will send; likewise when its finalize
 * message was dead-lettered. Here, for every unfinished job untouched for `stalledAfterMinutes`
 * whose messages the queue can no longer deliver (QueueDriver.mayDeliver: a job merely waiting
 * behind others in a busy queue is left alone), each record without an outcome is recorded as
 * failed (with the reason, in job.errors) and the job is finalized here: result, email, webhook. A
 * job whose finalize fails again is marked failed with the reason, so no job stays running.
 *
 * Safe to run at any time and more than once: a record is counted only by the write that fails
 * its row, and a job's failed row is never reopened, so a record that turns up later counts nothing.
 */
export async function settleStalledJobs(
  services: Services,
  opts: { stalledAfterMinutes?: number; now?: Date; limit?: number } = {},
): Promise<SettledJob[]> {
  const minutes = opts.stalledAfterMinutes ?? DEFAULT_STALLED_AFTER_MINUTES;
  const before = new Date((opts.now ?? new Date()).getTime() - minutes * 60_000);
  const { repos } = services;
  const settled: SettledJob[] = [];
  for (const job of await repos.generationJobs.listStalled(before, opts.limit ?? 100)) {
    if (await services.queue.mayDeliver('pdf-generation', { jobId: job.id })) {
      settled.push({ jobId: job.id, recordsFailed: 0, outcome: 'still_queued' });
      continue;
    }
    const reason = job.enqueuedAt
      ? `no outcome after ${minutes} minutes without progress: the record's message was dead-lettered or lost (see the pdf-generation DLQ)`
      : "the server stopped before all of this job's records were queued: start the job again with a new Idempotency-Key";
    const recordsFailed = await repos.generatedPdfs.failUnsettledJobRecords(job, reason);
    try {
      // Imported only when a job is to be finalized (rare): the jobs module brings the PDF engine,
      // whose font data would otherwise be unpacked at every cold start of the hourly cleanup Lambda.
      const { finalizeJob } = await import('@/services/generation/jobs.js');
      await finalizeJob(services, job.id);
      settled.push({ jobId: job.id, recordsFailed, outcome: 'finalized' });
    } catch (err) {
      const message = `the job could not be finalized: ${err instanceof Error ? err.message : String(err)}`;
      await repos.generationJobs.fail(job.id, message).catch(() => undefined);
      settled.push({ jobId: job.id, recordsFailed, outcome: 'finalize_failed' });
    }
  }
  return settled;
}
