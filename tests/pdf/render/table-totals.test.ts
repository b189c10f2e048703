import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { compileTemplate, preflightDocument } from '@/pdf/index.js';
import type { TableSpec } from '@/shared/domain/table.js';
import { compareImages, crop, extractText, hasPdftoppm, joinLines, renderPageToPng } from '../../helpers/pdf-readback.js';
import { field, makeBase, tableField, type TableInput } from './support.js';

/*
 * Totals lines (subtotal per page, carried/brought forward, grand total), row and cell style
 * rules, column conditions and field style rules, read back from the generated PDFs.
 */

const COLUMNS: TableInput['columns'] = [
  { header: 'Description', key: 'description', width: 3 },
  { header: 'Qty', key: 'qty', width: 1, align: 'right', format: 'number', sum: true },
  { header: 'Amount', key: 'amount', width: 1, align: 'right', format: 'number', number: { locale: 'en-US', decimals: 2 }, sum: true },
];

const items = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ description: `Item ${i + 1}`, qty: i + 1, amount: (i + 1) * 1.25 }));

const money = (v: number) => v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Per page: the item numbers on it and each labelled totals line's numbers. */
async function readPages(bytes: Uint8Array, pages: number) {
  const out: { items: number[]; lines: Record<string, string[]> }[] = [];
  for (let p = 1; p <= pages; p++) {
    const page = { items: [] as number[], lines: {} as Record<string, string[]> };
    for (const line of joinLines(await extractText(bytes, p))) {
      const item = /^Item (\d+)/.exec(line.str);
      if (item) page.items.push(Number(item[1]));
      const total = /^(Subtotal|Carried forward|Brought forward|Total)\s+(.*)$/.exec(line.str);
      if (total) page.lines[total[1]] = total[2].split(/\s+/);
    }
    out.push(page);
  }
  return out;
}

describe('table totals lines', () => {
  it('prints each page’s subtotal, carries the running sums forward and back, and the grand total after the last row', async () => {
    const t = await compileTemplate(await makeBase(), [
      tableField({ columns: COLUMNS, totals: { subtotal: {}, carryForward: {}, total: {} } as TableSpec['totals'] }),
    ]);
    const rows = items(30);
    const { bytes, pageCount } = await t.generate({ items: rows });
    expect(pageCount).toBeGreaterThanOrEqual(3);
    const pages = await readPages(bytes, pageCount);
    // Every row once, in order.
    expect(pages.flatMap((p) => p.items)).toEqual(rows.map((_, i) => i + 1));
    let running = { qty: 0, amount: 0 };
    pages.forEach((page, i) => {
      const mine = page.items.map((n) => rows[n - 1]);
      const sub = { qty: mine.reduce((a, r) => a + r.qty, 0), amount: mine.reduce((a, r) => a + r.amount, 0) };
      if (i > 0) expect(page.lines['Brought forward']).toEqual([String(running.qty), money(running.amount)]);
      else expect(page.lines['Brought forward']).toBeUndefined();
      running = { qty: running.qty + sub.qty, amount: running.amount + sub.amount };
      expect(page.lines.Subtotal).toEqual([String(sub.qty), money(sub.amount)]);
      if (i < pages.length - 1) {
        expect(page.lines['Carried forward']).toEqual([String(running.qty), money(running.amount)]);
        expect(page.lines.Total).toBeUndefined();
      } else {
        expect(page.lines['Carried forward']).toBeUndefined();
        expect(page.lines.Total).toEqual(['465', money(465 * 1.25)]);
      }
    });
  });

  it('keeps the totals lines inside the box: no row is drawn below the last line', async () => {
    const t = await compileTemplate(await makeBase(), [
      tableField({ columns: COLUMNS, totals: { subtotal: {}, total: {} } as TableSpec['totals'] }),
    ]);
    const { bytes, pageCount } = await t.generate({ items: items(25) });
    for (let p = 1; p <= pageCount; p++) {
      const lines = joinLines(await extractText(bytes, p));
      const sub = lines.find((l) => l.str.startsWith('Subtotal'))!;
      expect(sub.baseline).toBeLessThanOrEqual(400);
      for (const l of lines.filter((x) => x.str.startsWith('Item '))) expect(l.baseline).toBeLessThan(sub.baseline);
    }
  });

  it('puts a total that does not fit under the last row on a page of its own, and preflight counts that page', async () => {
    // 11 rows fill a 200 pt box exactly with header; the total needs another page.
    const f = tableField({ columns: COLUMNS, totals: { total: {} } as TableSpec['totals'] });
    const t = await compileTemplate(await makeBase(), [f]);
    const rows = items(11);
    const { bytes, pageCount } = await t.generate({ items: rows });
    const pages = await readPages(bytes, pageCount);
    expect(pages.flatMap((p) => p.items)).toEqual(rows.map((_, i) => i + 1));
    expect(pages.at(-1)!.lines.Total).toEqual(['66', money(66 * 1.25)]);
    expect(pages.filter((p) => p.lines.Total).length).toBe(1);
    const pre = await preflightDocument([f], { items: rows }, { basePages: 1 });
    expect(pre.tables[0].continuationPages).toBe(pageCount - 1);
    expect(pre.pageCount).toBe(pageCount);
  });
});

