import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { eventually } from './eventually.js';

/** The job as GET /api/jobs/:id shows it once it has finished (completed, with errors, or failed). */
export function finishedJob(app: FastifyInstance, headers: Record<string, string>, id: string, timeoutMs = 150_000) {
  return eventually(
    async () => {
      const job = (await app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers })).json().job;
      expect(['completed', 'completed_with_errors', 'failed'], `job still ${job.status}: ${job.done}+${job.failed}/${job.total}`).toContain(
        job.status,
      );
      return job;
    },
    { timeoutMs, intervalMs: 250, what: `job ${id} to finish` },
  );
}
