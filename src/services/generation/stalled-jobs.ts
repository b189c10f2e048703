import { maybeFinish, recordFailure } from './jobs.js';
import type { GenerationServices } from './types.js';

/**
 * How long a job may go without any record reaching an outcome before its missing records are
 * written off. Well above the longest a single record can legitimately take on our queues (three
 * deliveries of at most the 5-minute visibility timeout, plus backoff: about 16 minutes).
 */
export const DEFAULT_STALLED_AFTER_MINUTES = 60;

export interface SettledJob {
  jobId: string;
  /** Records that had no outcome and were recorded as failed now. */
  recordsFailed: number;
}

/**
 * Finishes jobs that can no longer finish by themselves. A record's message can leave the queue
 * without its outcome being recorded: dead-lettered after its last delivery died with the process
 * (a kill, a Lambda timeout, an out-of-memory), so no handler ever reached the "final attempt"
 * branch. The job then waits forever for a record nobody will send. Here, for every unfinished job
 * untouched for `stalledAfterMinutes`, each record without an outcome is recorded as failed (with
 * the reason, in job.errors) and the job is finalized as usual: result, email, webhook.
 *
 * Safe to run at any time and more than once: recordFailure counts a record only if it moves the
 * row, and the finalize message is deduplicated by job id. A record that does complete later finds
 * its row failed and is not counted twice (generateAndStore).
 */
export async function settleStalledJobs(
  services: GenerationServices,
  opts: { stalledAfterMinutes?: number; now?: Date; limit?: number } = {},
): Promise<SettledJob[]> {
  const minutes = opts.stalledAfterMinutes ?? DEFAULT_STALLED_AFTER_MINUTES;
  const before = new Date((opts.now ?? new Date()).getTime() - minutes * 60_000);
  const { repos } = services;
  const settled: SettledJob[] = [];
  for (const job of await repos.generationJobs.listStalled(before, opts.limit ?? 100)) {
    const have = await repos.generatedPdfs.settledRecordKeys(job.id);
    const reason = `no outcome after ${minutes} minutes without progress: the record's message was dead-lettered or lost (see the pdf-generation DLQ)`;
    let recordsFailed = 0;
    for (let index = 0; index < job.total; index++) {
      const recordKey = `${job.id}:${index}`;
      if (have.has(recordKey)) continue;
      if (await recordFailure(services, job, recordKey, index, reason)) recordsFailed += 1;
    }
    await maybeFinish(services, job.id, true);
    settled.push({ jobId: job.id, recordsFailed });
  }
  return settled;
}
