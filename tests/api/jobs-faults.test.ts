import { afterAll, expect, it } from 'vitest';
import { startWorkers } from '@/workers/index.js';
import { handlePdfGeneration } from '@/services/generation/jobs.js';
import { settleStalledJobs } from '@/services/maintenance/stalled-jobs.js';
import { RetryingBlobStore, type BlobStore } from '@/shared/storage/index.js';
import { eventually } from '../helpers/eventually.js';
import { finishedJob } from '../helpers/jobs.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { pageText } from '../helpers/pdf-readback.js';
import { createTemplate } from './generate-fixtures.js';

/**
 * Faults that used to lose work: a queue that refuses messages while a job is created (the job row
 * stayed `queued` for ever, half its records sent), and a store that is down while records are
 * made (records failed for good, the job said `completed`, errors showed server paths).
 */
const record = (i: number) => ({ customer: { name: `Fault Person ${i}` }, amount: i });

/** The store, failing every write the way an unwritable blob directory does (EACCES, with its path). */
function unwritable(inner: BlobStore): BlobStore {
  return new Proxy(inner, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (prop !== 'put') return typeof value === 'function' ? value.bind(target) : value;
      return async () => {
        throw Object.assign(new Error("EACCES: permission denied, open '/srv/pdf-studio/.data/blobs/generated/x.pdf'"), { code: 'EACCES' });
      };
    },
  });
}

