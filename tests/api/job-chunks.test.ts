import { afterAll, expect, it } from 'vitest';
import { startWorkers } from '@/workers/index.js';
import { pdfGenerationHandler } from '@/workers/pdf-generation.js';
import { chunkRecords, CHUNK_BYTES, CHUNK_RECORDS } from '@/services/generation/record-chunks.js';
import type { BlobStore } from '@/shared/storage/index.js';
import { readAll } from '@/shared/storage/read.js';
import type { Services } from '@/services/context.js';
import { finishedJob } from '../helpers/jobs.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { pageText } from '../helpers/pdf-readback.js';
import { createTemplate } from './generate-fixtures.js';

/**
 * Job records travel in chunks (one message, one claim and one completion statement per chunk).
 * Exactly-once per record holds as it did per message: a redelivered chunk skips the records that
 * already have an outcome and moves no counter for them.
 */
const record = (i: number) => ({ customer: { name: `Chunk Person ${i}` }, amount: i === 2 ? -1 : i });

/** The store with its `n`-th put (1-based) failing like a passing network error. */
function failingPut(inner: BlobStore, n: number): BlobStore {
  let puts = 0;
  return new Proxy(inner, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (prop !== 'put') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: Parameters<BlobStore['put']>) => {
        if (++puts === n) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return target.put(...args);
      };
    },
  });
}

it('chunks records by count and by bytes; a record over the byte budget travels alone', () => {
  const small = Array.from({ length: 250 }, (_, index) => ({ index, payload: { n: index } }));
  expect(chunkRecords(small).map((c) => c.length)).toEqual([CHUNK_RECORDS, CHUNK_RECORDS, 50]);
  const big = { index: 1, payload: { blob: 'x'.repeat(CHUNK_BYTES + 10) } };
  const mixed = chunkRecords([{ index: 0, payload: { a: 1 } }, big, { index: 2, payload: { a: 2 } }]);
  expect(mixed.map((c) => c.map((r) => r.index))).toEqual([[0], [1], [2]]);
});

forEachApi('job records in chunks', (api) => {
  let user: TestUser;
  let templateId: string;
  let stopWorkers: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stopWorkers?.();
  });

  const newJob = async (total: number) => {
    const { job } = await api().services.repos.generationJobs.createOrGet({
      userId: user.id,
      templateId,
      templateVersion: 1,
      total,
      output: 'individual',
    });
    await api().services.repos.generationJobs.markEnqueued(job.id);
    return job.id;
  };
  const deliver = (services: Services, jobId: string, indices: number[], attempt: number) =>
    pdfGenerationHandler(services)({
      id: `chunk-${jobId}-${attempt}`,
      attempt,
      body: {
        templateId,
        userId: user.id,
        payload: {},
        jobId,
        version: 1,
        records: indices.map((index) => ({ index, payload: record(index) })),
      },
    });
  const rows = async (jobId: string) => (await api().services.repos.generatedPdfs.listByUser(user.id, { jobId, limit: 100 })).items;

  it('sets up a user, a template and the workers', async () => {
    user = await registerUser(api().app, 'chunks');
    ({ templateId } = await createTemplate(api().app, user.headers));
    stopWorkers = (await startWorkers(api().services, { schedule: false })).stop;
  });

  it('one chunk makes each record once (a bad one fails alone); its redelivery makes nothing and moves no counter', async () => {
    const jobId = await newJob(6);
    await deliver(api().services, jobId, [0, 1, 2, 3, 4, 5], 1);
    const job = await finishedJob(api().app, user.headers, jobId);
    expect(job).toMatchObject({ status: 'completed_with_errors', done: 5, failed: 1 });
    expect(job.errors).toEqual([expect.objectContaining({ index: 2, message: expect.stringMatching(/^payload_invalid: /) })]);
    const before = await rows(jobId);
    expect(before).toHaveLength(6);
    await deliver(api().services, jobId, [0, 1, 2, 3, 4, 5], 2);
    const after = await api().services.repos.generationJobs.getInternal(jobId);
    expect([after.done, after.failed]).toEqual([5, 1]);
    expect((await rows(jobId)).map((r) => [r.id, r.status, r.storageKey]).sort()).toEqual(
      before.map((r) => [r.id, r.status, r.storageKey]).sort(),
    );
    // Each completed row's document is its own record's.
    for (const row of before.filter((r) => r.status === 'completed')) {
      const index = Number(row.recordKey.split(':').pop());
      const pdf = await readAll(api().services.blobs, 'generated', row.storageKey!);
      expect(await pageText(pdf)).toContain(`Chunk Person ${index}`);
    }
  });

  it('a passing failure of one record redelivers the chunk, which does only that record again', async () => {
    const jobId = await newJob(3);
    const flaky = { ...api().services, blobs: failingPut(api().services.blobs, 2) };
    // Records 0 and 1 render; the second of their puts fails. Record 2 is refused for its data at once.
    await expect(deliver(flaky, jobId, [0, 1, 2], 1)).rejects.toMatchObject({ code: 'ECONNRESET' });
    const half = await api().services.repos.generationJobs.getInternal(jobId);
    expect([half.done, half.failed]).toEqual([1, 1]);
    await deliver(api().services, jobId, [0, 1, 2], 2);
    const job = await finishedJob(api().app, user.headers, jobId);
    expect(job).toMatchObject({ done: 2, failed: 1, total: 3 });
    const completed = (await rows(jobId)).filter((r) => r.status === 'completed');
    expect(completed.map((r) => r.recordKey).sort()).toEqual([`${jobId}:0`, `${jobId}:1`]);
  });
});
