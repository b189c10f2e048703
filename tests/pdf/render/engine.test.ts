import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { compileTemplate, generateBatch, mergeDocuments, preflight, type GeneratedDocument } from '@/pdf/index.js';
import { findText, hasPdftoppm, pageText, renderPageToPng } from '../../helpers/pdf-readback.js';
import { field, makeBase, TOL } from './support.js';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus/pdf-lib');

describe('compiled templates: incremental output over the untouched base', () => {
  it.each([false, true])(
    'appends an update after the base bytes (xref stream base: %s) that pdf.js, pdf-lib and poppler read',
    async (xrefStream) => {
      const base = await makeBase(2, { xrefStream });
      const f1 = field({ bindingKey: 'a', position: { x: 100, y: 100 } });
      const f2 = field({ bindingKey: 'b', page: 2, position: { x: 300, y: 500 } });
      const t = await compileTemplate(base, [f1, f2]);
      expect(t.pageCount).toBe(2);
      const { bytes, pageCount } = await t.generate({ a: 'First page text', b: 'Second page text' });
      expect(pageCount).toBe(2);
      expect(Buffer.from(bytes.subarray(0, base.length)).equals(Buffer.from(base))).toBe(true);
      const tail = Buffer.from(bytes.subarray(base.length)).toString('latin1');
      expect(tail).toContain('/Prev');
      expect(tail.includes('/Type /XRef')).toBe(xrefStream);
      expect((await findText(bytes, 'First page text', 1))!.x).toBeCloseTo(100, 0);
      expect((await findText(bytes, 'Second page text', 2))!.x).toBeCloseTo(300, 0);
      expect(await pageText(bytes, 1)).toContain('Base page 1');
      const reparsed = await PDFDocument.load(bytes);
      expect(reparsed.getPageCount()).toBe(2);
      if (hasPdftoppm()) await renderPageToPng(bytes, 2);
    },
  );

  it('testWatermark is drawn across every page; a field-less payload returns the base unchanged', async () => {
    const base = await makeBase(2);
    const t = await compileTemplate(base, [field({ bindingKey: 'a' })]);
    const { bytes } = await t.generate({ a: 'x' }, { testWatermark: 'TEST ONLY' });
    expect(await pageText(bytes, 1)).toContain('TEST ONLY');
    expect(await pageText(bytes, 2)).toContain('TEST ONLY');
    const empty = await t.generate({});
    expect(Buffer.from(empty.bytes).equals(Buffer.from(base))).toBe(true);
  });

  it('output is small: only the used glyphs are embedded', async () => {
    const base = await makeBase();
    const t = await compileTemplate(
      base,
      Array.from({ length: 30 }, (_, i) => field({ bindingKey: `k${i}`, position: { x: 40, y: 40 + i * 24 } })),
    );
    const payload = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, `Zoë Müller-Lüdenscheidt ${i}`]));
    const { bytes } = await t.generate(payload);
    expect(bytes.length - base.length).toBeLessThan(20_000);
  });

  const corpus = existsSync(CORPUS) ? describe : describe.skip;
  corpus('real-world bases from ../shared/corpus', () => {
    it.each([
      'with_cropbox.pdf',
      'linearized_with_object_streams.pdf',
      'with_update_sections.pdf',
      'us_constitution.pdf',
      'with_annots.pdf',
      'normal.pdf',
    ])('%s: text lands at its place, in top-left coordinates of the visible box', async (name) => {
      const base = new Uint8Array(readFileSync(path.join(CORPUS, name)));
      const f = field({
        bindingKey: 'x',
        position: { x: 72, y: 144 },
        size: { width: 300, height: 20 },
        style: { backgroundColor: '#ffffff' },
      });
      const t = await compileTemplate(base, [f]);
      const { bytes } = await t.generate({ x: 'Ünïcode stamp 42' });
      const hit = (await findText(bytes, 'Ünïcode stamp 42'))!;
      expect(hit).toBeDefined();
      expect(Math.abs(hit.x - 72)).toBeLessThan(TOL);
      expect(hit.baseline).toBeGreaterThan(144);
      expect(hit.baseline).toBeLessThan(164);
      if (hasPdftoppm()) await renderPageToPng(bytes, 1, 36);
    });
  });
});

