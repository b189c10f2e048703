/**
 * `npm run health:uploads`: how responsive the API stays while it parses heavy PDFs. Starts the
 * embedded server (as `npm run soak` does), then runs HEALTH_UPLOADS (default 20) concurrent loops,
 * each uploading the largest corpus PDFs one after another for HEALTH_SECONDS (default 30), while
 * /health is probed every 50 ms. Prints the upload count and statuses, and /health p50/p99/max.
 * HEALTH_CPU_PROF=<dir> runs the server under `node --cpu-prof` and leaves the profile there (to
 * find what still runs on the API's thread). The server also samples its own event-loop delay
 * (scripts/event-loop-probe.mjs) over the same window, and the machine's load average is printed:
 * on a shared machine the delay is the figure least moved by other processes' load.
 * A measurement, not a test: it never fails on timing.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, startServer } from './spawn-server.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env.HEALTH_SECONDS ?? 30);
const UPLOADS = Number(process.env.HEALTH_UPLOADS ?? 20);
const HEAVIEST = Number(process.env.HEALTH_HEAVIEST ?? 10);
const CORPUS = path.resolve(ROOT, process.env.HEALTH_CORPUS ?? '../shared/corpus');
const PROFILE_DIR = process.env.HEALTH_CPU_PROF;
const PROBE = path.join(import.meta.dirname, 'event-loop-probe.mjs');

/** Asks the server's probe for its event-loop delay since the last ask (and starts a new window). */
async function eventLoopDelay(child: ChildProcess): Promise<{ samples: number; p50: number; p99: number; max: number }> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => done(new Error('no event-loop-delay line from the server')), 10_000);
    const onData = (d: Buffer) => {
      buffered += d.toString();
      const line = /event-loop-delay (\{.*\})\n/.exec(buffered);
      if (line) done(undefined, JSON.parse(line[1]!) as { samples: number; p50: number; p99: number; max: number });
    };
    const done = (err?: Error, value?: { samples: number; p50: number; p99: number; max: number }) => {
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      if (err) reject(err);
      else resolve(value!);
    };
    child.stderr!.on('data', onData);
    child.kill('SIGUSR2');
  });
}

const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function heaviest(n: number): Promise<{ name: string; bytes: Buffer }[]> {
  const files: { file: string; size: number }[] = [];
  for (const dir of ['pdf-lib', 'qpdf']) {
    const names = await readdir(path.join(CORPUS, dir)).catch(() => [] as string[]);
    for (const name of names.filter((x) => x.toLowerCase().endsWith('.pdf'))) {
      const file = path.join(CORPUS, dir, name);
      files.push({ file, size: (await stat(file)).size });
    }
  }
  files.sort((a, b) => b.size - a.size);
  return Promise.all(files.slice(0, n).map(async (f) => ({ name: path.basename(f.file), bytes: await readFile(f.file) })));
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const files = await heaviest(HEAVIEST);
  if (!files.length) throw new Error(`no corpus PDFs under ${CORPUS}`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pdf-studio-health-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = await startServer(dataDir, port, {
    nodeArgs: ['--import', PROBE, ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE_DIR)}`] : [])],
  });
  try {
    const reg = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'health@example.com', password: 'correct horse battery', name: 'Health' }),
    });
    const { accessToken } = (await reg.json()) as { accessToken: string };
    const statuses: Record<string, number> = {};
    const healthMs: number[] = [];
    const dependencyMs: Record<string, number[]> = {};
    // A first upload warms the engine pool and the database, which a running service has done long ago.
    await upload(base, accessToken, files[files.length - 1]!);
    const loadBefore = loadavg();
    await eventLoopDelay(child);
    const deadline = Date.now() + SECONDS * 1000;
    let next = 0;
    const uploaders = Array.from({ length: UPLOADS }, async () => {
      while (Date.now() < deadline) {
        const status = await upload(base, accessToken, files[next++ % files.length]!);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    });
    const prober = (async () => {
      while (Date.now() < deadline) {
        const t = performance.now();
        const res = await fetch(`${base}/health`).catch(() => undefined);
        healthMs.push(performance.now() - t);
        const body = (await res?.json().catch(() => undefined)) as { dependencies?: Record<string, { latencyMs: number }> } | undefined;
        for (const [name, d] of Object.entries(body?.dependencies ?? {})) (dependencyMs[name] ??= []).push(d.latencyMs);
        if (res?.status !== 200) statuses[`health ${res?.status ?? 'error'}`] = (statuses[`health ${res?.status ?? 'error'}`] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await Promise.all([...uploaders, prober]);
    const delay = await eventLoopDelay(child);
    const loadAfter = loadavg();
    const sorted = healthMs.sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const uploads = Object.entries(statuses).filter(([k]) => !k.startsWith('health'));
    console.log(`health under uploads: ${SECONDS} s, ${UPLOADS} concurrent uploads of the ${files.length} largest corpus PDFs`);
    console.log(`  uploads: ${uploads.reduce((n, [, c]) => n + c, 0)} ${JSON.stringify(statuses)}`);
    console.log(
      `  /health: n=${sorted.length} p50 ${ms(quantile(sorted, 0.5))} p99 ${ms(quantile(sorted, 0.99))} max ${ms(sorted.at(-1) ?? NaN)}`,
    );
    const deps = Object.entries(dependencyMs).map(([name, v]) => {
      const d = v.sort((a, b) => a - b);
      return `${name} p50 ${ms(quantile(d, 0.5))} p99 ${ms(quantile(d, 0.99))} max ${ms(d.at(-1) ?? NaN)}`;
    });
    console.log(`  /health's own checks (latencyMs in its body): ${deps.join('; ')}`);
    console.log(`  server event-loop delay: n=${delay.samples} p50 ${ms(delay.p50)} p99 ${ms(delay.p99)} max ${ms(delay.max)}`);
    console.log(`  load average (1/5/15 min): before ${loadBefore}, after ${loadAfter}; ${os.availableParallelism()} cores`);
  } finally {
    // SIGINT, not SIGTERM: node writes the --cpu-prof profile on a clean exit, which the CLI does on both.
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function upload(base: string, token: string, file: { name: string; bytes: Buffer }): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: 'application/pdf' }), file.name);
  const res = await fetch(`${base}/api/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }).catch(
    () => undefined,
  );
  await res?.arrayBuffer();
  return String(res?.status ?? 'error');
}

await main();
