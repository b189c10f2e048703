/**
 * npm run bench:api — synchronous generation over HTTP on the embedded runtime, beside a
 * hello-world Fastify route in the same run (the floor: what HTTP alone costs on this machine).
 * Prints requests/s and latency p50/p99 of both and the ratio. autocannon drives both.
 * Then one asynchronous job of BENCH_JOB_RECORDS records through the embedded queue (pg-boss on
 * PGlite) and the workers, with its progress as `GET /api/jobs/:id` reports it, and documents/s.
 *
 *   BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 4), BENCH_JOB_RECORDS (default 1000; 0 skips)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { loadConfig } from '@/shared/config/index.js';
import { startServer } from '@/runtime/server.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 4);
const jobRecords = Number(process.env.BENCH_JOB_RECORDS ?? 1000);

interface JobStatus {
  status: string;
  done: number;
  failed: number;
  total: number;
}

/** Posts one job and polls it to the end, printing progress; returns seconds from post to completion. */
async function runJob(
  base: string,
  headers: Record<string, string>,
  templateId: string,
  n: number,
): Promise<{ seconds: number; job: JobStatus }> {
  const records = Array.from({ length: n }, (_, i) => ({ customer: `Customer ${i}`, amount: i, notes: `Record ${i} of ${n}` }));
  const t0 = performance.now();
  const res = await fetch(`${base}/api/templates/${templateId}/jobs`, {
    method: 'POST',
    headers: { ...headers, 'idempotency-key': `bench-${Date.now()}` },
    body: JSON.stringify({ records }),
  });
  if (res.status !== 202) throw new Error(`job answered ${res.status}: ${await res.text()}`);
  const { id } = ((await res.json()) as { job: { id: string } }).job;
  for (let last = ''; ;) {
    await new Promise((r) => setTimeout(r, 1000));
    const job = ((await (await fetch(`${base}/api/jobs/${id}`, { headers })).json()) as { job: JobStatus }).job;
    const line = `  ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s  ${job.status.padEnd(9)} ${job.done} done, ${job.failed} failed of ${job.total}`;
    if (line !== last) console.log(line);
    last = line;
    if (job.status !== 'queued' && job.status !== 'running') return { seconds: (performance.now() - t0) / 1000, job };
  }
}

async function basePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([612, 792]).drawText('Invoice', { x: 50, y: 740, size: 18, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pdf-studio-bench-api-'));
const server = await startServer(
  loadConfig({ ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '1000000', DATABASE_URL: '' }),
);
const hello = Fastify();
hello.get('/hello', async () => ({ hello: 'world' }));
await hello.listen({ port: 0, host: '127.0.0.1' });
const helloUrl = `http://127.0.0.1:${(hello.server.address() as { port: number }).port}/hello`;

try {
  const base = server.url;
  const reg = (await (
    await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.com', password: 'correct horse battery', name: 'Bench' }),
    })
  ).json()) as { accessToken: string };
  const auth = { authorization: `Bearer ${reg.accessToken}` };
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(await basePdf())], { type: 'application/pdf' }), 'invoice.pdf');
  const file = (
    (await (await fetch(`${base}/api/files`, { method: 'POST', headers: auth, body: form })).json()) as { file: { id: string } }
  ).file;
  const json = { ...auth, 'content-type': 'application/json' };
  const tpl = (
    (await (
      await fetch(`${base}/api/templates`, { method: 'POST', headers: json, body: JSON.stringify({ fileId: file.id, name: 'Invoice' }) })
    ).json()) as { template: { templateId: string } }
  ).template;
  const fields = [
    { name: 'Customer', type: 'text', page: 1, position: { x: 50, y: 100 }, size: { width: 300, height: 24 }, bindingKey: 'customer' },
    { name: 'Amount', type: 'number', page: 1, position: { x: 50, y: 140 }, size: { width: 200, height: 24 }, bindingKey: 'amount' },
    { name: 'Notes', type: 'textarea', page: 1, position: { x: 50, y: 200 }, size: { width: 400, height: 120 }, bindingKey: 'notes' },
  ];
  for (const f of fields)
    await fetch(`${base}/api/templates/${tpl.templateId}/fields`, { method: 'POST', headers: json, body: JSON.stringify(f) });
  await fetch(`${base}/api/templates/${tpl.templateId}/publish`, { method: 'POST', headers: auth });
  const body = JSON.stringify({ data: { customer: 'Ada Lovelace', amount: 1234.5, notes: 'Thank you for your business. '.repeat(5) } });
  const genUrl = `${base}/api/templates/${tpl.templateId}/generate`;
  const check = await fetch(genUrl, { method: 'POST', headers: { ...json, accept: 'application/pdf' }, body });
  if (check.status !== 200) throw new Error(`generate answered ${check.status}: ${await check.text()}`);

  const floor = await run({ url: helloUrl, connections, duration: seconds });
  const gen = await run({
    url: genUrl,
    method: 'POST',
    headers: { ...json, accept: 'application/pdf' },
    body,
    connections,
    duration: seconds,
  });
  const row = (name: string, r: autocannon.Result) =>
    `${name.padEnd(34)} ${r.requests.average.toFixed(1).padStart(9)} req/s   p50 ${String(r.latency.p50).padStart(5)} ms   p99 ${String(r.latency.p99).padStart(5)} ms   non-2xx ${r.non2xx}`;
  console.log(`\n${connections} connections, ${seconds} s each, ${os.cpus().length} CPUs, node ${process.version}`);
  console.log(row('hello-world Fastify (floor)', floor));
  console.log(row('POST /generate (application/pdf)', gen));
  console.log(
    `ratio: generation throughput is ${((gen.requests.average / floor.requests.average) * 100).toFixed(2)}% of the floor (${(floor.requests.average / gen.requests.average).toFixed(1)}× slower); mean latency ${gen.latency.average.toFixed(1)} ms vs ${floor.latency.average.toFixed(2)} ms`,
  );
  if (jobRecords > 0) {
    console.log(`\nasync job of ${jobRecords} records (embedded queue, individual PDFs):`);
    const { seconds: took, job } = await runJob(base, json, tpl.templateId, jobRecords);
    console.log(
      `async job: ${job.status}, ${job.done}/${job.total} in ${took.toFixed(1)} s = ${(job.done / took).toFixed(1)} documents/s (sync generate above: ${gen.requests.average.toFixed(1)} req/s)`,
    );
  }
} finally {
  await hello.close();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
