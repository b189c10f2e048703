/**
 * npm run bench:api — the service against its own engine, in one run:
 *
 *   1. the engine's batch throughput with 2 worker threads on the job's template (a process of
 *      its own: scripts/bench-engine-batch.ts) — the baseline every job line is a ratio of;
 *   2. synchronous generation over HTTP at 1 and 8 connections beside a hello-world Fastify route
 *      (what HTTP alone costs here), req/s and p50/p99;
 *   3. async jobs of 1,000 and 10,000 records on the embedded database (PGlite) and, when
 *      TEST_DATABASE_URL names a PostgreSQL server, on a fresh database there: docs/s as a ratio of
 *      the engine batch, CPU-milliseconds per record (flat from 1k to 10k queued or not), database
 *      round trips per record, and the server's peak RSS.
 *
 * The server is measured as it runs in production: `npm start`'s compiled bundle in a process of its
 * own per database, with a fresh data directory. CPU and peak RSS are that process's (all threads,
 * from /proc: the kernel's VmHWM, not a sample), and a preload (scripts/bench-statements.mjs) counts
 * every statement its pg clients send. The load generator and the job's records stay in this process.
 *
 * Each sync run is measured after BENCH_WARMUP_SECONDS (default 5) of the same load unmeasured: a fresh
 * server spends its first thousands of requests compiling its hot code. Over a fresh server's first
 * 1,500 requests V8's helper threads took ~1.5 ms of CPU per request, after 6,000 ~0.4 ms (all
 * threads: 7.7 against 5.4 ms); a longer warm-up gets closer to what a running server costs.
 *
 *   BENCH_SECONDS (default 10) per sync run, BENCH_JOBS (default "1000,10000"; "" skips jobs),
 *   BENCH_DATABASES (default "embedded,postgres"), BENCH_ENGINE_RECORDS (default 4000)
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { migrateDeploy } from '@/shared/database/prisma/migrator.js';
import { cpuMs, freePort, startServer, statusKb, stopServer } from './spawn-server.js';

const run = promisify(execFile);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const jobSizes = (process.env.BENCH_JOBS ?? '1000,10000').split(',').filter(Boolean).map(Number);
const databases = (process.env.BENCH_DATABASES ?? 'embedded,postgres').split(',').filter(Boolean);
const engineRecords = Number(process.env.BENCH_ENGINE_RECORDS ?? 4000);
const tsx = path.resolve('node_modules/.bin/tsx');

const record = (i: number, n: number) => ({
  customer: `Customer ${i}`,
  amount: i,
  notes: `Record ${i} of ${n}. ${'Thank you for your business. '.repeat(3)}`,
});
const FIELDS = [
  { name: 'Customer', type: 'text', page: 1, position: { x: 50, y: 100 }, size: { width: 300, height: 24 }, bindingKey: 'customer' },
  { name: 'Amount', type: 'number', page: 1, position: { x: 50, y: 140 }, size: { width: 200, height: 24 }, bindingKey: 'amount' },
  { name: 'Notes', type: 'textarea', page: 1, position: { x: 50, y: 200 }, size: { width: 400, height: 120 }, bindingKey: 'notes' },
];

/** The server child's statement count, asked over its IPC channel (scripts/bench-statements.mjs). */
function statements(server: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not answer its statement count')), 10_000);
    server.once('message', (m: { statements: number }) => {
      clearTimeout(timer);
      resolve(m.statements);
    });
    server.send('statements');
  });
}

interface JobStatus {
  status: string;
  done: number;
  failed: number;
  total: number;
}

