import { PDFDocument } from 'pdf-lib';
import { beforeAll, expect, it } from 'vitest';
import type { FieldInput } from '@/shared/domain/field.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { extractText, joinLines, pageText } from '../helpers/pdf-readback.js';
import { createTemplate } from './generate-fixtures.js';

const TABLE: FieldInput = {
  name: 'Line items',
  type: 'table',
  page: 1,
  position: { x: 50, y: 220 },
  size: { width: 500, height: 480 },
  bindingKey: 'items',
  style: { fontSize: 10 },
  advanced: {
    table: {
      columns: [
        { header: 'Description', key: 'description', width: 3, required: true },
        { header: 'Qty', key: 'qty', width: 1, align: 'right', format: 'number' },
        { header: 'Price', key: 'price', width: 1, align: 'right', format: 'number', number: { locale: 'en-US', decimals: 2 } },
      ],
    },
  } as FieldInput['advanced'],
};
const INVOICE_NO: FieldInput = {
  name: 'Invoice number',
  type: 'text',
  page: 1,
  position: { x: 50, y: 100 },
  size: { width: 200, height: 24 },
  bindingKey: 'invoiceNo',
  advanced: { repeatOnContinuation: true } as FieldInput['advanced'],
};

const TOTAL: FieldInput = {
  name: 'Total',
  type: 'number',
  page: 1,
  position: { x: 350, y: 720 },
  size: { width: 200, height: 24 },
  bindingKey: 'total',
  advanced: { expression: '$sum(items.(qty * price))', number: { locale: 'en-US', decimals: 2 } } as FieldInput['advanced'],
};

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ description: `Line ${i + 1}`, qty: i + 1, price: 2.5 }));

