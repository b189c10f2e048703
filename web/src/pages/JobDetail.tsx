import type { Job } from '../api/types.js';
import { useServices } from '../components/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { formatDate, useAsync, usePolling } from '../components/hooks.js';
import { routeHref } from '../state/route.js';
import { CancelJobButton, RetryFailedButton } from './JobActions.js';

export const POLL_MS = 2000;

export function isActive(j: Pick<Job, 'status'>): boolean {
  return j.status === 'queued' || j.status === 'running';
}

/** done/failed/total as a bar and in words. */
export function JobProgress({ job }: { job: Job }) {
  const processed = job.done + job.failed;
  return (
    <span className="job-progress">
      <progress max={Math.max(1, job.total)} value={processed} aria-label={`Job ${job.id.slice(0, 8)} progress`} />{' '}
      <span>
        {job.done} done{job.failed > 0 && <span className="warn">, {job.failed} failed</span>} of {job.total}
      </span>
    </span>
  );
}

/**
 * One job, polled until it finishes: the page a new batch opens on. Only GET /api/jobs/:id carries
 * the signed result link, so the download is offered here.
 */
export function JobDetail({ jobId, onChanged }: { jobId: string; onChanged?: () => void }) {
  const { api } = useServices();
  const res = useAsync(() => api.getJob(jobId), [api, jobId]);
  const job = res.data?.job;
  const active = job ? isActive(job) : false;
  const { reload } = res;
  usePolling(active, res, POLL_MS);

  return (
    <section className="card job-detail" aria-labelledby="job-detail-title" data-testid="job-detail">
      <h2 id="job-detail-title">
        Job <code>{jobId.slice(0, 8)}</code> {job && <span className={`badge ${job.status}`}>{job.status}</span>}
      </h2>
      {/* While polling, keep the last answer on screen instead of flashing "loading". */}
      <ErrorMessage error={res.error} />
      {job && (
        <>
          <p role="status" aria-live="polite">
            <JobProgress job={job} />
          </p>
          <CancelJobButton
            job={job}
            onChanged={() => {
              reload();
              onChanged?.();
            }}
          />
          <RetryFailedButton
            job={job}
            onChanged={() => {
              reload();
              onChanged?.();
            }}
          />
          <p className="muted small">
            Output: {job.output}
            {job.testMode ? ' (test mode)' : ''} · started {formatDate(job.createdAt)} · updated {formatDate(job.updatedAt)}
          </p>
          {job.resultUrl && (
            <p>
              <a className="button primary" href={job.resultUrl} target="_blank" rel="noreferrer">
                Download the result ({job.output})
              </a>
            </p>
          )}
          {job.webhook && (
            <p className={job.webhook.status === 'failed' ? 'warn' : 'muted small'} data-testid="job-webhook">
              Webhook: {job.webhook.status}
              {job.webhook.attempts > 0 ? ` after ${job.webhook.attempts} attempt(s)` : ''}
              {job.webhook.lastError && job.webhook.status !== 'delivered' ? ` (${job.webhook.lastError})` : ''}
            </p>
          )}
          {job.errors.length > 0 && (
            <details open={job.errors.length <= 5}>
              <summary>{job.errors.length} record(s) failed</summary>
              <ul className="issues">
                {job.errors.map((e, i) => (
                  <li key={i}>
                    {e.index !== undefined ? `Record ${e.index + 1}: ` : ''}
                    {e.message}
                    {e.retryable ? ' (can be retried)' : ''}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
      <p>
        <a href={routeHref({ name: 'jobs' })}>All jobs</a>
      </p>
    </section>
  );
}
