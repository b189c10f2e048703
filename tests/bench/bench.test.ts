/**
 * Smoke test of the bench code path with a handful of records: every engine runs on both
 * templates, and each engine's outputs are real PDFs whose extracted text holds the record.
 * Deliberately no timing assertion (the figures come from `npm run bench`).
 */
import { describe, expect, it } from 'vitest';
import { buildTemplates, makeRecords } from '../../bench/lib/fixtures.js';
import { naivePdfLib, ours, oursBatch, pdfme } from '../../bench/lib/engines.js';
import { runBench } from '../../bench/lib/run.js';
import { pageTexts, verifyDocument } from '../../bench/lib/verify.js';
import { table } from '../../bench/lib/stats.js';
import { arabicLines, arabicRecords, benchArabic } from '../../bench/lib/arabic.js';

describe('bench', () => {
  it('builds deterministic base PDFs and records with accented Latin text', async () => {
    const [a, b] = [await buildTemplates(), await buildTemplates()];
    expect(a.map((t) => [t.name, t.fields.length])).toEqual([
      ['invoice', 30],
      ['20-page', 60],
    ]);
    expect(Buffer.from(a[0].base).equals(Buffer.from(b[0].base))).toBe(true);
    expect(Buffer.from(a[1].base).equals(Buffer.from(b[1].base))).toBe(true);
    expect((await pageTexts(a[1].base)).length).toBe(20);
    const recs = makeRecords(a[0], 50);
    expect(recs).toEqual(makeRecords(a[0], 50));
    expect(Object.keys(recs[0])).toHaveLength(30);
    expect(recs.map((r) => Object.values(r).join(' ')).join(' ')).toMatch(/[éñüøłő]/);
  });

  it('every engine writes PDFs that contain each record', async () => {
    const templates = await buildTemplates();
    for (const t of templates) {
      const records = makeRecords(t, 2);
      const pages = t.name === 'invoice' ? 1 : 20;
      for (const engine of [ours, naivePdfLib, pdfme]) {
        const gen = await engine.prepare(t);
        for (const rec of records) {
          const bytes = await gen(rec);
          expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1'), engine.name).toBe('%PDF-');
          const v = await verifyDocument(bytes, rec, pages, t.base);
          expect(v.missing, `${engine.name} ${t.name}`).toEqual([]);
          expect(v.ok).toBe(true);
        }
      }
    }
  }, 180_000);

  it('the verifier rejects a document that lacks the record', async () => {
    const [t] = await buildTemplates();
    const [rec] = makeRecords(t, 1);
    const v = await verifyDocument(t.base, rec, 1, t.base);
    expect(v.ok).toBe(false);
    expect(v.missing.length).toBe(new Set(Object.values(rec)).size);
  });

  it('the batch run produces verified documents', async () => {
    const [t] = await buildTemplates();
    const records = makeRecords(t, 3);
    const run = await oursBatch(t, records, 2);
    expect(run.failed).toBe(0);
    expect(run.bytes.every((n) => n > 1000)).toBe(true);
    expect((await verifyDocument(run.first!, records[0], 1, t.base)).ok).toBe(true);
  }, 120_000);

  it('runBench reports every engine, verified, with ratios', async () => {
    const report = await runBench({ records: 2, warmup: 1, templates: ['invoice'], engines: ['ours', 'naive', 'pdfme'] });
    expect(report.results.map((r) => r.engine)).toEqual(['ours', 'naive pdf-lib', '@pdfme/generator']);
    for (const r of report.results) {
      expect(r.verified, r.engine).toBe(true);
      expect(r.docsPerSec).toBeGreaterThan(0);
      expect(r.bytesPerDoc).toBeGreaterThan(1000);
    }
    expect(report.templates[0].vsPdfme).toBeGreaterThan(0);
    expect(table(report.results)).toContain('@pdfme/generator');
  }, 120_000);

  it('invoice-arabic: Arabic records with numbers inside, ours verified, the line says the comparison is of speed only', async () => {
    const [t] = await buildTemplates();
    const recs = arabicRecords(t, 3);
    expect(recs).toEqual(arabicRecords(t, 3));
    expect(recs[0].customerName).toMatch(/\p{Script=Arabic}/u);
    expect(recs[0].customerStreet).toMatch(/\p{Script=Arabic}.* \d+$/u);
    const r = await benchArabic(2, 1);
    expect(r.verified).toBe(true);
    expect(r.ratio).toBeGreaterThan(0);
    const [line] = arabicLines(r);
    expect(line).toMatch(/^invoice-arabic: \d+\.\dx vs pdfme \(speed only: pdfme draws this Arabic wrongly/);
  }, 120_000);
});
