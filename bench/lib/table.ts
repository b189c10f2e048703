/**
 * The table case: an invoice whose 50 line items do not fit on its one uploaded page, so the
 * table continues on a second page with its header repeated. Ours fills the uploaded base;
 * pdfme's table schema runs on a blank A4 base (the only base its tables paginate on) with the
 * same rows, columns, font and size, interleaved in the same process. Also the cost of ours at
 * 10, 100 and 1,000 rows, to show it grows linearly with rows.
 */
import { readFileSync } from 'node:fs';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { generate as pdfmeGenerate } from '@pdfme/generator';
import type { Font, Template } from '@pdfme/common';
import * as pdfmeSchemas from '@pdfme/schemas';
import { compileTemplate, type EngineField } from '@/pdf/index.js';
import { fieldInputSchema } from '@/shared/domain/field.js';
import { FONT_FAMILY, FONT_PATH, FONT_SIZE } from './fixtures.js';
import { pageTexts } from './verify.js';

const MM = 25.4 / 72;
const BOX = { x: 40, y: 150, width: 515, height: 620 };
const COLUMNS = [
  { header: 'Description', key: 'description', width: 3 },
  { header: 'Qty', key: 'qty', width: 1, align: 'right' as const },
  { header: 'Price', key: 'price', width: 1, align: 'right' as const },
];

export interface TableBenchResult {
  records: number;
  rows: number;
  oursMsPerDoc: number;
  pdfmeMsPerDoc: number;
  oursBytes: number;
  pdfmeBytes: number;
  oursPages: number;
  pdfmePages: number;
  /** pdfme's time over ours (> 1: ours is faster). */
  ratio: number;
  /** Ours, ms per document at each row count. */
  scaling: { rows: number; msPerDoc: number; pages: number }[];
  verified: boolean;
}

async function uploadedBase(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595.28, 841.89]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText('INVOICE', { x: 40, y: 780, size: 20, font });
  page.drawText('Example Supplies Ltd · 1 Market Street · Springfield', { x: 40, y: 760, size: 9, font });
  return doc.save();
}

function rowsOf(count: number, seed: number): { description: string; qty: string; price: string }[] {
  return Array.from({ length: count }, (_, i) => ({
    description: `Item ${seed}-${i + 1} façade crème ${(i * 7919 + seed) % 1000}`,
    qty: String(1 + ((i + seed) % 9)),
    price: ((((i + 1) * 37 + seed) % 10_000) / 100).toFixed(2),
  }));
}

function ourField(): EngineField {
  const parsed = fieldInputSchema.parse({
    name: 'Items',
    type: 'table',
    page: 1,
    position: { x: BOX.x, y: BOX.y },
    size: { width: BOX.width, height: BOX.height },
    bindingKey: 'items',
    style: { fontFamily: FONT_FAMILY, fontSize: FONT_SIZE, lineHeight: 1.2 },
    advanced: { table: { columns: COLUMNS, cellPadding: 3, stripeColor: '#f3f4f6' } },
  });
  return { fieldId: 'items', ...parsed };
}

function pdfmeTemplateOf(): Template {
  const d = pdfmeSchemas.table.propPanel.defaultSchema as Record<string, unknown>;
  const cell = (over: Record<string, unknown>) => ({
    ...(d.bodyStyles as Record<string, unknown>),
    fontName: 'DejaVu',
    fontSize: FONT_SIZE,
    lineHeight: 1.2,
    padding: { top: 3 * MM, right: 3 * MM, bottom: 3 * MM, left: 3 * MM },
    ...over,
  });
  return {
    basePdf: { width: 210, height: 297, padding: [BOX.y * MM, 10, 20, 10] },
    schemas: [
      [
        {
          ...d,
          name: 'items',
          position: { x: BOX.x * MM, y: BOX.y * MM },
          width: BOX.width * MM,
          height: 20,
          head: COLUMNS.map((c) => c.header),
          headWidthPercentages: [60, 20, 20],
          showHead: true,
          repeatHead: true,
          headStyles: cell({ fontColor: '#000000', backgroundColor: '#e5e7eb' }),
          bodyStyles: cell({ alternateBackgroundColor: '#f3f4f6' }),
          columnStyles: { alignment: { 1: 'right', 2: 'right' } },
        },
      ],
    ],
  } as unknown as Template;
}

