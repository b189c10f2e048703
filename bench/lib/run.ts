/**
 * The bench itself, as a function (the CLI in bench/pdf.ts prints it; tests/bench runs it with a
 * handful of records). Sequential engines are timed per document, interleaved in rounds so that
 * load from other processes on a shared machine hits every engine alike; the batch run is timed
 * as a whole.
 */
import os from 'node:os';
import { buildTemplates, makeRecords, type BenchTemplate } from './fixtures.js';
import { closeBatchPool, batchPoolStats } from '@/pdf/index.js';
import { naivePdfLib, ours, oursBatch, pdfme, type BatchRun, type DocFn, type SequentialEngine } from './engines.js';
import { mean, percentile, type EngineResult } from './stats.js';
import { verifyDocument } from './verify.js';

export const ENGINE_NAMES = ['ours', 'batch', 'naive', 'pdfme'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export interface BenchOptions {
  records: number;
  warmup?: number;
  /** Documents per engine per round (interleaving). */
  round?: number;
  engines?: readonly EngineName[];
  templates?: readonly BenchTemplate['name'][];
  /** Worker threads of the batch run (default: every core). */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface TemplateSummary {
  template: string;
  pages: number;
  fields: number;
  baseBytes: number;
  prepareMs: Record<string, number>;
  /** Wall time of the warm batch's warm-up run (pool start-up when the cold run did not start it, plus a few documents). */
  batchWarmupMs?: number;
  /** Start-up of the last pool started (until a thread had loaded the engine and compiled). */
  poolStartMs?: number;
  /** The cold batch run started the worker pool (its estimate said the rest outlasts the start-up). */
  batchColdPoolStarted?: boolean;
  vsPdfme?: number;
  vsNaive?: number;
  batchVsPdfme?: number;
  batchColdVsPdfme?: number;
  batchWarmVsOurs?: number;
  batchColdVsOurs?: number;
  bytesVsPdfme?: number;
}

export interface BenchReport {
  date: string;
  node: string;
  cpus: number;
  loadavg: number[];
  records: number;
  warmup: number;
  results: EngineResult[];
  templates: TemplateSummary[];
}

const SEQUENTIAL: Record<Exclude<EngineName, 'batch'>, SequentialEngine> = { ours, naive: naivePdfLib, pdfme };

async function timeSequential(
  t: BenchTemplate,
  names: Exclude<EngineName, 'batch'>[],
  records: Record<string, string>[],
  opts: Required<Pick<BenchOptions, 'warmup' | 'round'>>,
  summary: TemplateSummary,
  log: (s: string) => void,
): Promise<EngineResult[]> {
  const fns = new Map<string, DocFn>();
  for (const n of names) {
    const t0 = performance.now();
    fns.set(n, await SEQUENTIAL[n].prepare(t));
    summary.prepareMs[SEQUENTIAL[n].name] = performance.now() - t0;
  }
  // Warm-up: JIT, font parsing and caches, outside the timed loop.
  for (const [n, fn] of fns) {
    for (let i = 0; i < opts.warmup; i++) await fn(records[i % records.length]);
    log(`  ${t.name}: ${SEQUENTIAL[n as keyof typeof SEQUENTIAL].name} warmed up (${opts.warmup} docs)`);
  }
  const times = new Map<string, number[]>(names.map((n) => [n, []]));
  const sizes = new Map<string, number[]>(names.map((n) => [n, []]));
  const firsts = new Map<string, Uint8Array>();
  for (let start = 0; start < records.length; start += opts.round) {
    const end = Math.min(records.length, start + opts.round);
    for (const [n, fn] of fns) {
      for (let i = start; i < end; i++) {
        const t0 = performance.now();
        const bytes = await fn(records[i]);
        times.get(n)!.push(performance.now() - t0);
        sizes.get(n)!.push(bytes.length);
        if (i === 0) firsts.set(n, bytes);
      }
    }
    log(`  ${t.name}: ${end}/${records.length} records`);
  }
  const out: EngineResult[] = [];
  for (const n of names) {
    const ts = times.get(n)!;
    const sorted = [...ts].sort((a, b) => a - b);
    const total = ts.reduce((a, b) => a + b, 0);
    const v = await verifyDocument(firsts.get(n)!, records[0], t.name === 'invoice' ? 1 : 20, t.base);
    out.push({
      template: t.name,
      engine: SEQUENTIAL[n].name,
      records: ts.length,
      totalMs: total,
      docsPerSec: (ts.length * 1000) / total,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      bytesPerDoc: mean(sizes.get(n)!),
      verified: v.ok,
      missing: v.missing,
    });
  }
  return out;
}

function batchRow(
  t: BenchTemplate,
  label: string,
  records: Record<string, string>[],
  run: BatchRun,
  v: { ok: boolean; missing: string[] },
): EngineResult {
  return {
    template: t.name,
    engine: label,
    records: records.length - run.failed,
    totalMs: run.ms,
    docsPerSec: ((records.length - run.failed) * 1000) / run.ms,
    bytesPerDoc: mean(run.bytes.filter((b) => b !== undefined)),
    verified: v.ok && run.failed === 0,
    missing: v.missing,
  };
}

/**
 * Two batch rows. Cold: no pool running (as in a fresh process), so the batch starts in this
 * thread and starts the pool only if the rest of the work would outlast its start-up. Warm: the
 * process's pool already running (as in a server after its first batch), measured after a
 * warm-up batch forced onto the workers.
 */
async function timeBatch(
  t: BenchTemplate,
  records: Record<string, string>[],
  warmup: number,
  concurrency: number | undefined,
  summary: TemplateSummary,
): Promise<EngineResult[]> {
  const threads = concurrency ?? os.availableParallelism();
  const verify = async (run: BatchRun): Promise<{ ok: boolean; missing: string[] }> =>
    run.first ? verifyDocument(run.first, records[0], t.name === 'invoice' ? 1 : 20, t.base) : { ok: false, missing: ['(no output)'] };
  await closeBatchPool();
  const starts = batchPoolStats().starts;
  const cold = await oursBatch(t, records, concurrency);
  summary.batchColdPoolStarted = batchPoolStats().starts > starts;
  const t0 = performance.now();
  await oursBatch(t, records.slice(0, Math.max(threads * 4, warmup)), concurrency, 'workers');
  summary.batchWarmupMs = performance.now() - t0;
  summary.poolStartMs = batchPoolStats().lastStartMs;
  const warm = await oursBatch(t, records, concurrency);
  return [
    batchRow(t, `ours batch cold (${threads} thr)`, records, cold, await verify(cold)),
    batchRow(t, `ours batch warm (${threads} thr)`, records, warm, await verify(warm)),
  ];
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = options.log ?? (() => {});
  const engines = options.engines ?? ENGINE_NAMES;
  const warmup = options.warmup ?? Math.min(20, Math.max(2, Math.ceil(options.records / 10)));
  const round = options.round ?? 25;
  const report: BenchReport = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.availableParallelism(),
    loadavg: os.loadavg(),
    records: options.records,
    warmup,
    results: [],
    templates: [],
  };
  for (const t of await buildTemplates()) {
    if (options.templates && !options.templates.includes(t.name)) continue;
    const records = makeRecords(t, options.records);
    const summary: TemplateSummary = {
      template: t.name,
      pages: t.name === 'invoice' ? 1 : 20,
      fields: t.fields.length,
      baseBytes: t.base.length,
      prepareMs: {},
    };
    const seq = engines.filter((e): e is Exclude<EngineName, 'batch'> => e !== 'batch');
    const rows = seq.length ? await timeSequential(t, seq, records, { warmup, round }, summary, log) : [];
    if (engines.includes('batch')) {
      log(`  ${t.name}: batch run`);
      rows.splice(seq.includes('ours') ? 1 : 0, 0, ...(await timeBatch(t, records, warmup, options.concurrency, summary)));
    }
    const by = (name: string): EngineResult | undefined => rows.find((r) => r.engine === name);
    const o = by(ours.name),
      p = by(pdfme.name),
      nv = by(naivePdfLib.name),
      b = rows.find((r) => r.engine.startsWith('ours batch warm')),
      bc = rows.find((r) => r.engine.startsWith('ours batch cold'));
    if (o && p) summary.vsPdfme = o.docsPerSec / p.docsPerSec;
    if (o && nv) summary.vsNaive = o.docsPerSec / nv.docsPerSec;
    if (b && p) summary.batchVsPdfme = b.docsPerSec / p.docsPerSec;
    if (bc && p) summary.batchColdVsPdfme = bc.docsPerSec / p.docsPerSec;
    if (b && o) summary.batchWarmVsOurs = b.docsPerSec / o.docsPerSec;
    if (bc && o) summary.batchColdVsOurs = bc.docsPerSec / o.docsPerSec;
    if (o && p) summary.bytesVsPdfme = o.bytesPerDoc / p.bytesPerDoc;
    report.results.push(...rows);
    report.templates.push(summary);
  }
  return report;
}
