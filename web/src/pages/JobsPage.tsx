import { useEffect, useState } from 'react';
import { useServices } from '../components/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { formatBytes, formatDate, useAsync } from '../components/hooks.js';
import { routeHref } from '../state/route.js';
import { CancelJobButton, JobResultLink } from './JobActions.js';
import { isActive, JobDetail, JobProgress, POLL_MS } from './JobDetail.js';

/** Batch jobs with live progress (polled while any is unfinished) and generated PDFs to download; `jobId` opens one job on top. */
export function JobsPage({ jobId }: { jobId?: string }) {
  const { api } = useServices();
  const [page, setPage] = useState(1);
  const jobs = useAsync(() => api.listJobs({ page: 1, limit: 20 }), [api]);
  const generated = useAsync(() => api.listGenerated({ page, limit: 20 }), [api, page]);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const active = jobs.data?.items.some(isActive) ?? false;
  const { reload } = jobs;

  useEffect(() => {
    if (!active) return;
    const t = setInterval(reload, POLL_MS);
    return () => clearInterval(t);
  }, [active, reload]);

  async function download(id: string) {
    setDownloadError(null);
    try {
      const { url } = await api.generatedDownload(id);
      window.open(url, '_blank', 'noopener');
    } catch (err) {
      setDownloadError(err);
    }
  }

  const totalPages = generated.data ? Math.max(1, Math.ceil(generated.data.total / generated.data.limit)) : 1;

  return (
    <div className="jobs">
      <h1>Jobs</h1>
      {jobId && <JobDetail key={jobId} jobId={jobId} />}
      <ErrorMessage error={jobs.error} />
      <table className="table">
        <caption className="visually-hidden">Batch jobs</caption>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Output</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.data?.items.map((j) => (
            <tr key={j.id}>
              <td>
                <a href={routeHref({ name: 'jobs', jobId: j.id })} aria-label={`Job ${j.id.slice(0, 8)} details`}>
                  <code>{j.id.slice(0, 8)}</code>
                </a>
              </td>
              <td>
                <span className={`badge ${j.status}`}>{j.status}</span>
              </td>
              <td>
                <JobProgress job={j} />
              </td>
              <td>
                <JobResultLink job={j} />
              </td>
              <td>{formatDate(j.createdAt)}</td>
              <td>
                <CancelJobButton job={j} onChanged={reload} />
              </td>
            </tr>
          ))}
          {jobs.data?.items.length === 0 && (
            <tr>
              <td colSpan={6}>No batch jobs yet. Start one from a template’s Batch tab, or with POST /api/templates/:id/jobs.</td>
            </tr>
          )}
        </tbody>
      </table>

      <h2>Generated PDFs</h2>
      <ErrorMessage error={generated.error ?? downloadError} />
      <table className="table">
        <caption className="visually-hidden">Generated PDFs</caption>
        <thead>
          <tr>
            <th scope="col">Document</th>
            <th scope="col">Status</th>
            <th scope="col">Pages</th>
            <th scope="col">Size</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {generated.data?.items.map((g) => (
            <tr key={g.id}>
              <td>
                <code>{g.id.slice(0, 8)}</code> {g.testMode && <span className="badge">test</span>}
              </td>
              <td>{g.status}</td>
              <td>{g.pageCount ?? '—'}</td>
              <td>{formatBytes(g.fileSize)}</td>
              <td>{formatDate(g.expiresAt)}</td>
              <td>
                <button type="button" onClick={() => void download(g.id)} aria-label={`Download ${g.id}`}>
                  Download
                </button>
              </td>
            </tr>
          ))}
          {generated.data?.items.length === 0 && (
            <tr>
              <td colSpan={6}>Nothing generated yet.</td>
            </tr>
          )}
        </tbody>
      </table>
      <nav className="pager" aria-label="Pages of generated PDFs">
        <button type="button" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
          Previous
        </button>
        <span>
          Page {page} of {totalPages}
        </span>
        <button type="button" disabled={page >= totalPages} onClick={() => setPage((p) => p + 1)}>
          Next
        </button>
      </nav>
    </div>
  );
}
