/**
 * npm run bench:api — synchronous generation over HTTP on the embedded runtime, beside a
 * hello-world Fastify route in the same run (the floor: what HTTP alone costs on this machine).
 * Prints requests/s and latency p50/p99 of both and the ratio. autocannon drives both.
 *
 *   BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 4)
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
const server = await startServer(loadConfig({ ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '1000000', DATABASE_URL: '' }));
const hello = Fastify();
hello.get('/hello', async () => ({ hello: 'world' }));
await hello.listen({ port: 0, host: '127.0.0.1' });
const helloUrl = `http://127.0.0.1:${(hello.server.address() as { port: number }).port}/hello`;

try {
  const base = server.url;
  const reg = (await (await fetch(`${base}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@example.com', password: 'correct horse battery', name: 'Bench' }) })).json()) as { accessToken: string };
  const auth = { authorization: `Bearer ${reg.accessToken}` };
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(await basePdf())], { type: 'application/pdf' }), 'invoice.pdf');
  const file = ((await (await fetch(`${base}/api/files`, { method: 'POST', headers: auth, body: form })).json()) as { file: { id: string } }).file;
  const json = { ...auth, 'content-type': 'application/json' };
  const tpl = ((await (await fetch(`${base}/api/templates`, { method: 'POST', headers: json, body: JSON.stringify({ fileId: file.id, name: 'Invoice' }) })).json()) as { template: { templateId: string } }).template;
  const fields = [
    { name: 'Customer', type: 'text', page: 1, position: { x: 50, y: 100 }, size: { width: 300, height: 24 }, bindingKey: 'customer' },
    { name: 'Amount', type: 'number', page: 1, position: { x: 50, y: 140 }, size: { width: 200, height: 24 }, bindingKey: 'amount' },
    { name: 'Notes', type: 'textarea', page: 1, position: { x: 50, y: 200 }, size: { width: 400, height: 120 }, bindingKey: 'notes' },
  ];
  for (const f of fields) await fetch(`${base}/api/templates/${tpl.templateId}/fields`, { method: 'POST', headers: json, body: JSON.stringify(f) });
  await fetch(`${base}/api/templates/${tpl.templateId}/publish`, { method: 'POST', headers: auth });
  const body = JSON.stringify({ data: { customer: 'Ada Lovelace', amount: 1234.5, notes: 'Thank you for your business. '.repeat(5) } });
  const genUrl = `${base}/api/templates/${tpl.templateId}/generate`;
  const check = await fetch(genUrl, { method: 'POST', headers: { ...json, accept: 'application/pdf' }, body });
  if (check.status !== 200) throw new Error(`generate answered ${check.status}: ${await check.text()}`);

  const floor = await run({ url: helloUrl, connections, duration: seconds });
  const gen = await run({ url: genUrl, method: 'POST', headers: { ...json, accept: 'application/pdf' }, body, connections, duration: seconds });
  const row = (name: string, r: autocannon.Result) =>
    `${name.padEnd(34)} ${r.requests.average.toFixed(1).padStart(9)} req/s   p50 ${String(r.latency.p50).padStart(5)} ms   p99 ${String(r.latency.p99).padStart(5)} ms   non-2xx ${r.non2xx}`;
  console.log(`\n${connections} connections, ${seconds} s each, ${os.cpus().length} CPUs, node ${process.version}`);
  console.log(row('hello-world Fastify (floor)', floor));
  console.log(row('POST /generate (application/pdf)', gen));
  console.log(`ratio: generation throughput is ${((gen.requests.average / floor.requests.average) * 100).toFixed(2)}% of the floor (${(floor.requests.average / gen.requests.average).toFixed(1)}× slower); mean latency ${gen.latency.average.toFixed(1)} ms vs ${floor.latency.average.toFixed(2)} ms`);
} finally {
  await hello.close();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