export async function benchTable(records: number, warmup: number, log: (l: string) => void = () => {}): Promise<TableBenchResult> {
  const compiled = await compileTemplate(await uploadedBase(), [ourField()]);
  const font: Font = { DejaVu: { data: new Uint8Array(readFileSync(FONT_PATH)), fallback: true, subset: true } };
  const template = pdfmeTemplateOf();
  const ours = async (rows: ReturnType<typeof rowsOf>) => compiled.generate({ items: rows });
  const pdfme = async (rows: ReturnType<typeof rowsOf>) =>
    pdfmeGenerate({
      template,
      inputs: [{ items: JSON.stringify(rows.map((r) => [r.description, r.qty, r.price])) }],
      plugins: { table: pdfmeSchemas.table, text: pdfmeSchemas.text },
      options: { font },
    });
  for (let i = 0; i < warmup; i++) {
    await ours(rowsOf(50, i));
    await pdfme(rowsOf(50, i));
  }
  let oursMs = 0;
  let pdfmeMs = 0;
  let last: { ours: Uint8Array; pdfme: Uint8Array; oursPages: number } = { ours: new Uint8Array(), pdfme: new Uint8Array(), oursPages: 0 };
  for (let i = 0; i < records; i++) {
    const rows = rowsOf(50, i);
    let t0 = performance.now();
    const o = await ours(rows);
    oursMs += performance.now() - t0;
    t0 = performance.now();
    const p = await pdfme(rows);
    pdfmeMs += performance.now() - t0;
    if (i === records - 1) last = { ours: o.bytes, pdfme: p, oursPages: o.pageCount };
    if ((i + 1) % 50 === 0) log(`  invoice-table: ${i + 1}/${records} documents`);
  }
  // Both documents hold every row of the last record, on two pages.
  const lastRows = rowsOf(50, records - 1);
  const oursText = (await pageTexts(last.ours)).join('\n');
  const pdfmeText = (await pageTexts(last.pdfme)).join('\n');
  const pdfmePages = (await PDFDocument.load(last.pdfme)).getPageCount();
  const verified = lastRows.every((r) => oursText.includes(r.description) && pdfmeText.includes(r.description));

  const scaling: TableBenchResult['scaling'] = [];
  for (const n of [10, 100, 1000]) {
    const docs = n >= 1000 ? 10 : 50;
    for (let i = 0; i < 3; i++) await ours(rowsOf(n, i));
    let pages = 0;
    const t0 = performance.now();
    for (let i = 0; i < docs; i++) pages = (await ours(rowsOf(n, i))).pageCount;
    scaling.push({ rows: n, msPerDoc: (performance.now() - t0) / docs, pages });
  }
  return {
    records,
    rows: 50,
    oursMsPerDoc: oursMs / records,
    pdfmeMsPerDoc: pdfmeMs / records,
    oursBytes: last.ours.length,
    pdfmeBytes: last.pdfme.length,
    oursPages: last.oursPages,
    pdfmePages,
    ratio: pdfmeMs / oursMs,
    scaling,
    verified,
  };
}

export function tableLines(r: TableBenchResult): string[] {
  return [
    `invoice-table: ${r.ratio.toFixed(1)}x vs pdfme (${r.rows} rows, ours ${r.oursMsPerDoc.toFixed(2)} ms/doc on the uploaded base, pdfme ${r.pdfmeMsPerDoc.toFixed(2)} ms/doc on a blank base; pages ${r.oursPages} vs ${r.pdfmePages}; bytes ${r.oursBytes} vs ${r.pdfmeBytes} = ${(r.oursBytes / r.pdfmeBytes).toFixed(2)}x${r.verified ? '' : '; NOT VERIFIED'})`,
    `invoice-table rows: ${r.scaling.map((s) => `${s.rows} rows ${s.msPerDoc.toFixed(2)} ms (${s.pages} p, ${((s.msPerDoc / s.rows) * 1000).toFixed(0)} µs/row)`).join(', ')}`,
  ];
}