const RED = (px: number[]) => px[0] > 150 && px[1] < 100 && px[2] < 100;

/** How many reddish pixels a cropped region has. */
function redPixels(region: ReturnType<typeof crop>): number {
  let red = 0;
  for (let i = 0; i < region.data.length; i += 4) if (RED([region.data[i], region.data[i + 1], region.data[i + 2]])) red++;
  return red;
}

/** How many reddish pixels the text line starting with `str` has (page 1, 72 dpi: pixels = points). */
async function redPixelsOf(bytes: Uint8Array, str: string, img: Awaited<ReturnType<typeof renderPageToPng>>): Promise<number> {
  const line = joinLines(await extractText(bytes)).find((l) => l.str.startsWith(str));
  if (!line) throw new Error(`no line ${str}`);
  return redPixels(crop(img, 40, line.baseline - 10, 400, 12));
}

const d = hasPdftoppm() ? describe : process.env.CI ? describe : describe.skip;

d('style rules and conditions (rendered with poppler)', () => {
  it('colours the rows a row rule holds for, and only the column a cell rule names', async () => {
    const t = await compileTemplate(await makeBase(), [
      tableField({
        columns: COLUMNS,
        rowStyles: [
          { when: 'qty >= 3', textColor: '#dd0000' },
          { when: 'amount > 4', column: 'amount', backgroundColor: '#ffcc00' },
        ],
      }),
    ]);
    const { bytes } = await t.generate({ items: items(4) });
    const img = await renderPageToPng(bytes);
    expect(await redPixelsOf(bytes, 'Item 1', img)).toBe(0);
    expect(await redPixelsOf(bytes, 'Item 2', img)).toBe(0);
    expect(await redPixelsOf(bytes, 'Item 3', img)).toBeGreaterThan(20);
    expect(await redPixelsOf(bytes, 'Item 4', img)).toBeGreaterThan(20);
    // Item 4's amount (5.00) cell is yellow: sample inside the amount column (x 360–440), left of the text.
    const item4 = (await extractText(bytes)).find((i) => i.str === 'Item 4')!;
    const px = (x: number, y: number) => [...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3)];
    expect(px(365, Math.round(item4.baseline - 4))).toEqual([255, 204, 0]);
    const item3 = (await extractText(bytes)).find((i) => i.str === 'Item 3')!;
    expect(px(365, Math.round(item3.baseline - 4))).toEqual([255, 255, 255]);
  });

  it('drops a column whose condition is false and gives its width to the others', async () => {
    const columns = COLUMNS.map((c) => (c.key === 'qty' ? { ...c, condition: 'showQty' } : c));
    const t = await compileTemplate(await makeBase(), [tableField({ columns })]);
    const shown = await extractText((await t.generate({ items: items(2), showQty: true })).bytes);
    const hidden = await extractText((await t.generate({ items: items(2), showQty: false })).bytes);
    expect(shown.some((i) => i.str === 'Qty')).toBe(true);
    expect(hidden.some((i) => i.str === 'Qty')).toBe(false);
    // Weights 3:1 of 400 pt → the amount column starts at 40 + 300; its right edge stays at 440 − 2.
    const amount = hidden.find((i) => i.str === 'Amount')!;
    expect(amount.x + amount.width).toBeCloseTo(438, 0);
    const description = hidden.find((i) => i.str === 'Description')!;
    expect(description.x).toBeCloseTo(42, 0);
    // Shown: Qty sits in 340..360 of a 3:1:1 split (Description 240 wide).
    expect(shown.find((i) => i.str === 'Qty')!.x).toBeGreaterThan(280);
  });

  it('applies a field’s style rules when their condition holds (red text when balance < 0)', async () => {
    const balance = field({
      name: 'Balance',
      type: 'number',
      bindingKey: 'balance',
      position: { x: 40, y: 100 },
      size: { width: 200, height: 20 },
      style: { fontSize: 14 },
      advanced: { styleRules: [{ when: 'balance < 0', textColor: '#dd0000', bold: true }] },
    });
    const t = await compileTemplate(await makeBase(), [balance]);
    const count = async (value: number) => {
      const { bytes } = await t.generate({ balance: value });
      const img = await renderPageToPng(bytes);
      const text = await extractText(bytes);
      return { red: await redPixelsOf(bytes, String(value), img), font: text[0].fontName, bytes };
    };
    const negative = await count(-12);
    const positive = await count(12);
    expect(negative.red).toBeGreaterThan(20);
    expect(positive.red).toBe(0);
    expect(negative.font).not.toBe(positive.font);
  });

  it('applies them to the form field of fillable output too (its appearance and its /DA colour)', async () => {
    const balance = field({
      name: 'Balance',
      type: 'number',
      bindingKey: 'balance',
      position: { x: 40, y: 100 },
      size: { width: 200, height: 20 },
      style: { fontSize: 14 },
      advanced: { styleRules: [{ when: 'balance < 0', textColor: '#dd0000' }] },
    });
    const t = await compileTemplate(await makeBase(), [balance]);
    const redIn = async (value: number) => {
      const { bytes } = await t.generate({ balance: value }, { flatten: false });
      const form = (await PDFDocument.load(bytes)).getForm();
      const da = form.getTextField('Balance').acroField.getDefaultAppearance() ?? '';
      const img = await renderPageToPng(bytes);
      return { red: redPixels(crop(img, 40, 100, 200, 20)), da };
    };
    const negative = await redIn(-12);
    const positive = await redIn(12);
    expect(negative.red).toBeGreaterThan(20);
    expect(negative.da).toMatch(/0\.8\d* 0 0 rg/);
    expect(positive.red).toBe(0);
    expect(positive.da).toMatch(/0 0 0 rg/);
  });

  it('matches its reference image (a table with totals lines and a row rule)', async () => {
    const t = await compileTemplate(await makeBase(1, { size: [460, 300] }), [
      field({
        name: 'Items',
        type: 'table',
        bindingKey: 'items',
        position: { x: 20, y: 20 },
        size: { width: 420, height: 260 },
        style: { fontSize: 10 },
        advanced: {
          table: {
            columns: COLUMNS,
            stripeColor: '#f3f4f6',
            totals: { subtotal: {}, total: {}, backgroundColor: '#e0f2fe' },
            rowStyles: [{ when: 'qty = 2', textColor: '#dd0000' }],
          } as TableSpec,
        },
      }),
    ]);
    const img = await renderPageToPng((await t.generate({ items: items(6) })).bytes, 1, 72);
    const cmp = compareImages(img, path.join(import.meta.dirname, '../fixtures/reference/table-totals.png'));
    expect(cmp.ratio).toBeLessThan(0.01);
  });
});
