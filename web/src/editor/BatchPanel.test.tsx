// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../api/client.js';
import { createApi } from '../api/endpoints.js';
import { DEFAULT_STYLE, makeField } from '../state/fields.js';
import { BatchPanel } from './BatchPanel.js';

const memory = () => {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
};

const job = {
  id: 'job-123',
  templateId: 't1',
  status: 'queued',
  total: 2,
  done: 0,
  failed: 0,
  output: 'zip',
  errors: [],
  createdAt: '',
  updatedAt: '',
};
const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

function setup(respond: (init: RequestInit) => Response, extra: ReturnType<typeof makeField>[] = []) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchMock = vi.fn((url: string, init: RequestInit) => {
    calls.push({ url, init });
    return Promise.resolve(respond(init));
  });
  const api = createApi(new ApiClient('', memory(), fetchMock as unknown as typeof fetch));
  const flush = vi.fn(() => Promise.resolve());
  const field = { ...makeField('text', 1, { x: 0, y: 0, width: 100, height: 20 }, DEFAULT_STYLE, new Set()), bindingKey: 'customer.name' };
  render(<BatchPanel api={api} templateId="t1" fields={[field, ...extra]} flush={flush} />);
  return { calls, flush };
}

const records = () => screen.getByLabelText(/^Records/);
const startButton = () => screen.getByRole('button', { name: /Start job/ });

describe('BatchPanel', () => {
  beforeEach(() => {
    window.location.hash = '#/templates/t1';
  });

  it('posts CSV records with the chosen output, an Idempotency-Key, and opens the job on the jobs page', async () => {
    const { calls, flush } = setup(() => json(202, { job }));
    fireEvent.click(screen.getByRole('button', { name: 'Start a CSV from the fields' }));
    expect((records() as HTMLTextAreaElement).value).toBe('customer.name\n');
    fireEvent.change(records(), { target: { value: 'customer.name,total\nAda,1\nGrace,2\n' } });
    expect(screen.getByText('2 record(s) read as CSV.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Output'), { target: { value: 'zip' } });
    fireEvent.change(screen.getByLabelText('Email me when done (optional)'), { target: { value: 'me@example.com' } });
    fireEvent.click(startButton());
    await waitFor(() => expect(window.location.hash).toBe('#/jobs/job-123'));
    expect(flush).toHaveBeenCalled();
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('/api/templates/t1/jobs');
    expect(calls[0].init.method).toBe('POST');
    const headers = calls[0].init.headers as Record<string, string>;
    expect(headers['idempotency-key']).toMatch(/^[\x21-\x7e]{8,}$/);
    expect(JSON.parse(calls[0].init.body as string)).toEqual({
      records: [
        { 'customer.name': 'Ada', total: '1' },
        { 'customer.name': 'Grace', total: '2' },
      ],
      output: 'zip',
      notifyEmail: 'me@example.com',
      testMode: false,
    });
  });

  it('lists bad rows and sends nothing while any row is bad', () => {
    const { calls } = setup(() => json(202, { job }));
    fireEvent.change(records(), { target: { value: '{"a":1}\nnot json\n' } });
    fireEvent.click(startButton());
    expect(screen.getByRole('list', { name: 'Problems in the records' }).textContent).toMatch(/Line 2: not valid JSON/);
    expect(calls).toHaveLength(0);
  });

  it('shows the API validation problems in words, records counted from 1, and reuses the key on retry', async () => {
    const { calls } = setup(() =>
      json(
        400,
        {
          status: 400,
          code: 'validation_failed',
          title: 'Bad Request',
          detail: 'The request is invalid.',
          errors: [
            { path: 'body.records.1', code: 'invalid_type', message: 'Expected object' },
            { path: 'webhookUrl', code: 'invalid_format', message: 'Invalid URL' },
          ],
        },
        'application/problem+json',
      ),
    );
    fireEvent.change(records(), { target: { value: '[{"a":1},{"a":2}]' } });
    fireEvent.click(startButton());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The request is invalid. Record 2: Expected object; Webhook URL: Invalid URL');
    fireEvent.click(startButton());
    await waitFor(() => expect(calls).toHaveLength(2));
    const key = (i: number) => (calls[i].init.headers as Record<string, string>)['idempotency-key'];
    expect(key(1)).toBe(key(0));
    fireEvent.change(records(), { target: { value: '[{"a":3}]' } });
    fireEvent.click(startButton());
    await waitFor(() => expect(calls).toHaveLength(3));
    expect(key(2)).not.toBe(key(0));
  });

  it('checks the values against the fields before sending, naming each problem by its CSV row', async () => {
    const total = { ...makeField('number', 1, { x: 0, y: 40, width: 100, height: 20 }, DEFAULT_STYLE, new Set()), bindingKey: 'total' };
    const { calls } = setup(() => json(202, { job }), [total]);
    fireEvent.change(records(), { target: { value: 'customer.name,total\nAda,1\nGrace,two\nLin,3\n' } });
    fireEvent.click(startButton());
    const problems = await screen.findByRole('list', { name: 'Problems in the records' });
    // The header is row 1: Grace's record is row 3 (record 2).
    expect(problems.textContent).toMatch(/^Row 3: .*total/);
    expect(problems.querySelectorAll('li')).toHaveLength(1);
    expect(calls.filter((c) => c.url.includes('/jobs'))).toHaveLength(0);
    // Fixed, it goes.
    fireEvent.change(records(), { target: { value: 'customer.name,total\nAda,1\nGrace,2\n' } });
    fireEvent.click(startButton());
    await waitFor(() => expect(calls.filter((c) => c.url.includes('/jobs'))).toHaveLength(1));
  });
});
