// @vitest-environment jsdom
import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../api/client.js';
import { createApi } from '../api/endpoints.js';
import type { Job } from '../api/types.js';
import { ServicesContext } from '../components/context.js';
import { JobDetail, POLL_MS } from './JobDetail.js';

const memory = () => {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
};

const job = (done: number): Job => ({
  id: 'cccccccc-slow',
  templateId: 't1',
  templateVersion: 1,
  testMode: false,
  status: done === 3 ? 'completed' : 'running',
  total: 3,
  done,
  failed: 0,
  output: 'merged',
  errors: [],
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

describe('JobDetail', () => {
  afterEach(() => vi.useRealTimers());

  it('shows progress from a server slower than the polling period (a loaded machine)', async () => {
    // Only the timers: React's scheduler (setImmediate in jsdom) keeps running for real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    let asked = 0;
    const fetchMock = vi.fn(() => {
      // Each answer takes 1.5 polling periods; the job advances one record per request.
      const answer = job(Math.min(3, asked++));
      return new Promise<Response>((resolve) =>
        setTimeout(
          () => resolve(new Response(JSON.stringify({ job: answer }), { headers: { 'content-type': 'application/json' } })),
          POLL_MS * 1.5,
        ),
      );
    });
    const client = new ApiClient('', memory(), fetchMock as unknown as typeof fetch);
    render(
      <ServicesContext.Provider value={{ client, api: createApi(client) }}>
        <JobDetail jobId="cccccccc-slow" />
      </ServicesContext.Provider>,
    );
    for (let i = 0; i < 20 && !screen.queryByText('completed'); i += 1) {
      await act(() => vi.advanceTimersByTimeAsync(POLL_MS / 2));
    }
    expect(screen.getByRole('status').textContent).toContain('3 done of 3');
    expect(screen.getByText('completed')).toBeTruthy();
    // One request at a time: never a second one while the first is unanswered.
    expect(fetchMock.mock.calls.length).toBe(4);
  });

  it("shows the webhook's delivery and why it failed", async () => {
    const failed: Job = {
      ...job(3),
      webhook: {
        url: 'https://hooks.example/x',
        status: 'failed',
        attempts: 3,
        lastAttemptAt: '2026-01-01T00:00:00Z',
        lastError: 'webhook https://hooks.example/x answered 500',
      },
    };
    const fetchMock = vi.fn(() =>
      Promise.resolve(new Response(JSON.stringify({ job: failed }), { headers: { 'content-type': 'application/json' } })),
    );
    const client = new ApiClient('', memory(), fetchMock as unknown as typeof fetch);
    render(
      <ServicesContext.Provider value={{ client, api: createApi(client) }}>
        <JobDetail jobId="cccccccc-slow" />
      </ServicesContext.Provider>,
    );
    const line = await screen.findByTestId('job-webhook');
    expect(line.textContent).toBe('Webhook: failed after 3 attempt(s) (webhook https://hooks.example/x answered 500)');
  });

  it('offers to retry the records that failed for a passing reason, and sends them again', async () => {
    const partial: Job = {
      ...job(3),
      status: 'completed_with_errors',
      done: 1,
      failed: 2,
      errors: [
        { index: 0, message: 'storage_unavailable: The document store did not accept the write; try again shortly', retryable: true },
        { index: 2, message: 'payload_invalid: amount: must be at least 0' },
      ],
    };
    const running: Job = { ...partial, status: 'running', failed: 1, errors: [partial.errors[1]!] };
    const requests: string[] = [];
    const fetchMock = vi.fn((url: string, init?: RequestInit) => {
      requests.push(`${init?.method ?? 'GET'} ${url}`);
      const body = String(url).endsWith('/retry') ? { job: running, retried: 1 } : { job: requests.length > 2 ? running : partial };
      return Promise.resolve(new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } }));
    });
    const client = new ApiClient('', memory(), fetchMock as unknown as typeof fetch);
    render(
      <ServicesContext.Provider value={{ client, api: createApi(client) }}>
        <JobDetail jobId="cccccccc-slow" />
      </ServicesContext.Provider>,
    );
    expect(await screen.findByText(/Record 1: storage_unavailable.*\(can be retried\)/)).toBeTruthy();
    const button = await screen.findByRole('button', { name: 'Retry 1 failed record(s)' });
    await act(async () => button.click());
    expect(await screen.findByText('1 record(s) sent again.')).toBeTruthy();
    expect(requests).toContain('POST /api/jobs/cccccccc-slow/retry');
  });
});
