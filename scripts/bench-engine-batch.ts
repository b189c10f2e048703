/**
 * The engine's own batch throughput on one template, in a process of its own (so its worker pool
 * never shares threads with a server's): the baseline `npm run bench:api` compares jobs with.
 *
 *   tsx scripts/bench-engine-batch.ts <template.json> <records> <threads>
 *
 * template.json: `{ base: <base64>, fields: EngineField[], records: object[] }` (records cycle).
 * Prints one JSON line: `{ docsPerSecond, records, threads }`.
 */
import { readFile } from 'node:fs/promises';
import { closeBatchPool, generateBatch } from '@/pdf/batch.js';
import type { EngineField } from '@/pdf/index.js';

const [file, n = '2000', t = '2'] = process.argv.slice(2);
if (!file) throw new Error('usage: bench-engine-batch <template.json> [records] [threads]');
const spec = JSON.parse(await readFile(file, 'utf8')) as { base: string; fields: EngineField[]; records: Record<string, unknown>[] };
const base = new Uint8Array(Buffer.from(spec.base, 'base64'));
const total = Number(n);
const threads = Number(t);
const records = (count: number) => Array.from({ length: count }, (_, i) => spec.records[i % spec.records.length]!);

// Warm the pool and the compiled template first: the server's pool is warm too when it is measured.
await generateBatch({ base, fields: spec.fields, records: records(200), concurrency: threads, strategy: 'workers', onDocument: () => {} });
const t0 = performance.now();
const result = await generateBatch({
  base,
  fields: spec.fields,
  records: records(total),
  concurrency: threads,
  strategy: 'workers',
  onDocument: () => {},
});
const seconds = (performance.now() - t0) / 1000;
await closeBatchPool();
if (result.failed > 0) throw new Error(`${result.failed} records failed: ${result.errors[0]?.error}`);
console.log(JSON.stringify({ docsPerSecond: result.done / seconds, records: result.done, threads: result.threads }));