forEachApi('table fields', (api) => {
  let ada: TestUser;
  let templateId: string;
  beforeAll(async () => {
    ada = await registerUser(api().app, 'tables');
    ({ templateId } = await createTemplate(api().app, ada.headers, [TABLE, INVOICE_NO, TOTAL]));
  });
  const generate = (data: unknown, extra: Record<string, unknown> = {}) =>
    api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: { ...ada.headers, accept: 'application/pdf' },
      payload: { data, ...extra },
    });

  it('a 120-row invoice from a 1-page upload comes back with 3+ pages: every row once, in order, header and invoice number on each, total computed', async () => {
    const res = await generate({ items: rows(120), invoiceNo: 'INV-2026-7' });
    expect(res.statusCode, res.body).toBe(200);
    const doc = await PDFDocument.load(res.rawPayload);
    const pages = doc.getPageCount();
    expect(pages).toBeGreaterThanOrEqual(3);
    const seen: number[] = [];
    for (let p = 1; p <= pages; p++) {
      const text = await pageText(res.rawPayload, p);
      expect(text).toContain('Description');
      expect(text).toContain('INV-2026-7');
      expect(text).toContain('Invoice form');
      for (const line of joinLines(await extractText(res.rawPayload, p))) {
        const m = /^Line (\d+)/.exec(line.str);
        if (m) seen.push(Number(m[1]));
      }
    }
    expect(seen).toEqual(rows(120).map((_, i) => i + 1));
    // The total is computed from the rows (2.5 × (1 + … + 120)), printed once on the table's page.
    expect(await pageText(res.rawPayload, 1)).toContain('18,150.00');
    expect(await pageText(res.rawPayload, 2)).not.toContain('18,150.00');
  });

  it('preflight says how many rows continue and how many pages the table adds', async () => {
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/preflight`,
      headers: ada.headers,
      payload: { data: { items: rows(120), invoiceNo: 'x' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const [table] = res.json().tables;
    expect(table).toMatchObject({ bindingKey: 'items', rows: 120 });
    expect(table.continuationPages).toBeGreaterThanOrEqual(2);
    expect(table.continuationRows).toBeGreaterThan(80);
    expect(res.json().pageCount).toBe(1 + table.continuationPages);
  });

  it('bad rows are 422 naming the cell; a list where none is expected, or too many rows, too', async () => {
    const bad = await generate({ items: [{ description: 'ok', qty: 1 }, { qty: 'three' }], invoiceNo: 'x' });
    expect(bad.statusCode).toBe(422);
    const paths = bad.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['items[1].qty', 'items[1].description']));
    const notList = await generate({ items: 'three rows', invoiceNo: 'x' });
    expect([notList.statusCode, notList.json().errors[0].path]).toEqual([422, 'items']);
    const tooMany = await generate({ items: rows(10_001), invoiceNo: 'x' });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json().errors[0]).toMatchObject({ path: 'items', code: 'too_many_rows' });
  });

  it('a table field without columns is refused when saved', async () => {
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/fields`,
      headers: ada.headers,
      payload: { ...TABLE, name: 'Empty', advanced: {} },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'field_definition_invalid' });
    expect(JSON.stringify(res.json())).toContain('advanced.table');
  });

  it('totals lines, column rules and row rules work through the API, and broken ones are refused when saved', async () => {
    const table: FieldInput = {
      ...TABLE,
      name: 'Summed items',
      advanced: {
        table: {
          columns: [
            { header: 'Description', key: 'description', width: 3 },
            { header: 'Qty', key: 'qty', width: 1, align: 'right', format: 'number', sum: true, validation: { min: 1, max: 999 } },
            {
              header: 'Amount',
              key: 'price',
              width: 1,
              align: 'right',
              format: 'number',
              number: { locale: 'en-US', decimals: 2 },
              sum: true,
            },
          ],
          totals: { carryForward: {}, total: { label: 'Total due' } },
          rowStyles: [{ when: 'qty > 50', textColor: '#cc0000' }],
        },
      } as FieldInput['advanced'],
    };
    const { templateId: id } = await createTemplate(api().app, ada.headers, [table]);
    const gen = (data: unknown) =>
      api().app.inject({
        method: 'POST',
        url: `/api/templates/${id}/generate`,
        headers: { ...ada.headers, accept: 'application/pdf' },
        payload: { data },
      });
    const res = await gen({ items: rows(70) });
    expect(res.statusCode, res.body).toBe(200);
    const bytes = new Uint8Array(res.rawPayload);
    const pages = (await PDFDocument.load(bytes)).getPageCount();
    expect(pages).toBeGreaterThanOrEqual(2);
    const lines: string[][] = [];
    for (let p = 1; p <= pages; p++) lines.push(joinLines(await extractText(bytes, p)).map((l) => l.str));
    // 1 + 2 + … + 70 = 2,485 pieces; 70 × 2.50 = 175.00, once, on the page of the last row.
    const totalPages = lines.flatMap((l, p) => (l.includes('Total due 2,485 175.00') ? [p] : []));
    expect(totalPages).toEqual([lines.findIndex((l) => l.some((x) => x.startsWith('Line 70 ')))]);
    const page2 = joinLines(await extractText(bytes, 2)).map((l) => l.str);
    expect(page2.some((l) => l.startsWith('Brought forward '))).toBe(true);

    const bad = await gen({
      items: [
        { description: 'a', qty: 1, price: 1 },
        { description: 'b', qty: 0, price: 1 },
      ],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors).toEqual([expect.objectContaining({ path: 'items[1].qty', code: 'min' })]);

    const refused = async (advanced: unknown, path: string) => {
      const r = await api().app.inject({
        method: 'POST',
        url: `/api/templates/${id}/fields`,
        headers: ada.headers,
        payload: { ...table, name: 'Broken', advanced },
      });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().code).toBe('field_definition_invalid');
      expect(JSON.stringify(r.json())).toContain(path);
    };
    const spec = (table.advanced as { table: Record<string, unknown> }).table;
    await refused({ table: { ...spec, rowStyles: [{ when: 'qty >', textColor: '#ff0000' }] } }, 'advanced.table.rowStyles[0].when');
    await refused({ table: { ...spec, rowStyles: [{ when: 'qty > 1', column: 'nope' }] } }, 'advanced.table.rowStyles[0].column');
    await refused({ table: { ...spec, columns: [{ key: 'description', sum: true }] } }, 'advanced.table.columns[0].sum');
    await refused({ table: spec, styleRules: [{ when: '$now() > 1', bold: true }] }, 'advanced.styleRules[0].when');
  });
});
