// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../api/client.js';
import { createApi } from '../api/endpoints.js';
import type { Job } from '../api/types.js';
import { ServicesContext } from '../components/context.js';
import { JobsPage } from './JobsPage.js';

const memory = () => {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
};

const base = {
  templateId: 't1',
  templateVersion: 1,
  testMode: false,
  total: 10,
  done: 0,
  failed: 0,
  output: 'zip' as const,
  errors: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};
const running: Job = { ...base, id: 'aaaaaaaa-run', status: 'running', done: 3, failed: 1 };
const completed: Job = { ...base, id: 'bbbbbbbb-done', status: 'completed', done: 10 };
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });

/** A fake API over fetch: the real client and endpoints parse what it answers. */
function mount(
  cancelAnswer: () => Response,
  jobId?: string,
  generated: (url: string) => Promise<Response> = () => Promise.resolve(json(200, { items: [], page: 1, limit: 20, total: 0 })),
) {
  const calls: string[] = [];
  const jobs = new Map([running, completed].map((j) => [j.id, { ...j }]));
  const fetchMock = vi.fn((url: string, init: RequestInit) => {
    calls.push(`${init.method} ${url}`);
    if (url.startsWith('/api/templates?'))
      return Promise.resolve(json(200, { items: [{ templateId: 't1', name: 'Invoice 2026', status: 'active' }], nextCursor: null }));
    if (url.startsWith('/api/jobs?'))
      return Promise.resolve(json(200, { items: [...jobs.values()], page: 1, limit: 20, total: jobs.size }));
    if (url.startsWith('/api/generated-pdfs')) return generated(url);
    const cancel = /^\/api\/jobs\/([^/]+)\/cancel$/.exec(url);
    if (cancel) {
      const res = cancelAnswer();
      if (res.ok) jobs.set(cancel[1], { ...jobs.get(cancel[1])!, status: 'cancelled' });
      return Promise.resolve(res);
    }
    const one = /^\/api\/jobs\/([^/]+)$/.exec(url);
    if (one) {
      const j = jobs.get(decodeURIComponent(one[1]))!;
      return Promise.resolve(json(200, { job: j.status === 'completed' ? { ...j, resultUrl: 'https://files.example/result.zip' } : j }));
    }
    return Promise.resolve(json(404, { status: 404, code: 'not_found' }));
  });
  const client = new ApiClient('', memory(), fetchMock as unknown as typeof fetch);
  render(
    <ServicesContext.Provider value={{ client, api: createApi(client) }}>
      <JobsPage jobId={jobId} />
    </ServicesContext.Provider>,
  );
  return { calls };
}

describe('JobsPage', () => {
  it('shows done/failed/total, a result link for a completed job, and Cancel only for an unfinished one', async () => {
    mount(() => json(200, {}));
    await screen.findByText('Download (zip)');
    expect(screen.getByRole('link', { name: /Download the result of job bbbbbbbb/ }).getAttribute('href')).toBe(
      'https://files.example/result.zip',
    );
    const rows = screen.getAllByRole('row');
    const runRow = rows.find((r) => r.textContent?.includes('aaaaaaaa'))!;
    expect(runRow.textContent).toContain('3 done, 1 failed of 10');
    expect(within(runRow).getByRole('progressbar').getAttribute('value')).toBe('4');
    expect(screen.getAllByRole('button', { name: /^Cancel job/ })).toHaveLength(1);
  });

  it('names each job’s template and version, its record count, and its full id with a copy button', async () => {
    mount(() => json(200, {}));
    await screen.findAllByText('Invoice 2026');
    const runRow = screen.getAllByRole('row').find((r) => r.textContent?.includes('aaaaaaaa-run'))!;
    expect(within(runRow).getByText('Invoice 2026')).toBeTruthy();
    expect(runRow.textContent).toContain(' · v1');
    expect(within(runRow).getByText('aaaaaaaa-run').tagName).toBe('CODE');
    expect(within(runRow).getByRole('button', { name: 'Copy job id aaaaaaaa-run' })).toBeTruthy();
    const cells = within(runRow).getAllByRole('cell');
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent);
    expect(cells[headers.indexOf('Records')].textContent).toBe('10');
  });

  it('cancels after confirmation and says what happened', async () => {
    const { calls } = mount(() => json(200, { job: { ...running, status: 'cancelled' } }));
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel job aaaaaaaa' }));
    const confirm = screen.getByRole('group', { name: 'Confirm cancelling job aaaaaaaa' });
    expect(calls.some((c) => c.includes('/cancel'))).toBe(false);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Keep it running' }));
    expect(screen.queryByRole('group')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel job aaaaaaaa' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, cancel job' }));
    await screen.findByText(/Job aaaaaaaa cancelled\. 3 of 10 document\(s\) were generated before and stay available\./);
    expect(calls).toContain('POST /api/jobs/aaaaaaaa-run/cancel');
    // The list is reloaded: the row now says cancelled and offers no Cancel.
    await waitFor(() => expect(screen.queryByRole('button', { name: /^Cancel job/ })).toBeNull());
    expect(screen.getAllByText('cancelled').length).toBeGreaterThan(0);
  });

  it('explains a 409 (the job finished meanwhile)', async () => {
    mount(() => json(409, { status: 409, code: 'invalid_transition', detail: 'GenerationJob x is completed' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel job aaaaaaaa' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, cancel job' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Job aaaaaaaa has already finished, so it can no longer be cancelled. ');
  });

  it('opens one job on top with its progress, errors and download', async () => {
    mount(() => json(200, {}), 'bbbbbbbb-done');
    const detail = await screen.findByTestId('job-detail');
    await within(detail).findByRole('link', { name: 'Download the result (zip)' });
    expect(within(detail).getByRole('status').textContent).toContain('10 done of 10');
  });

  it("shows neither the previous page's rows, nor a page count, nor Next for a page of generated PDFs still loading", async () => {
    const pdf = (id: string) => ({
      id,
      templateId: 't1',
      status: 'completed',
      testMode: false,
      pageCount: 1,
      fileSize: 1000,
      createdAt: '',
      expiresAt: null,
    });
    mount(
      () => json(200, {}),
      undefined,
      (url) =>
        url.includes('page=2')
          ? new Promise<Response>(() => undefined)
          : Promise.resolve(json(200, { items: [pdf('g1')], page: 1, limit: 20, total: 25 })),
    );
    const pager = await screen.findByRole('navigation', { name: 'Pages of generated PDFs' });
    await waitFor(() => expect(pager.textContent).toContain('Page 1 of 2'));
    expect(screen.getByText('g1')).toBeTruthy();
    fireEvent.click(within(pager).getByRole('button', { name: 'Next' }));
    // Page 1's rows are not shown as page 2's.
    expect(screen.queryByText('g1')).toBeNull();
    expect(pager.textContent).toContain('Page 2');
    expect(pager.textContent).not.toMatch(/of 1(?!\d)/);
    expect(within(pager).getByRole<HTMLButtonElement>('button', { name: 'Next' }).disabled).toBe(true);
  });
});
