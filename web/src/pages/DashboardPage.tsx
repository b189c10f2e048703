import { useState } from 'react';
import type { Api } from '../api/endpoints.js';
import { ApiError } from '../api/problem.js';
import type { Template, UploadedFile } from '../api/types.js';
import { IdText } from '../components/IdText.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { useServices } from '../components/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { formatBytes, formatDate, navigate, useAsync } from '../components/hooks.js';
import { UploadZone } from '../components/UploadZone.js';
import { routeHref } from '../state/route.js';

const PAGE_SIZE = 20;

/**
 * A file becomes a template only once the server has processed it (status 'ready'); processing may
 * be asynchronous, so poll with backoff, and explain a rejected PDF in words.
 */
export async function waitUntilProcessed(api: Pick<Api, 'getFile'>, file: UploadedFile, timeoutMs = 120_000): Promise<UploadedFile> {
  let f = file;
  let delay = 250;
  const deadline = Date.now() + timeoutMs;
  while (f.status === 'uploaded' || f.status === 'processing') {
    if (Date.now() > deadline) throw new Error('The PDF is still being processed. Try again in a moment.');
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 3000);
    f = (await api.getFile(f.id)).file;
  }
  if (f.status === 'failed') {
    const e = f.metadata.error;
    const problem = typeof e === 'object' && e ? { code: e.code, detail: e.message } : { code: 'pdf_corrupt', detail: e };
    throw new ApiError({ status: 422, ...problem });
  }
  return f;
}

/** The template list carries no field count: each row asks for its fields (one page, 20 rows at most). */
function FieldCount({ templateId }: { templateId: string }) {
  const { api } = useServices();
  const count = useAsync(async () => (await api.listFields(templateId)).items.length, [api, templateId]);
  return <>{count.data ?? '—'}</>;
}

const TEMPLATE_COLUMNS: Column<Template>[] = [
  { header: 'Name', cell: (t) => <a href={routeHref({ name: 'editor', templateId: t.templateId })}>{t.name}</a> },
  {
    header: 'Status',
    cell: (t) => (
      <>
        <span className={`badge ${t.status}`}>{t.status}</span>
        {t.publishedVersion ? ` v${t.publishedVersion}` : ''}
      </>
    ),
  },
  { header: 'Pages', cell: (t) => t.pageCount },
  { header: 'Fields', cell: (t) => <FieldCount templateId={t.templateId} /> },
  { header: 'Created', cell: (t) => formatDate(t.createdAt) },
  { header: 'Updated', cell: (t) => formatDate(t.updatedAt) },
  { header: 'Id', cell: (t) => <IdText id={t.templateId} what="template id" /> },
];

export function DashboardPage() {
  const { api } = useServices();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  // DynamoDB lists page by cursor: keep the cursors of the pages seen so "Previous" works.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];
  const list = useAsync(() => api.listTemplates({ limit: PAGE_SIZE, cursor, search: query }), [api, cursor, query]);
  // Each statistic on its own: one failing call must not blank the other.
  const stats = useAsync(async () => {
    const [t, f] = await Promise.allSettled([api.templateStats(), api.fileStats()]);
    return { templates: t.status === 'fulfilled' ? t.value : null, files: f.status === 'fulfilled' ? f.value : null };
  }, [api]);

  async function created(uploaded: UploadedFile) {
    const file = await waitUntilProcessed(api, uploaded);
    const name = file.originalFilename.replace(/\.pdf$/i, '') || 'Untitled';
    const { template } = await api.createTemplate({ fileId: file.id, name });
    navigate(routeHref({ name: 'editor', templateId: template.templateId }));
  }

  return (
    <div className="dashboard">
      <h1>Templates</h1>
      <section className="stats" aria-label="Statistics">
        <div className="stat">
          <span className="stat-value">{stats.data?.templates?.total ?? '—'}</span> templates
        </div>
        <div className="stat">
          <span className="stat-value">{stats.data?.templates?.active ?? '—'}</span> active
        </div>
        <div className="stat">
          <span className="stat-value">{stats.data?.files?.totalFiles ?? '—'}</span> files
        </div>
        <div className="stat">
          <span className="stat-value">{formatBytes(stats.data?.files?.totalSize)}</span> stored
        </div>
      </section>
      <UploadZone onUploaded={created} />
      <form
        className="searchbar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([null]);
          setQuery(search.trim());
        }}
      >
        <label>
          Search templates
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name…" />
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorMessage error={list.error} />
      <DataTable
        caption="Your templates"
        columns={TEMPLATE_COLUMNS}
        rows={list.data?.items}
        rowKey={(t) => t.templateId}
        loading={list.loading}
        empty={query ? `No template matches “${query}”.` : 'No templates yet: upload a PDF to start.'}
        paging={{
          label: 'Pages of templates',
          page: cursors.length,
          hasNext: !!list.data?.nextCursor,
          onPrevious: () => setCursors((c) => c.slice(0, -1)),
          onNext: () => list.data?.nextCursor && setCursors((c) => [...c, list.data!.nextCursor!]),
        }}
      />
    </div>
  );
}
