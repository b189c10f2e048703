/**
 * `npm run soak`: the embedded server as a child process on loopback, fed for SOAK_SECONDS
 * (default 120) with a mix of normal requests (generate, upload) and hostile ones (oversized text,
 * image bombs, huge signatures, deep JSON, NUL, truncated multipart, broken and heavy PDFs), while
 * /health is probed every 100 ms. Prints status counts per kind, /health p50/p99/max, and the
 * server's RSS at start, at the end and after SOAK_REST_SECONDS (default 60) of rest. Exits 1 when
 * any request answered 5xx or a normal request failed.
 *
 * Hand-written rather than autocannon: each request kind has its own expected outcome, and the
 * hostile bodies are built per kind (autocannon replays fixed requests and counts only codes).
 */
import { readdir, readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { dataUrl, jpegDeclaring, pngDeclaring, strokes } from '../tests/hostile/bombs.js';
import { freePort, rssMb, startServer } from './spawn-server.js';

const ROOT = path.resolve(import.meta.dirname, '..');
/** A request with no answer after this long is counted as 'timeout' (a failure). */
const REQUEST_DEADLINE_MS = Number(process.env.SOAK_REQUEST_DEADLINE_MS ?? 60_000);
const fetch: typeof globalThis.fetch = (input, init) =>
  globalThis.fetch(input, { signal: AbortSignal.timeout(REQUEST_DEADLINE_MS), ...init });
const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const REST_SECONDS = Number(process.env.SOAK_REST_SECONDS ?? 60);
const HEAVY_UPLOADS = Number(process.env.SOAK_HEAVY_UPLOADS ?? 4);
const CORPUS = path.resolve(ROOT, process.env.SOAK_CORPUS ?? '../shared/corpus');

interface Tally {
  statuses: Record<string, number>;
  count: number;
}
const tallies = new Map<string, Tally>();
function record(kind: string, status: number | 'error' | 'timeout'): void {
  const t = tallies.get(kind) ?? { statuses: {}, count: 0 };
  t.statuses[String(status)] = (t.statuses[String(status)] ?? 0) + 1;
  t.count++;
  tallies.set(kind, t);
}

/** A request that failed without an answer: 'timeout' past the deadline, else 'error'. */
const failure = (err: unknown): { status: 'timeout' | 'error'; body: null; arrayBuffer(): Promise<void> } => ({
  status: err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'error',
  body: null,
  arrayBuffer: async () => undefined,
});

async function basePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText('Soak invoice', { x: 50, y: 800, size: 18, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}

/** The largest PDFs of the corpus (heavy to parse) and the ones the engine refuses (broken). */
async function corpusFiles(): Promise<{ heavy: string[]; all: string[] }> {
  const all: { file: string; size: number }[] = [];
  for (const dir of ['pdf-lib', 'qpdf']) {
    const folder = path.join(CORPUS, dir);
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.toLowerCase().endsWith('.pdf'))) {
      const file = path.join(folder, name);
      all.push({ file, size: (await stat(file)).size });
    }
  }
  all.sort((a, b) => b.size - a.size);
  return { heavy: all.slice(0, 20).map((f) => f.file), all: all.map((f) => f.file) };
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const say = (m: string) => process.env.SOAK_DEBUG && console.error(`[soak] ${m}`);

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pdf-studio-soak-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = await startServer(dataDir, port);
  say(`server up on ${base}`);
  const pid = child.pid!;
  const json = { 'content-type': 'application/json' };
  try {
    const reg = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'soak@example.com', password: 'correct horse battery', name: 'Soak' }),
    });
    const { accessToken } = (await reg.json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}` };
    const upload = (bytes: Uint8Array | Buffer, name = 'file.pdf', type = 'application/pdf') => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
      return fetch(`${base}/api/files`, { method: 'POST', headers: auth, body: form });
    };
    const file = (await (await upload(await basePdf(), 'invoice.pdf')).json()) as { file: { id: string } };
    const created = await fetch(`${base}/api/templates`, {
      method: 'POST',
      headers: { ...auth, ...json },
      body: JSON.stringify({ fileId: file.file.id, name: 'Soak' }),
    });
    const templateId = ((await created.json()) as { template: { templateId: string } }).template.templateId;
    const fields = [
      { name: 'Customer', type: 'text', bindingKey: 'customer.name', position: { x: 50, y: 100 }, size: { width: 300, height: 24 } },
      { name: 'Logo', type: 'image', bindingKey: 'logo', position: { x: 50, y: 200 }, size: { width: 100, height: 100 } },
      { name: 'Signed', type: 'signature', bindingKey: 'sig', position: { x: 50, y: 400 }, size: { width: 200, height: 60 } },
    ];
    const put = await fetch(`${base}/api/templates/${templateId}/fields`, {
      method: 'PUT',
      headers: { ...auth, ...json },
      body: JSON.stringify({ fields: fields.map((f) => ({ ...f, page: 1 })) }),
    });
    if (put.status !== 200) throw new Error(`fields: ${put.status} ${await put.text()}`);
    await fetch(`${base}/api/templates/${templateId}/publish`, { method: 'POST', headers: auth });
    const { heavy, all } = await corpusFiles();
    say(`template ${templateId}, corpus ${all.length}`);

    const generate = (data: unknown) =>
      fetch(`${base}/api/templates/${templateId}/generate`, {
        method: 'POST',
        headers: { ...auth, ...json, accept: 'application/pdf' },
        body: typeof data === 'string' ? data : JSON.stringify({ data }),
      });
    const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const hostile: [string, () => Promise<Response>][] = [
      ['text 4 MB', () => generate({ customer: { name: 'x'.repeat(4 * 1024 * 1024) } })],
      ['png 8000x8000', () => generate({ logo: dataUrl(pngDeclaring(8000, 8000), 'png') })],
      ['png 50000x50000', () => generate({ logo: dataUrl(pngDeclaring(50_000, 50_000), 'png') })],
      ['jpeg 65500x65500', () => generate({ logo: dataUrl(jpegDeclaring(65_500, 65_500), 'jpeg') })],
      ['signature 200k points', () => generate({ sig: strokes(200_000) })],
      ['data nested 100k', () => generate(`{"data":${deep(100_000)}}`)],
      [
        'job record nested 100k',
        () =>
          fetch(`${base}/api/templates/${templateId}/jobs`, {
            method: 'POST',
            headers: { ...auth, ...json },
            body: `{"records":[${deep(100_000)}]}`,
          }),
      ],
      [
        'NUL in profile',
        () => fetch(`${base}/api/profile`, { method: 'PATCH', headers: { ...auth, ...json }, body: JSON.stringify({ name: 'a\u0000b' }) }),
      ],
      [
        'truncated multipart',
        () =>
          fetch(`${base}/api/files`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'multipart/form-data; boundary=XYZ' },
            body: '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n',
          }),
      ],
      ['not a PDF', () => upload(Buffer.from('GIF89a not a pdf at all'), 'x.pdf')],
      [
        'webhook to loopback',
        () =>
          fetch(`${base}/api/templates/${templateId}/jobs`, {
            method: 'POST',
            headers: { ...auth, ...json },
            body: JSON.stringify({ records: [{}], webhookUrl: 'http://127.1:9/hook' }),
          }),
      ],
    ];

    const rssStart = await rssMb(pid);
    const deadline = Date.now() + SECONDS * 1000;
    const healthMs: number[] = [];
    const loops: Promise<void>[] = [];
    const loop = (fn: () => Promise<void>) =>
      loops.push(
        (async () => {
          while (Date.now() < deadline) await fn();
        })(),
      );

    loop(async () => {
      const t = performance.now();
      const res = await fetch(`${base}/health`).catch(failure);
      healthMs.push(performance.now() - t);
      record('health', res.status);
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 100));
    });
    for (let i = 0; i < 2; i++)
      loop(async () => {
        const res = await generate({ customer: { name: `Ada ${Math.random()}` } }).catch(failure);
        record('normal generate', res.status);
        await res.arrayBuffer();
      });
    let h = 0;
    for (let i = 0; i < 2; i++)
      loop(async () => {
        const [kind, send] = hostile[h++ % hostile.length]!;
        const res = await send().catch(failure);
        record(`hostile: ${kind}`, res.status);
        await res.arrayBuffer();
      });
    let c = 0;
    for (let i = 0; i < HEAVY_UPLOADS; i++)
      loop(async () => {
        const heavyTurn = c % 2 === 0;
        const list = heavyTurn && heavy.length ? heavy : all;
        if (!list.length) return void (await new Promise((r) => setTimeout(r, 1000)));
        const name = list[c++ % list.length]!;
        const res = await upload(await readFile(name), path.basename(name)).catch(failure);
        record(heavyTurn ? 'upload: heavy corpus PDF' : 'upload: corpus PDF', res.status);
        await res.arrayBuffer();
      });
    await Promise.all(loops);
    const rssEnd = await rssMb(pid);
    await new Promise((r) => setTimeout(r, REST_SECONDS * 1000));
    const rssRest = await rssMb(pid);

    const sorted = [...healthMs].sort((a, b) => a - b);
    let failed = false;
    console.log(`soak: ${SECONDS} s, ${HEAVY_UPLOADS} upload loops, corpus ${all.length} files`);
    for (const [kind, t] of [...tallies].sort()) {
      const fives = Object.entries(t.statuses).filter(([s]) => s.startsWith('5') || s === 'error' || s === 'timeout');
      const normalBad = (kind === 'normal generate' || kind === 'health') && Object.keys(t.statuses).some((s) => s !== '200');
      if (fives.length || normalBad) failed = true;
      console.log(
        `  ${kind.padEnd(32)} ${String(t.count).padStart(6)}  ${JSON.stringify(t.statuses)}${fives.length || normalBad ? '  <- FAIL' : ''}`,
      );
    }
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(
      `/health: n=${sorted.length} p50 ${ms(quantile(sorted, 0.5))} p99 ${ms(quantile(sorted, 0.99))} max ${ms(sorted.at(-1) ?? NaN)}`,
    );
    console.log(`server RSS: start ${rssStart} MB, end ${rssEnd} MB, after ${REST_SECONDS} s rest ${rssRest} MB`);
    process.exitCode = failed ? 1 : 0;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
