import { useState } from 'react';
import { ApiError, errorMessage } from '../api/problem.js';
import type { Job } from '../api/types.js';
import { useServices } from '../components/context.js';
import { useAsync } from '../components/hooks.js';

/** What a cancel attempt ended with, in words. */
export function cancelOutcome(job: Job): string {
  const made =
    job.done === 0
      ? 'No document had been generated yet.'
      : `${job.done} of ${job.total} document(s) were generated before and stay available.`;
  return `Job ${job.id.slice(0, 8)} cancelled. ${made}`;
}

type Outcome = { kind: 'ok' | 'error'; text: string } | null;

/** What a job action ended with: announced politely when it worked, as an alert when it did not. */
function ActionMessage({ message }: { message: Outcome }) {
  if (!message) return null;
  return (
    <span role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'error' : 'ok'}>
      {message.text}{' '}
    </span>
  );
}

/**
 * Cancel with an inline confirmation (a second, explicit button) rather than window.confirm: it is
 * reachable by keyboard, announced to screen readers, and testable. A 409 means the job finished
 * in the meantime: say so and refresh.
 */
export function CancelJobButton({ job, onChanged }: { job: Job; onChanged: (job: Job | null) => void }) {
  const { api } = useServices();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Outcome>(null);
  const short = job.id.slice(0, 8);

  async function cancel() {
    setBusy(true);
    try {
      const { job: cancelled } = await api.cancelJob(job.id);
      setMessage({ kind: 'ok', text: cancelOutcome(cancelled) });
      onChanged(cancelled);
    } catch (err) {
      const finished = err instanceof ApiError && err.status === 409;
      setMessage({
        kind: 'error',
        text: finished ? `Job ${short} has already finished, so it can no longer be cancelled.` : errorMessage(err),
      });
      if (finished) onChanged(null);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  const cancellable = job.status === 'queued' || job.status === 'running';
  if (!message && !cancellable) return null;
  return (
    <span className="job-actions">
      <ActionMessage message={message} />
      {cancellable &&
        (confirming ? (
          <span role="group" aria-label={`Confirm cancelling job ${short}`}>
            <span>Cancel job {short}? Records not yet generated are skipped. </span>
            <button type="button" className="danger" disabled={busy} onClick={() => void cancel()}>
              {busy ? 'Cancelling…' : 'Yes, cancel job'}
            </button>{' '}
            <button type="button" disabled={busy} onClick={() => setConfirming(false)} autoFocus>
              Keep it running
            </button>
          </span>
        ) : (
          <button type="button" onClick={() => setConfirming(true)} aria-label={`Cancel job ${short}`}>
            Cancel
          </button>
        ))}
    </span>
  );
}

/**
 * The list of jobs carries no result link (it is signed per request): a completed row asks for its
 * job once to get one.
 */
export function JobResultLink({ job }: { job: Job }) {
  const { api } = useServices();
  const finished = job.status === 'completed' || job.status === 'completed_with_errors';
  const detail = useAsync(async () => (finished ? (await api.getJob(job.id)).job : null), [api, job.id, job.status]);
  const url = job.resultUrl ?? detail.data?.resultUrl;
  if (!url) return <>{job.output}</>;
  return (
    <a href={url} target="_blank" rel="noreferrer" aria-label={`Download the result of job ${job.id.slice(0, 8)} (${job.output})`}>
      Download ({job.output})
    </a>
  );
}

/**
 * Sends again the records of a finished job that failed for a passing reason (the server marks
 * them retryable: storage down, a lost worker); records refused for their data are not offered.
 */
export function RetryFailedButton({ job, onChanged }: { job: Job; onChanged: (job: Job) => void }) {
  const { api } = useServices();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Outcome>(null);
  const retryable = job.errors.filter((e) => e.retryable).length;
  const finished = job.status === 'completed_with_errors' || job.status === 'failed' || job.status === 'completed';
  if (!message && !(finished && retryable > 0)) return null;

  async function retry() {
    setBusy(true);
    try {
      const { job: running, retried } = await api.retryJob(job.id);
      setMessage({ kind: 'ok', text: `${retried} record(s) sent again.` });
      onChanged(running);
    } catch (err) {
      setMessage({ kind: 'error', text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="job-actions">
      <ActionMessage message={message} />
      {finished && retryable > 0 && (
        <button type="button" disabled={busy} onClick={() => void retry()}>
          {busy ? 'Retrying…' : `Retry ${retryable} failed record(s)`}
        </button>
      )}
    </span>
  );
}