forEachApi('jobs through queue and storage faults', (api) => {
  let user: TestUser;
  let templateId: string;
  let stopWorkers: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stopWorkers?.();
  });
  const createJob = (records: unknown[], key: string) =>
    api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/jobs`,
      headers: { ...user.headers, 'idempotency-key': key },
      payload: { records },
    });
  const documents = async () =>
    (await api().app.inject({ method: 'GET', url: '/api/generated-pdfs?limit=1', headers: user.headers })).json().total as number;

  it('sets up a user, a template and the workers', async () => {
    user = await registerUser(api().app, 'faults');
    ({ templateId } = await createTemplate(api().app, user.headers));
    stopWorkers = (await startWorkers(api().services, { schedule: false })).stop;
  });

  it('a queue that fails part-way through a job leaves no job and no document: 503 queue_unavailable, and a retry makes it whole', async () => {
    const { queue } = api().services;
    const send = queue.sendBatch.bind(queue);
    let batches = 0;
    // Records travel 100 to a message and messages 50 to a batch: the first batch (5,000 records)
    // goes out, the next one is refused.
    queue.sendBatch = (async (...args: Parameters<typeof send>) => {
      if (++batches > 1) throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
      return send(...args);
    }) as typeof queue.sendBatch;
    let res;
    try {
      res = await createJob(
        Array.from({ length: 5_100 }, (_, i) => record(i)),
        'atomic-1',
      );
    } finally {
      queue.sendBatch = send;
    }
    expect(res.statusCode, res.body).toBe(503);
    expect(res.json()).toMatchObject({ code: 'queue_unavailable', retryAfterSeconds: 5 });
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).not.toContain('10.0.0.7');
    const list = (await api().app.inject({ method: 'GET', url: '/api/jobs', headers: user.headers })).json();
    expect(list.total).toBe(0);
    // The messages that were sent find no job: the workers drop them and make nothing.
    await eventually(async () => expect(await queue.mayDeliver('pdf-generation', { userId: user.id })).toBe(false), {
      timeoutMs: 120_000,
      intervalMs: 500,
      what: 'the orphaned messages to be handled',
    });
    expect(await documents()).toBe(0);
    expect((await queue.peekDeadLetters('pdf-generation', 1000)).filter((l) => (l.body as { userId?: string }).userId === user.id)).toEqual(
      [],
    );

    // The client's retry, with the same key, now that the queue takes messages.
    const again = await createJob([record(1), record(2), record(3)], 'atomic-1');
    expect(again.statusCode, again.body).toBe(202);
    const job = await finishedJob(api().app, user.headers, again.json().job.id);
    expect(job).toMatchObject({ status: 'completed', total: 3, done: 3, failed: 0 });
  }, 240_000);

  it('a record failed by a storage outage is marked retryable without server paths, the job says completed_with_errors, and one call retries it', async () => {
    const { services, app } = api();
    const { job } = await services.repos.generationJobs.createOrGet({
      userId: user.id,
      templateId,
      templateVersion: 1,
      total: 3,
      output: 'zip',
    });
    await services.repos.generationJobs.markEnqueued(job.id);
    // Storage is down for record 0's every attempt (through the retrying store with a short budget).
    const down = { ...services, blobs: new RetryingBlobStore(unwritable(services.blobs), { budgetMs: 300, initialDelayMs: 50 }) };
    const deliver = (index: number, attempt: number, payload: Record<string, unknown>, s = services) =>
      handlePdfGeneration(s, {
        id: `fault-${job.id}-${index}-${attempt}`,
        attempt,
        body: { templateId, userId: user.id, payload, jobId: job.id, recordIndex: index, version: 1 },
      });
    await expect(deliver(0, 1, record(100), down)).rejects.toMatchObject({ code: 'storage_unavailable' });
    await expect(deliver(0, 2, record(100), down)).rejects.toMatchObject({ code: 'storage_unavailable' });
    await deliver(0, 3, record(100), down); // the last attempt records the failure
    await deliver(1, 1, record(101));
    await deliver(2, 1, { customer: { name: 'Bad' }, amount: -1 }); // refused for its data: not retryable
    const done = await finishedJob(app, user.headers, job.id);
    expect(done).toMatchObject({ status: 'completed_with_errors', done: 1, failed: 2 });
    const byIndex = new Map(done.errors.map((e: { index: number }) => [e.index, e]));
    expect(byIndex.get(0)).toMatchObject({ retryable: true, message: expect.stringMatching(/^storage_unavailable: /) });
    expect(byIndex.get(2)).toMatchObject({ message: expect.stringMatching(/^payload_invalid: /) });
    expect((byIndex.get(2) as { retryable?: boolean }).retryable).toBeUndefined();
    expect(JSON.stringify(done.errors)).not.toMatch(/\/srv|EACCES/);
    expect(done.resultUrl).toBeDefined(); // the partial result is downloadable

    // Storage is back: one call sends record 0 again; the job finishes as it would have.
    const retry = await app.inject({ method: 'POST', url: `/api/jobs/${job.id}/retry`, headers: user.headers });
    expect(retry.statusCode, retry.body).toBe(202);
    expect(retry.json()).toMatchObject({ retried: 1, job: { status: 'running', failed: 1 } });
    const after = await finishedJob(app, user.headers, job.id);
    expect(after).toMatchObject({ status: 'completed_with_errors', done: 2, failed: 1 });
    expect(after.errors.map((e: { index: number }) => e.index)).toEqual([2]);
    const pdfs = (
      await app.inject({ method: 'GET', url: `/api/generated-pdfs?jobId=${job.id}&status=completed`, headers: user.headers })
    ).json();
    expect(pdfs.total).toBe(2);
    const first = pdfs.items.find((p: { recordKey?: string; id: string }) => p.recordKey === `${job.id}:0`) ?? pdfs.items[0];
    const { url } = (await app.inject({ method: 'GET', url: `/api/generated-pdfs/${first.id}/download`, headers: user.headers })).json();
    const u = new URL(url, 'http://localhost');
    const bytes = (await app.inject({ method: 'GET', url: u.pathname + u.search })).rawPayload;
    expect(await pageText(new Uint8Array(bytes))).toMatch(/Fault Person 10[01]/);

    // Only the record refused for its data is left, and it is not retried.
    const nothing = await app.inject({ method: 'POST', url: `/api/jobs/${job.id}/retry`, headers: user.headers });
    expect([nothing.statusCode, nothing.json().code]).toEqual([409, 'nothing_to_retry']);
    // Another user cannot retry it.
    const other = await registerUser(app, 'faults-other');
    const foreign = await app.inject({ method: 'POST', url: `/api/jobs/${job.id}/retry`, headers: other.headers });
    expect(foreign.statusCode).toBe(404);
  }, 240_000);

  it('a job whose creating process died before all its messages were sent is failed by the stalled-jobs sweep, saying to start it again', async () => {
    const { services, app } = api();
    const { job } = await services.repos.generationJobs.createOrGet({ userId: user.id, templateId, templateVersion: 1, total: 2 });
    expect(job.enqueuedAt).toBeNull();
    const later = new Date(Date.now() + 61 * 60_000);
    const settled = (await settleStalledJobs(services, { stalledAfterMinutes: 60, now: later })).filter((x) => x.jobId === job.id);
    expect(settled).toEqual([{ jobId: job.id, recordsFailed: 2, outcome: 'finalized' }]);
    const done = (await app.inject({ method: 'GET', url: `/api/jobs/${job.id}`, headers: user.headers })).json().job;
    expect(done).toMatchObject({ status: 'failed', done: 0, failed: 2 });
    expect(done.errors[0].message).toMatch(/stopped before all of this job's records were queued/);
  });
});
