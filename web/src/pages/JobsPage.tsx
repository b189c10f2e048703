import { useState } from 'react';
import type { GeneratedPdf, Job } from '../api/types.js';
import { useServices } from '../components/context.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { formatBytes, formatDate, useAsync, usePolling } from '../components/hooks.js';
import { IdText } from '../components/IdText.js';
import { routeHref } from '../state/route.js';
import { CancelJobButton, JobResultLink } from './JobActions.js';
import { isActive, JobDetail, JobProgress, POLL_MS } from './JobDetail.js';
import { useTemplateNames } from './useTemplateNames.js';

/** Batch jobs with live progress (polled while any is unfinished) and generated PDFs to download; `jobId` opens one job on top. */
export function JobsPage({ jobId }: { jobId?: string }) {
  const { api } = useServices();
  const [page, setPage] = useState(1);
  const jobs = useAsync(() => api.listJobs({ page: 1, limit: 20 }), [api]);
  const generated = useAsync(() => api.listGenerated({ page, limit: 20 }), [api, page]);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const names = useTemplateNames(api);
  const { reload } = jobs;
  usePolling(jobs.data?.items.some(isActive) ?? false, jobs, POLL_MS);

  async function download(id: string) {
    setDownloadError(null);
    try {
      const { url } = await api.generatedDownload(id);
      window.open(url, '_blank', 'noopener');
    } catch (err) {
      setDownloadError(err);
    }
  }

  // Unknown while the page is loading (useAsync shows no data of the previous page): say nothing
  // rather than "Page 2 of 1", and offer no Next until this page's answer says there is one.
  const totalPages = generated.data ? Math.max(1, Math.ceil(generated.data.total / generated.data.limit)) : undefined;

  const templateCell = (templateId: string, version?: number | null) => (
    <>
      {names.get(templateId) ?? <code title="Not among your newest templates, or deleted">{templateId}</code>}
      {version ? <span className="muted"> · v{version}</span> : null}
    </>
  );

  const jobColumns: Column<Job>[] = [
    {
      header: 'Job',
      cell: (j) => (
        <>
          <a href={routeHref({ name: 'jobs', jobId: j.id })} aria-label={`Job ${j.id.slice(0, 8)} details`}>
            Details
          </a>{' '}
          <IdText id={j.id} what="job id" />
        </>
      ),
    },
    { header: 'Template', cell: (j) => templateCell(j.templateId, j.templateVersion) },
    { header: 'Records', cell: (j) => j.total },
    { header: 'Status', cell: (j) => <span className={`badge ${j.status}`}>{j.status}</span> },
    { header: 'Progress', cell: (j) => <JobProgress job={j} /> },
    { header: 'Output', cell: (j) => <JobResultLink job={j} /> },
    { header: 'Created', cell: (j) => formatDate(j.createdAt) },
    { header: 'Actions', hideHeader: true, cell: (j) => <CancelJobButton job={j} onChanged={reload} /> },
  ];

  const generatedColumns: Column<GeneratedPdf>[] = [
    {
      header: 'Document',
      cell: (g) => (
        <>
          <IdText id={g.id} what="document id" /> {g.testMode && <span className="badge">test</span>}
        </>
      ),
    },
    { header: 'Template', cell: (g) => templateCell(g.templateId, g.templateVersion) },
    {
      header: 'From',
      cell: (g) =>
        g.jobId ? (
          <a href={routeHref({ name: 'jobs', jobId: g.jobId })} title={g.jobId}>
            job {g.jobId.slice(0, 8)}
          </a>
        ) : (
          'one call'
        ),
    },
    { header: 'Created', cell: (g) => formatDate(g.createdAt) },
    { header: 'Status', cell: (g) => g.status },
    { header: 'Pages', cell: (g) => g.pageCount ?? '—' },
    { header: 'Size', cell: (g) => formatBytes(g.fileSize) },
    { header: 'Expires', cell: (g) => formatDate(g.expiresAt) },
    {
      header: 'Actions',
      hideHeader: true,
      cell: (g) => (
        <button type="button" onClick={() => void download(g.id)} aria-label={`Download ${g.id}`}>
          Download
        </button>
      ),
    },
  ];

  return (
    <div className="jobs">
      <h1>Jobs</h1>
      {jobId && <JobDetail key={jobId} jobId={jobId} onChanged={reload} />}
      <ErrorMessage error={jobs.error} />
      <DataTable
        caption="Batch jobs"
        columns={jobColumns}
        rows={jobs.data?.items}
        rowKey={(j) => j.id}
        empty="No batch jobs yet. Start one from a template’s Batch tab, or with POST /api/templates/:id/jobs."
      />

      <h2>Generated PDFs</h2>
      <ErrorMessage error={generated.error ?? downloadError} />
      <DataTable
        caption="Generated PDFs"
        columns={generatedColumns}
        rows={generated.data?.items}
        rowKey={(g) => g.id}
        empty="Nothing generated yet."
        paging={{
          label: 'Pages of generated PDFs',
          page,
          totalPages,
          hasNext: totalPages !== undefined && page < totalPages,
          onPrevious: () => setPage((p) => p - 1),
          onNext: () => setPage((p) => p + 1),
        }}
      />
    </div>
  );
}