async function basePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([612, 792]).drawText('Invoice', { x: 50, y: 740, size: 18, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function freshPostgres(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `pdf_studio_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrateDeploy({ url: url.toString() });
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** One database: a server child, its template, then sync and job runs. Returns JSON lines. */
async function part(database: string): Promise<Record<string, unknown>[]> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pdf-studio-bench-api-'));
  const pgdb = database === 'postgres' ? await freshPostgres(process.env.TEST_DATABASE_URL!) : undefined;
  const port = await freePort();
  const server = await startServer(dataDir, port, {
    compiled: true,
    ipc: true,
    nodeArgs: ['--import', path.resolve('scripts/bench-statements.mjs')],
    env: { LOG_LEVEL: 'silent', DATABASE_URL: pgdb?.url ?? '' },
  });
  const pid = server.pid!;
  const lines: Record<string, unknown>[] = [];
  const out = (line: Record<string, unknown>) => lines.push({ database, ...line });
  try {
    const base = `http://127.0.0.1:${port}`;
    const reg = (await (
      await fetch(`${base}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bench@example.com', password: 'correct horse battery', name: 'Bench' }),
      })
    ).json()) as { accessToken: string; user: { id: string } };
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
    for (const f of FIELDS)
      await fetch(`${base}/api/templates/${tpl.templateId}/fields`, { method: 'POST', headers: json, body: JSON.stringify(f) });
    await fetch(`${base}/api/templates/${tpl.templateId}/publish`, { method: 'POST', headers: auth });

    const rss = async (stage: string) =>
      out({ stage, rssMb: (await statusKb(pid, 'VmRSS')) / 1024, peakRssMb: (await statusKb(pid, 'VmHWM')) / 1024 });
    await rss('set-up');
    if (database === wanted[0]) {
      // The job's template exactly as the engine gets it: the published version's fields and base PDF.
      const version = (await (await fetch(`${base}/api/templates/${tpl.templateId}/versions/1`, { headers: auth })).json()) as {
        fields: unknown[];
      };
      const pdf = Buffer.from(await (await fetch(`${base}/api/templates/${tpl.templateId}/pdf`, { headers: auth })).arrayBuffer());
      const spec = path.join(os.tmpdir(), `pdf-studio-bench-template-${process.pid}.json`);
      await writeFile(
        spec,
        JSON.stringify({ base: pdf.toString('base64'), fields: version.fields, records: [record(1, 1), record(2, 2)] }),
      );
      out({ templateSpec: spec });
      // Sync: hello-world and generate, at 1 and 8 connections.
      const hello = Fastify();
      hello.get('/hello', async () => ({ hello: 'world' }));
      await hello.listen({ port: 0, host: '127.0.0.1' });
      const helloUrl = `http://127.0.0.1:${(hello.server.address() as { port: number }).port}/hello`;
      const body = JSON.stringify({ data: record(7, 7) });
      const genUrl = `${base}/api/templates/${tpl.templateId}/generate`;
      const check = await fetch(genUrl, { method: 'POST', headers: { ...json, accept: 'application/pdf' }, body });
      if (check.status !== 200) throw new Error(`generate answered ${check.status}: ${await check.text()}`);
      for (const connections of [1, 8]) {
        const floor = await cannon({ url: helloUrl, connections, duration: seconds });
        const load = { url: genUrl, method: 'POST' as const, headers: { ...json, accept: 'application/pdf' }, body, connections };
        if (warmupSeconds > 0) await cannon({ ...load, duration: warmupSeconds });
        const cpu0 = await cpuMs(pid);
        const gen = await cannon({ ...load, duration: seconds });
        const cpu = (await cpuMs(pid)) - cpu0;
        out({
          sync: connections,
          hello: { rps: floor.requests.average, p50: floor.latency.p50, p99: floor.latency.p99 },
          generate: { rps: gen.requests.average, p50: gen.latency.p50, p99: gen.latency.p99, non2xx: gen.non2xx },
          // The server's CPU per request, all its threads (rendering included).
          cpuMsPerRequest: cpu / Math.max(1, gen.requests.total),
        });
      }
      await hello.close();
    }

    await rss('before jobs');
    for (const n of jobSizes) {
      const records = Array.from({ length: n }, (_, i) => record(i, n));
      const s0 = await statements(server);
      const cpu0 = await cpuMs(pid);
      const t0 = performance.now();
      const res = await fetch(`${base}/api/templates/${tpl.templateId}/jobs`, {
        method: 'POST',
        headers: { ...json, 'idempotency-key': `bench-${n}-${Date.now()}` },
        body: JSON.stringify({ records }),
      });
      if (res.status !== 202) throw new Error(`job answered ${res.status}: ${await res.text()}`);
      const { id } = ((await res.json()) as { job: { id: string } }).job;
      let job: JobStatus | undefined;
      for (;;) {
        await new Promise((r) => setTimeout(r, 250));
        const poll = await fetch(`${base}/api/jobs/${id}`, { headers: json });
        const answer = (await poll.json()) as { job?: JobStatus };
        if (!answer.job) {
          // A busy server may answer a poll with 503 (under pressure): say so, and poll again.
          console.error(`poll answered ${poll.status}: ${JSON.stringify(answer).slice(0, 200)}`);
          continue;
        }
        job = answer.job;
        if (job.status !== 'queued' && job.status !== 'running') break;
      }
      const took = (performance.now() - t0) / 1000;
      const cpu = (await cpuMs(pid)) - cpu0;
      const s1 = await statements(server);
      out({
        job: n,
        status: job!.status,
        done: job!.done,
        failed: job!.failed,
        seconds: took,
        docsPerSecond: job!.done / took,
        // The whole server: its main thread, its database thread and its engine threads.
        cpuMsPerRecord: cpu / n,
        roundTripsPerRecord: (s1 - s0) / n,
        // The server's peak since it started (the kernel's high-water mark), all jobs so far included.
        peakRssMb: (await statusKb(pid, 'VmHWM')) / 1024,
      });
    }
  } finally {
    await stopServer(server);
    await pgdb?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return lines;
}

const wanted = databases.filter((d) => d !== 'postgres' || process.env.TEST_DATABASE_URL);
if (wanted.length < databases.length) console.log('(TEST_DATABASE_URL not set: PostgreSQL lines skipped)');
console.log(
  `bench:api — ${os.availableParallelism()} CPUs, node ${process.version}, sync runs of ${seconds} s after ${warmupSeconds} s of warm-up`,
);
const lines: Record<string, unknown>[] = [];
for (const database of wanted) lines.push(...(await part(database)));

let engine = NaN;
const specLine = lines.find((l) => l.templateSpec);
if (specLine) {
  // The baseline after the servers, in a process of its own.
  const { stdout } = await run(tsx, [
    path.resolve('scripts/bench-engine-batch.ts'),
    String(specLine.templateSpec),
    String(engineRecords),
    '2',
  ]);
  engine = (JSON.parse(stdout.trim().split('\n').pop()!) as { docsPerSecond: number }).docsPerSecond;
}
console.log(`engine-batch-2-threads: ${engine.toFixed(1)} docs/s (${engineRecords} records of the job's template)`);
for (const l of lines.filter((x) => x.sync !== undefined)) {
  const h = l.hello as { rps: number; p50: number; p99: number };
  const g = l.generate as { rps: number; p50: number; p99: number; non2xx: number };
  console.log(
    `sync-${l.sync}-conn: generate ${g.rps.toFixed(1)} req/s p50 ${g.p50} ms p99 ${g.p99} ms (non-2xx ${g.non2xx}); hello-world ${h.rps.toFixed(0)} req/s p50 ${h.p50} ms p99 ${h.p99} ms; ${(l.cpuMsPerRequest as number).toFixed(2)} ms CPU/request`,
  );
}
for (const l of lines.filter((x) => x.job !== undefined)) {
  const n = l.job as number;
  const label = n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
  console.log(
    `job-${label}-${l.database}: ${(l.docsPerSecond as number).toFixed(1)} docs/s = ${((l.docsPerSecond as number) / engine).toFixed(2)}x engine batch; ${l.status} ${l.done}/${n} in ${(l.seconds as number).toFixed(1)} s; ${(l.cpuMsPerRecord as number).toFixed(2)} ms CPU/record; ${(l.roundTripsPerRecord as number).toFixed(2)} round trips/record; peak RSS ${(l.peakRssMb as number).toFixed(0)} MB`,
  );
}
for (const l of lines.filter((x) => x.stage !== undefined))
  console.log(
    `rss-${l.database}-${String(l.stage).replace(' ', '-')}: ${(l.rssMb as number).toFixed(0)} MB (peak so far ${(l.peakRssMb as number).toFixed(0)} MB)`,
  );
if (specLine) await rm(String(specLine.templateSpec), { force: true });
