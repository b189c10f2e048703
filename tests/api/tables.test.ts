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
});
