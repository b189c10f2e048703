import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { compileTemplate, PdfError } from '@/pdf/index.js';
import { extractText, joinLines, pageText, renderPageToPng, hasPdftoppm } from '../../helpers/pdf-readback.js';
import { field, makeBase, tableField, type TableInput } from './support.js';

const COLUMNS: TableInput['columns'] = [
  { header: 'Description', key: 'description', width: 3 },
  { header: 'Qty', key: 'qty', width: 1, align: 'right', format: 'number' },
  { header: 'Price', key: 'price', width: 1, align: 'right', format: 'number', number: { locale: 'en-US', decimals: 2 } },
];

const items = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ description: `Item ${i + 1}`, qty: i + 1, price: (i + 1) * 1.5 }));

/** Every "Item N" on every page, in reading order: [page, N]. */
async function itemsInOrder(bytes: Uint8Array, pages: number): Promise<[number, number][]> {
  const out: [number, number][] = [];
  for (let p = 1; p <= pages; p++) {
    const lines = joinLines(await extractText(bytes, p));
    for (const line of lines) {
      const m = /^Item (\d+)/.exec(line.str);
      if (m) out.push([p, Number(m[1])]);
    }
  }
  return out;
}

describe('table fields', () => {
  it('draws a header and one row per item, each cell at its column, numbers formatted and right-aligned', async () => {
    const t = await compileTemplate(await makeBase(), [tableField({ columns: COLUMNS })]);
    const { bytes, pageCount, warnings } = await t.generate({ items: items(3) });
    expect(pageCount).toBe(1);
    expect(warnings).toEqual([]);
    const text = await extractText(bytes);
    const at = (s: string) => text.find((i) => i.str === s)!;
    // Columns share 400 pt by weights 3:1:1 → 240, 80, 80; padding 2.
    expect(at('Description').x).toBeCloseTo(42, 0);
    expect(at('Item 1').x).toBeCloseTo(42, 0);
    const price = at('4.50');
    expect(price.x + price.width).toBeCloseTo(438, 0);
    const qty = at('3');
    expect(qty.x + qty.width).toBeCloseTo(358, 0);
    // Rows go down the page in order, below the header.
    const ys = ['Description', 'Item 1', 'Item 2', 'Item 3'].map((s) => at(s).baseline);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(ys[0]).toBeGreaterThan(200);
    expect(ys[3]).toBeLessThan(400);
  });

  it('continues on copies of its page with the header repeated, every row once and in order, and the repeating fields', async () => {
    const header = field({ bindingKey: 'invoiceNo', position: { x: 40, y: 60 }, advanced: { repeatOnContinuation: true } });
    const once = field({ bindingKey: 'note', position: { x: 40, y: 700 } });
    const t = await compileTemplate(await makeBase(2), [tableField({ columns: COLUMNS }), header, once]);
    const { bytes, pageCount } = await t.generate({ items: items(40), invoiceNo: 'INV-42', note: 'Thank you' });
    // 200 pt of box: header + 11 rows of 16 pt a page → 40 rows need 4 table pages; the base's page 2 follows them.
    expect(pageCount).toBe(5);
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(5);
    const order = await itemsInOrder(bytes, 5);
    expect(order.map(([, n]) => n)).toEqual(items(40).map((_, i) => i + 1));
    const pagesWithRows = [...new Set(order.map(([p]) => p))];
    expect(pagesWithRows).toEqual([1, 2, 3, 4]);
    for (const p of pagesWithRows) {
      const text = await pageText(bytes, p);
      expect(text).toContain('Description');
      expect(text).toContain('INV-42');
      // The copied page's own content comes along.
      expect(text).toContain('Base page 1');
      expect(text.includes('Thank you')).toBe(p === 1);
    }
    expect(await pageText(bytes, 5)).toContain('Base page 2');
    expect(await pageText(bytes, 5)).not.toContain('Item');
  });

  it('continues on a blank page, or a copy of another page, in the box the template gives', async () => {
    const blank = await compileTemplate(await makeBase(), [
      tableField({ columns: COLUMNS, continuation: { page: 'blank', box: { x: 40, y: 40, width: 400, height: 700 } } }),
    ]);
    const out = await blank.generate({ items: items(30) });
    expect(out.pageCount).toBe(2);
    expect(await pageText(out.bytes, 2)).not.toContain('Base page');
    const page2 = await extractText(out.bytes, 2);
    expect(page2.find((i) => i.str === 'Description')!.baseline).toBeLessThan(60);
    expect((await itemsInOrder(out.bytes, 2)).map(([, n]) => n)).toEqual(items(30).map((_, i) => i + 1));

    const sheet = await compileTemplate(await makeBase(2), [tableField({ columns: COLUMNS, continuation: { page: 2 } })]);
    const copied = await sheet.generate({ items: items(20) });
    expect(copied.pageCount).toBe(3);
    expect(await pageText(copied.bytes, 2)).toContain('Base page 2');
    expect(await pageText(copied.bytes, 2)).toContain('Item 20');
  });

  it('adds pages also in fillable output (the rewrite path), where the other fields stay form fields', async () => {
    const name = field({ bindingKey: 'customer', position: { x: 40, y: 60 } });
    const t = await compileTemplate(await makeBase(), [tableField({ columns: COLUMNS }), name]);
    const { bytes, pageCount } = await t.generate({ items: items(25), customer: 'Ada' }, { flatten: false });
    expect(pageCount).toBe(3);
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(3);
    expect(doc.getForm().getTextField(name.name).getText()).toBe('Ada');
    expect((await itemsInOrder(bytes, 3)).map(([, n]) => n)).toEqual(items(25).map((_, i) => i + 1));
  });

  it('wraps long cell text and the row grows; without wrap the text shrinks to one line', async () => {
    const long = 'A description long enough to need several lines in a column of two hundred and forty points';
    const wrapped = await compileTemplate(await makeBase(), [tableField({ columns: COLUMNS })]);
    const w = await wrapped.generate({
      items: [
        { description: long, qty: 1, price: 1 },
        { description: 'Next', qty: 2, price: 2 },
      ],
    });
    const lines = joinLines(await extractText(w.bytes));
    const first = lines.findIndex((l) => l.str.startsWith('A description'));
    const next = lines.findIndex((l) => l.str.startsWith('Next'));
    expect(next - first).toBeGreaterThanOrEqual(2);
    const shrunk = await compileTemplate(await makeBase(), [tableField({ columns: COLUMNS, wrap: false })]);
    const s = await shrunk.generate({ items: [{ description: long, qty: 1, price: 1 }] });
    const run = (await extractText(s.bytes)).find((i) => i.str.startsWith('A description'))!;
    expect(run.fontSize).toBeLessThan(10);
  });

  it('refuses more rows than the bound, and more pages than the bound, with typed errors naming the field', async () => {
    const t = await compileTemplate(await makeBase(), [tableField({ columns: COLUMNS, maxRows: 5 })]);
    const rows = await t.generate({ items: items(6) }).catch((e: unknown) => e);
    expect(rows).toBeInstanceOf(PdfError);
    expect((rows as PdfError).code).toBe('table_too_many_rows');
    expect((rows as PdfError).details).toMatchObject({ bindingKey: 'items', rows: 6, maxRows: 5 });
    const u = await compileTemplate(await makeBase(), [tableField({ columns: COLUMNS })]);
    const pages = await u.generate({ items: items(200) }, { limits: { maxPages: 5 } }).catch((e: unknown) => e);
    expect((pages as PdfError).code).toBe('document_too_many_pages');
  });

  it('a continuation page beyond the PDF is a compile error', async () => {
    const err = await compileTemplate(await makeBase(), [tableField({ columns: COLUMNS, continuation: { page: 3 } })]).catch(
      (e: unknown) => e,
    );
    expect((err as PdfError).code).toBe('pdf_page_out_of_range');
  });

  it.runIf(hasPdftoppm() || process.env.CI)(
    'poppler draws the continuation page: shaded header, grid lines, blank below the last row',
    async () => {
      const t = await compileTemplate(await makeBase(), [tableField({ columns: COLUMNS, stripeColor: '#f3f4f6' })]);
      const { bytes } = await t.generate({ items: items(15) });
      const page = await renderPageToPng(bytes, 2); // 72 dpi: one pixel per point
      const px = (x: number, y: number) => [...page.data.subarray((y * page.width + x) * 4, (y * page.width + x) * 4 + 3)];
      // Header row (y 200..~216) in #e5e7eb, between words; the table's left border is dark; far below the rows is white.
      const header = px(200, 204);
      expect(header.every((c) => c > 215 && c < 245)).toBe(true);
      expect(px(40, 230).every((c) => c < 128)).toBe(true);
      expect(px(200, 380)).toEqual([255, 255, 255]);
      // Page 2 holds rows 12..15 (page 1 took 11).
      expect((await itemsInOrder(bytes, 2)).filter(([p]) => p === 2).map(([, n]) => n)).toEqual([12, 13, 14, 15]);
    },
  );
});

describe('page numbers', () => {
  it('"Page {page} of {pages}" counts continuation pages, in output order, on every copy where it repeats', async () => {
    const numbers = field({
      bindingKey: 'unused',
      position: { x: 400, y: 800 },
      advanced: { pageNumber: 'Page {page} of {pages}', repeatOnContinuation: true },
    });
    const onPage2 = field({
      page: 2,
      bindingKey: 'unused2',
      position: { x: 400, y: 800 },
      advanced: { pageNumber: 'Sheet {page}/{pages}' },
    });
    const t = await compileTemplate(await makeBase(2), [tableField({ columns: COLUMNS }), numbers, onPage2]);
    for (const flatten of [true, false]) {
      const { bytes, pageCount } = await t.generate({ items: items(30) }, { flatten });
      expect(pageCount).toBe(4);
      for (let p = 1; p <= 3; p++) expect(await pageText(bytes, p)).toContain(`Page ${p} of 4`);
      expect(await pageText(bytes, 4)).toContain('Sheet 4/4');
      expect(await pageText(bytes, 4)).not.toContain('Page ');
    }
  });
});
