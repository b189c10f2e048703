/**
 * `npm run bench:merge [-- --records N]` (default 2,000): a merged job result of N generated
 * records, the old way (every record in memory, pdf-lib copyPages + save() on the calling thread)
 * beside the streaming merge on an engine thread (src/pdf/stream-merge.ts), in one run. Records are
 * generated once into a temporary directory; each merge runs in a child process of its own reading
 * them from there, so its peak RSS (over the RSS before it started) is its own. Prints
 * `merge-2k: N ms, M MB peak, S MB = 0.NNx old size` for the new merge (on an engine thread
 * with a 256 MB heap; its peak includes starting the thread), the same merge on the calling thread, and the old one's figures.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { closeBatchPool, compileTemplate, mergeDocuments, mergeIsolated, streamMerge, type EngineField } from '@/pdf/index.js';
import { fieldInputSchema } from '@/shared/domain/field.js';
import { PDFDocument, StandardFonts } from 'pdf-lib';

const run = promisify(execFile);
const self = fileURLToPath(import.meta.url);
const { values } = parseArgs({ options: { records: { type: 'string' }, part: { type: 'string' }, dir: { type: 'string' } } });
const n = Number(values.records ?? 2000);
const file = (dir: string, i: number) => path.join(dir, `${String(i).padStart(5, '0')}.pdf`);

const FIELDS = [
  { name: 'Customer', type: 'text', page: 1, position: { x: 50, y: 100 }, size: { width: 300, height: 24 }, bindingKey: 'customer' },
  { name: 'Amount', type: 'number', page: 1, position: { x: 50, y: 140 }, size: { width: 200, height: 24 }, bindingKey: 'amount' },
  { name: 'Notes', type: 'text', page: 1, position: { x: 50, y: 200 }, size: { width: 400, height: 120 }, bindingKey: 'notes' },
].map((f, i): EngineField => ({ fieldId: `f${i}`, ...fieldInputSchema.parse(f) }));

async function generate(dir: string): Promise<void> {
  const base = await PDFDocument.create();
  const font = await base.embedFont(StandardFonts.Helvetica);
  base.addPage([595, 842]).drawText('Invoice', { x: 50, y: 780, size: 24, font });
  const t = await compileTemplate(await base.save(), FIELDS);
  for (let i = 0; i < n; i++) {
    const payload = { customer: `Customer ${i}`, amount: i, notes: `Record ${i} of ${n}. ${'Thank you for your business. '.repeat(3)}` };
    await writeFile(file(dir, i), (await t.generate(payload)).bytes);
  }
}

/** One merge in this process: prints {ms, peakMb, bytes} as JSON. */
async function part(kind: string, dir: string): Promise<void> {
  const rss0 = process.memoryUsage.rss();
  const out = path.join(dir, `${kind}.out`);
  const t0 = performance.now();
  if (kind === 'old') {
    const docs = await Promise.all(Array.from({ length: n }, (_, i) => readFile(file(dir, i))));
    await writeFile(out, await mergeDocuments(docs));
  } else if (kind === 'inproc') {
    const sink = createWriteStream(out);
    await streamMerge({ count: n, fetch: async (i) => readFile(file(dir, i)) }, async (chunk) => {
      if (!sink.write(chunk)) await once(sink, 'drain');
    });
    sink.end();
    await once(sink, 'finish');
  } else {
    const sink = createWriteStream(out);
    await mergeIsolated(
      { count: n, fetch: async (i) => readFile(file(dir, i)) },
      async (chunk) => {
        if (!sink.write(chunk)) await once(sink, 'drain');
      },
      // A bounded engine heap (ENGINE_HEAP_MB defaults to 1024): the merge must fit in it whatever N is.
      { threads: 1, heapMb: 256, renderTimeoutMs: 60_000, inspectTimeoutMs: 60_000 },
    );
    sink.end();
    await once(sink, 'finish');
  }
  const ms = performance.now() - t0;
  const peakMb = (process.resourceUsage().maxRSS * 1024 - rss0) / 2 ** 20;
  console.log(JSON.stringify({ ms, peakMb, bytes: (await stat(out)).size }));
  await closeBatchPool();
}

async function main(): Promise<void> {
  if (values.part) return part(values.part, values.dir!);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-merge-'));
  try {
    await generate(dir);
    const tsx = path.resolve('node_modules/.bin/tsx');
    const measure = async (kind: string) =>
      JSON.parse(
        (await run(tsx, [self, '--part', kind, '--dir', dir, '--records', String(n)], { maxBuffer: 1 << 20 })).stdout
          .trim()
          .split('\n')
          .pop()!,
      ) as {
        ms: number;
        peakMb: number;
        bytes: number;
      };
    const old = await measure('old');
    const neu = await measure('new');
    const inproc = await measure('inproc');
    const mb = (b: number) => (b / 2 ** 20).toFixed(1);
    const label = n % 1000 === 0 ? `${n / 1000}k` : String(n);
    console.log(
      `merge-${label}: ${Math.round(neu.ms)} ms, ${Math.round(neu.peakMb)} MB peak, ${mb(neu.bytes)} MB = ${(neu.bytes / old.bytes).toFixed(2)}x old size`,
    );
    console.log(
      `merge-${label} streaming on the calling thread (no pool): ${Math.round(inproc.ms)} ms, ${Math.round(inproc.peakMb)} MB peak`,
    );
    console.log(
      `merge-${label} old (in memory, copyPages + save): ${Math.round(old.ms)} ms, ${Math.round(old.peakMb)} MB peak, ${mb(old.bytes)} MB`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