describe('merge, batch and preflight', () => {
  it('merges generated documents into one PDF, pages in order', async () => {
    const base = await makeBase();
    const t = await compileTemplate(base, [field({ bindingKey: 'n' })]);
    const docs = await Promise.all(['one', 'two', 'three'].map(async (n) => (await t.generate({ n: `Doc ${n}` })).bytes));
    const merged = await mergeDocuments(docs);
    expect((await PDFDocument.load(merged)).getPageCount()).toBe(3);
    expect(await pageText(merged, 3)).toContain('Doc three');
    expect(await pageText(merged, 1)).toContain('Doc one');
  });

  it('generates a batch on worker threads with progress; a bad record fails alone', async () => {
    const base = await makeBase();
    const fields = [field({ bindingKey: 'name' }), field({ type: 'number', bindingKey: 'amount', position: { x: 50, y: 100 } })];
    const records = Array.from({ length: 24 }, (_, i) =>
      i === 7 ? { name: 'bad', amount: 'not a number' } : { name: `Person ${i}`, amount: i },
    );
    const progress: [number, number | undefined][] = [];
    const docs = new Map<number, GeneratedDocument>();
    const result = await generateBatch({
      base,
      fields,
      records,
      concurrency: 2,
      strategy: 'workers',
      onProgress: (done, total) => progress.push([done, total]),
      onDocument: (i, doc) => {
        docs.set(i, doc);
      },
    });
    expect(result.done).toBe(23);
    expect(result.failed).toBe(1);
    expect(result.errors[0].index).toBe(7);
    expect(result.errors[0].error).toContain('amount');
    expect(progress.length).toBe(24);
    expect(progress[progress.length - 1]).toEqual([24, 24]);
    expect(await pageText(docs.get(23)!.bytes)).toContain('Person 23');
    // the work really ran on worker threads
    expect(result.threads).toBe(2);
  });

  it('batch takes async iterables (streamed records) in this thread too', async () => {
    const base = await makeBase();
    async function* gen(): AsyncGenerator<Record<string, unknown>> {
      for (let i = 0; i < 5; i++) yield { name: `Streamed ${i}` };
    }
    const seen: number[] = [];
    const result = await generateBatch({
      base,
      fields: [field({ bindingKey: 'name' })],
      records: gen(),
      concurrency: 1,
      onDocument: (i) => {
        seen.push(i);
      },
    });
    expect(result).toEqual({ done: 5, failed: 0, errors: [], threads: 0 });
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('preflight lists every missing glyph and overflow without writing a PDF', async () => {
    const a = field({ name: 'A', bindingKey: 'a' });
    const b = field({ name: 'B', bindingKey: 'b', size: { width: 40, height: 20 }, advanced: { overflow: 'ellipsis' } });
    const c = field({ name: 'C', bindingKey: 'c', validation: { required: true } });
    const r = preflight([a, b, c], { a: 'ok ཀཁ', b: 'far too long for forty points' });
    expect(r.ok).toBe(false);
    expect(r.missingGlyphs.map((m) => m.codePoint)).toEqual(['U+0F40', 'U+0F41']);
    expect(r.missingGlyphs[0]).toMatchObject({ fieldId: a.fieldId, char: 'ཀ' });
    expect(r.overflows).toEqual([expect.objectContaining({ fieldId: b.fieldId, code: 'overflow' })]);
    expect(r.errors.map((e) => [e.bindingKey, e.code])).toContainEqual(['c', 'required']);
  });

  it('preflight reports a value validation rejects once (as the validation error), not again as a render error', () => {
    const d = field({ name: 'Planet', type: 'dropdown', bindingKey: 'planet', advanced: { options: ['Venus', 'Earth'] } });
    const r = preflight([d], { planet: 'Atlantis' });
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.bindingKey, e.code])).toEqual([['planet', 'option']]);
    expect(r.renderErrors).toEqual([]);
  });
});
