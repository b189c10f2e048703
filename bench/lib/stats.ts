/** Summary statistics and the printed table. */

export interface EngineResult {
  template: string;
  engine: string;
  records: number;
  totalMs: number;
  docsPerSec: number;
  /** Per-document latency; undefined for the batch run (documents overlap across workers). */
  p50Ms?: number;
  p95Ms?: number;
  bytesPerDoc: number;
  verified: boolean;
  missing: string[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  // Nearest-rank method.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

const fmt = (x: number | undefined, d = 1): string => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));

export function table(rows: EngineResult[]): string {
  const head = ['template', 'engine', 'docs', 'docs/sec', 'p50 ms', 'p95 ms', 'bytes/doc', 'verified'];
  const body = rows.map((r) => [
    r.template,
    r.engine,
    String(r.records),
    fmt(r.docsPerSec),
    fmt(r.p50Ms, 2),
    fmt(r.p95Ms, 2),
    String(Math.round(r.bytesPerDoc)),
    r.verified ? 'yes' : `NO (${r.missing.length} missing)`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
