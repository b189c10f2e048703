/**
 * Batch generation on the process's long-lived worker pool: reuse across batches, the in-thread
 * path (small batches, pool start-up) giving byte-identical output, exact progress, and bounded
 * in-flight work however many records stream in.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { batchPoolStats, closeBatchPool, generateBatch, type GeneratedDocument } from '@/pdf/index.js';
import { pageText } from '../../helpers/pdf-readback.js';
import { field, makeBase } from './support.js';

afterAll(async () => {
  await closeBatchPool();
});

const people = (n: number, prefix = 'Person'): Record<string, unknown>[] =>
  Array.from({ length: n }, (_, i) => ({ name: `${prefix} ${i} Łódź`, amount: i * 3.5 }));

async function collect(
  input: Omit<Parameters<typeof generateBatch>[0], 'onDocument'>,
): Promise<{ docs: Map<number, GeneratedDocument>; result: Awaited<ReturnType<typeof generateBatch>> }> {
  const docs = new Map<number, GeneratedDocument>();
  const result = await generateBatch({
    ...input,
    onDocument: (i, d) => {
      docs.set(i, d);
    },
  });
  return { docs, result };
}

describe('batch generation', () => {
  it('one pool serves consecutive batches (and templates): started once, not per batch', async () => {
    await closeBatchPool();
    const base = await makeBase();
    const fieldsA = [field({ bindingKey: 'name' })];
    const fieldsB = [
      field({ bindingKey: 'name', position: { x: 50, y: 300 } }),
      field({ type: 'number', bindingKey: 'amount', position: { x: 50, y: 400 } }),
    ];
    const starts = batchPoolStats().starts;
    const first = await collect({ base, fields: fieldsA, records: people(10, 'First'), concurrency: 2, strategy: 'workers' });
    expect(first.result).toMatchObject({ done: 10, failed: 0, threads: 2 });
    expect(batchPoolStats()).toMatchObject({ starts: starts + 1, threads: 2, ready: true });
    expect(batchPoolStats().lastStartMs).toBeGreaterThan(0);
    // A second batch with another template: same pool (its workers compile the new template on first use).
    const second = await collect({ base, fields: fieldsB, records: people(10, 'Second'), concurrency: 2, strategy: 'workers' });
    expect(second.result).toMatchObject({ done: 10, failed: 0, threads: 2 });
    expect(batchPoolStats().starts).toBe(starts + 1);
    expect(await pageText(second.docs.get(9)!.bytes)).toContain('Second 9 Łódź');
    // 'auto' uses the running pool at once.
    const third = await collect({ base, fields: fieldsA, records: people(6, 'Third'), concurrency: 2 });
    expect(third.result.threads).toBe(2);
    expect(batchPoolStats().starts).toBe(starts + 1);
    expect(await pageText(third.docs.get(5)!.bytes)).toContain('Third 5 Łódź');
  });

  it('a concurrent batch asking for another pool size shares the running pool instead of killing its work', async () => {
    await closeBatchPool();
    const base = await makeBase();
    const fields = [field({ bindingKey: 'name' })];
    const starts = batchPoolStats().starts;
    // All three arrive while the first pool is still starting (no delay between them): whichever
    // starts it, the others wait for that start and share the pool; none is closed under a batch.
    const [a, b, c] = await Promise.all([
      collect({ base, fields, records: people(40, 'A'), concurrency: 2, strategy: 'workers' }),
      collect({ base, fields, records: people(20, 'B'), concurrency: 3, strategy: 'workers' }),
      collect({ base, fields, records: people(10, 'C'), concurrency: 4, strategy: 'workers' }),
    ]);
    const threads = a.result.threads;
    expect(a.result).toMatchObject({ done: 40, failed: 0, errors: [] });
    expect(b.result).toMatchObject({ done: 20, failed: 0, errors: [], threads });
    expect(c.result).toMatchObject({ done: 10, failed: 0, errors: [], threads });
    expect(batchPoolStats().starts).toBe(starts + 1);
    expect(await pageText(a.docs.get(39)!.bytes)).toContain('A 39 Łódź');
    expect(await pageText(b.docs.get(19)!.bytes)).toContain('B 19 Łódź');
    expect(await pageText(c.docs.get(9)!.bytes)).toContain('C 9 Łódź');
  });

  it('a small batch with no pool running stays in this thread and starts no pool', async () => {
    await closeBatchPool();
    const starts = batchPoolStats().starts;
    const { result, docs } = await collect({
      base: await makeBase(),
      fields: [field({ bindingKey: 'name' })],
      records: people(12),
      concurrency: 2,
    });
    expect(result).toEqual({ done: 12, failed: 0, errors: [], threads: 0 });
    expect(batchPoolStats().starts).toBe(starts);
    expect(await pageText(docs.get(11)!.bytes)).toContain('Person 11 Łódź');
  });

  it('in-thread and worker output are byte-identical; failures are the same records with the same messages', async () => {
    const base = await makeBase(2);
    const fields = [field({ bindingKey: 'name' }), field({ type: 'number', bindingKey: 'amount', page: 2, position: { x: 50, y: 100 } })];
    const records = people(13);
    records[5] = { name: 'bad', amount: 'not a number' };
    const here = await collect({ base, fields, records, strategy: 'in-process' });
    const there = await collect({ base, fields, records, concurrency: 2, strategy: 'workers' });
    expect(here.result.threads).toBe(0);
    expect(there.result.threads).toBe(2);
    expect(there.result.errors).toEqual(here.result.errors);
    expect(here.result.errors.map((e) => e.index)).toEqual([5]);
    expect(here.result.errors[0].error).toContain('amount');
    expect([...there.docs.keys()].sort((a, b) => a - b)).toEqual([...here.docs.keys()].sort((a, b) => a - b));
    for (const [i, d] of here.docs) {
      expect(Buffer.from(there.docs.get(i)!.bytes).equals(Buffer.from(d.bytes)), `record ${i}`).toBe(true);
      expect(there.docs.get(i)!.pageCount).toBe(2);
    }
  });

  it.each(['workers', 'auto'] as const)('progress is exact (%s): once per record, counting up to the total', async (strategy) => {
    const records = people(23);
    records[17] = { name: 'bad', amount: 'x' };
    const progress: [number, number | undefined][] = [];
    const result = await generateBatch({
      base: await makeBase(),
      fields: [field({ bindingKey: 'name' }), field({ type: 'number', bindingKey: 'amount', position: { x: 50, y: 100 } })],
      records,
      concurrency: 2,
      strategy,
      onDocument: () => {},
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result.done + result.failed).toBe(23);
    expect(progress).toEqual(Array.from({ length: 23 }, (_, i) => [i + 1, 23]));
  });

  it('memory is bounded: a streamed batch never holds more than its window of records', async () => {
    const n = 150;
    let pulled = 0;
    let completed = 0;
    let maxOutstanding = 0;
    async function* stream(): AsyncGenerator<Record<string, unknown>> {
      for (let i = 0; i < n; i++) {
        pulled++;
        maxOutstanding = Math.max(maxOutstanding, pulled - completed);
        yield { name: `Streamed ${i}` };
      }
    }
    const result = await generateBatch({
      base: await makeBase(),
      fields: [field({ bindingKey: 'name' })],
      records: stream(),
      concurrency: 2,
      strategy: 'workers',
      // A slow consumer (e.g. an upload): the batch must wait for it rather than read ahead.
      onDocument: async () => {
        await new Promise((r) => setTimeout(r, 2));
        completed++;
      },
    });
    expect(result).toMatchObject({ done: n, failed: 0, threads: 2 });
    // 2 × threads chunks of 4 records in flight, plus the chunk being filled.
    expect(maxOutstanding).toBeLessThanOrEqual(2 * 2 * 4 + 4);
    expect(maxOutstanding).toBeGreaterThan(1); // really concurrent
  });
});
