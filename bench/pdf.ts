/**
 * `npm run bench [-- --records N] [--engines ours,batch,naive,pdfme] [--templates invoice,20-page,invoice-table,label-sheet,invoice-arabic]
 *  [--concurrency N] [--warmup N] [--out file.json]`
 * PDF generation throughput: ours (compiled template, sequential and batch) beside a naive
 * pdf-lib fill and @pdfme/generator on the same base PDFs, fields, font and records. Prints a
 * table and one ratio line per template (invoice-table: a 50-row table continued onto a second
 * page, beside pdfme's table schema; bench/lib/table.ts; label-sheet: a repeating group at 10, 100
 * and 1,000 labels; bench/lib/group.ts; invoice-arabic: the invoice with Arabic names and addresses,
 * a speed comparison only, since pdfme draws Arabic wrongly; bench/lib/arabic.ts), writes
 * bench/results/latest.json (or --out).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { arabicLines, benchArabic } from './lib/arabic.js';
import { benchCombed } from './lib/combed.js';
import { ENGINE_NAMES, runBench, type BenchReport, type EngineName } from './lib/run.js';
import { table } from './lib/stats.js';
import { outputBench, outputLines } from './lib/output.js';
import { buildTemplates } from './lib/fixtures.js';
import { benchGroup, groupLines } from './lib/group.js';
import { benchTable, tableLines } from './lib/table.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function positiveInt(name: string, v: string | undefined, dflt: number | undefined): number | undefined {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${v}"`);
  return n;
}

export function summaryLines(report: BenchReport): string[] {
  const lines: string[] = [];
  for (const s of report.templates) {
    if (s.vsPdfme !== undefined) lines.push(`${s.template}: ${s.vsPdfme.toFixed(1)}x vs pdfme`);
  }
  for (const s of report.templates) {
    const row = (e: string): number | undefined =>
      report.results.find((r) => r.template === s.template && r.engine.startsWith(e))?.bytesPerDoc;
    const o = row('ours'),
      p = row('@pdfme'),
      nv = row('naive');
    if (o !== undefined && p !== undefined)
      lines.push(
        `${s.template}: bytes/doc ours ${Math.round(o)} vs pdfme ${Math.round(p)} (${(o / p).toFixed(2)}x)${nv !== undefined ? `, naive pdf-lib ${Math.round(nv)}` : ''}`,
      );
    if (s.vsNaive !== undefined) lines.push(`${s.template}: ${s.vsNaive.toFixed(1)}x vs naive pdf-lib`);
    if (s.batchVsPdfme !== undefined)
      lines.push(
        `${s.template}: batch warm ${s.batchVsPdfme.toFixed(1)}x vs pdfme${s.batchWarmVsOurs !== undefined ? `, ${s.batchWarmVsOurs.toFixed(2)}x ours single-thread` : ''}${s.poolStartMs !== undefined ? ` (pool start-up ${Math.round(s.poolStartMs)} ms, paid once per process)` : ''}`,
      );
    if (s.batchColdVsPdfme !== undefined)
      lines.push(
        `${s.template}: batch cold ${s.batchColdVsPdfme.toFixed(1)}x vs pdfme${s.batchColdVsOurs !== undefined ? `, ${s.batchColdVsOurs.toFixed(2)}x ours single-thread` : ''} (${s.batchColdPoolStarted ? 'started the pool mid-batch' : 'stayed in-process: too small to repay the pool start-up'})`,
      );
  }
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string' },
      warmup: { type: 'string' },
      engines: { type: 'string' },
      templates: { type: 'string' },
      concurrency: { type: 'string' },
      out: { type: 'string' },
      quiet: { type: 'boolean' },
      'combed-docs': { type: 'string' },
    },
  });
  const engines = values.engines?.split(',').map((s) => s.trim()) as EngineName[] | undefined;
  for (const e of engines ?? []) if (!ENGINE_NAMES.includes(e)) throw new Error(`unknown engine "${e}" (${ENGINE_NAMES.join(', ')})`);
  const named = values.templates?.split(',').map((s) => s.trim());
  const templates = named?.filter((t) => !['invoice-table', 'label-sheet', 'invoice-arabic'].includes(t)) as
    ('invoice' | '20-page')[] | undefined;
  const records = positiveInt('records', values.records, 500)!;
  const report = await runBench({
    records,
    engines,
    templates,
    warmup: positiveInt('warmup', values.warmup, undefined),
    concurrency: positiveInt('concurrency', values.concurrency, undefined),
    log: values.quiet ? undefined : (l) => process.stderr.write(`${l}\n`),
  });
  console.log(
    `\nPDF generation bench — ${records} records, warm-up ${report.warmup}, node ${report.node}, ${report.cpus} cores, load ${report.loadavg.map((l) => l.toFixed(1)).join(' ')}\n`,
  );
  console.log(table(report.results));
  console.log('');
  for (const l of summaryLines(report)) console.log(l);
  if ((!templates || templates.includes('invoice')) && (!engines || engines.includes('ours'))) {
    const invoice = (await buildTemplates()).find((t) => t.name === 'invoice')!;
    const variants = await outputBench(invoice, Math.min(records, 200), report.warmup);
    for (const l of outputLines(variants)) console.log(l);
    if (variants.some((v) => !v.verified)) process.exitCode = 1;
  }
  if (!named || named.includes('invoice-table')) {
    const tableResult = await benchTable(records, report.warmup, values.quiet ? undefined : (l) => process.stderr.write(`${l}\n`));
    for (const l of tableLines(tableResult)) console.log(l);
    if (!tableResult.verified) process.exitCode = 1;
  }
  if (!named || named.includes('label-sheet')) {
    const groupResult = await benchGroup(report.warmup, values.quiet ? undefined : (l) => process.stderr.write(`${l}\n`));
    for (const l of groupLines(groupResult)) console.log(l);
    if (!groupResult.verified) process.exitCode = 1;
  }
  if (!named || named.includes('invoice-arabic')) {
    const arabic = await benchArabic(
      Math.min(records, 200),
      report.warmup,
      values.quiet ? undefined : (l) => process.stderr.write(`${l}\n`),
    );
    for (const l of arabicLines(arabic)) console.log(l);
    if (!arabic.verified) process.exitCode = 1;
  }
  // The 726-field form of the corpus: filling its own fields, beside plain pdf-lib, same process.
  const combed = await benchCombed(positiveInt('combed-docs', values['combed-docs'], 5)!);
  if (combed)
    console.log(
      `combed-726: ${combed.ratio.toFixed(1)}x vs pdf-lib (ours ${Math.round(combed.oursMs / combed.documents)} ms/doc, pdf-lib fill-and-flatten ${Math.round(combed.pdfLibMs / combed.documents)} ms/doc, ${combed.fields} fields)`,
    );
  else console.log('combed-726: skipped (the shared corpus is absent)');
  const out = values.out ?? path.join(here, 'results', 'latest.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nresults: ${path.relative(process.cwd(), out)}`);
  if (report.results.some((r) => !r.verified)) {
    console.error('some engine produced output that does not contain its record (see "verified")');
    process.exitCode = 1;
  }
}

await main();
