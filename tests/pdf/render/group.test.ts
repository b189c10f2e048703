import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { compileTemplate, PdfError, preflight } from '@/pdf/index.js';
import type { GroupSpec } from '@/shared/domain/group.js';
import { crop, decodeBarcode, extractText, hasPdftoppm, pageText, renderPageToPng, type TextItem } from '../../helpers/pdf-readback.js';
import { field, makeBase } from './support.js';

/** A label sheet: cells of 180 × 60 pt from (20, 40), 10 pt apart, 3 across and 4 down. */
const CELL = { x: 20, y: 40, width: 180, height: 60 };
const GAP = 10;

function sheet(group: Partial<GroupSpec> = {}, extra: Parameters<typeof field>[0] = {}) {
  return field({
    name: 'Labels',
    type: 'table',
    bindingKey: 'labels',
    position: { x: CELL.x, y: CELL.y },
    size: { width: CELL.width, height: CELL.height },
    advanced: { group: { across: 3, down: 4, gapX: GAP, gapY: GAP, ...group } as GroupSpec },
    ...extra,
  });
}
const nameMember = () =>
  field({ name: 'Name', bindingKey: 'labels.name', position: { x: CELL.x + 5, y: CELL.y + 5 }, size: { width: 120, height: 20 } });
const cityMember = () =>
  field({
    name: 'City',
    bindingKey: 'labels.address.city',
    position: { x: CELL.x + 5, y: CELL.y + 32 },
    size: { width: 120, height: 20 },
    style: { fontSize: 9 },
  });

const labels = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Label ${i + 1}`, address: { city: `Town ${i + 1}` } }));

/** Every run matching `re` on every page: [page, number, item]. */
async function runs(bytes: Uint8Array, pages: number, re: RegExp): Promise<[number, number, TextItem][]> {
  const out: [number, number, TextItem][] = [];
  for (let p = 1; p <= pages; p++) {
    for (const it of await extractText(bytes, p)) {
      const m = re.exec(it.str);
      if (m) out.push([p, Number(m[1]), it]);
    }
  }
  return out;
}

describe('repeating groups', () => {
  it('30 labels on a 3 × 4 sheet: 3 pages, every label once, in its cell (left to right, then down)', async () => {
    const t = await compileTemplate(await makeBase(), [sheet(), nameMember(), cityMember()]);
    const { bytes, pageCount, warnings } = await t.generate({ labels: labels(30) });
    expect(warnings).toEqual([]);
    expect(pageCount).toBe(3);
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(3);
    const names = await runs(bytes, 3, /^Label (\d+)$/);
    expect(names.map(([, n]) => n).sort((a, b) => a - b)).toEqual(labels(30).map((_, i) => i + 1));
    const cities = await runs(bytes, 3, /^Town (\d+)$/);
    expect(cities).toHaveLength(30);
    for (const [page, n, it] of [...names, ...cities]) {
      const i = n - 1;
      const k = i % 12;
      const col = k % 3;
      const row = Math.floor(k / 3);
      expect(page).toBe(Math.floor(i / 12) + 1);
      const cellX = CELL.x + col * (CELL.width + GAP);
      const cellY = CELL.y + row * (CELL.height + GAP);
      expect(it.x).toBeCloseTo(cellX + 5, 0);
      const top = it.str.startsWith('Label') ? 5 : 32;
      expect(it.baseline).toBeGreaterThan(cellY + top);
      expect(it.baseline).toBeLessThan(cellY + top + 20);
    }
    // The copied page's own content comes along; page 3 holds labels 25..30 only.
    expect(await pageText(bytes, 3)).toContain('Base page 1');
    expect(names.filter(([p]) => p === 3).map(([, n]) => n)).toEqual([25, 26, 27, 28, 29, 30]);
  });

  it('fills columns first with order down, and continues in the continuation box on a blank page', async () => {
    const g = sheet({ order: 'down', continuation: { page: 'blank', box: { x: 30, y: 300, width: 380, height: 130 } } });
    const t = await compileTemplate(await makeBase(), [g, nameMember()]);
    const { bytes, pageCount } = await t.generate({ labels: labels(16) });
    // Page 1: 12; the box fits 2 × 2 cells (380 pt: two cells of 180 and a gap; 130 pt: two of 60 and a gap).
    expect(pageCount).toBe(2);
    const names = await runs(bytes, 2, /^Label (\d+)$/);
    const at = (n: number) => names.find(([, m]) => m === n)!;
    // order down: label 2 is below label 1, label 5 starts the second column.
    expect(at(2)[2].x).toBeCloseTo(at(1)[2].x, 0);
    expect(at(2)[2].baseline).toBeCloseTo(at(1)[2].baseline + CELL.height + GAP, 0);
    expect(at(5)[2].x).toBeCloseTo(at(1)[2].x + CELL.width + GAP, 0);
    expect(at(13)[0]).toBe(2);
    expect(at(13)[2].x).toBeCloseTo(35, 0);
    expect(at(14)[2].baseline).toBeCloseTo(at(13)[2].baseline + CELL.height + GAP, 0);
    expect(await pageText(bytes, 2)).not.toContain('Base page');
  });

  it('counts its pages in page numbers, repeats the fields marked for it, and keeps the other fields fillable', async () => {
    const numbers = field({
      bindingKey: 'n',
      position: { x: 400, y: 800 },
      advanced: { pageNumber: 'Page {page} of {pages}', repeatOnContinuation: true },
    });
    const title = field({ name: 'Title', bindingKey: 'title', position: { x: 40, y: 700 }, advanced: { repeatOnContinuation: true } });
    const t = await compileTemplate(await makeBase(), [sheet(), nameMember(), numbers, title]);
    for (const flatten of [true, false]) {
      const { bytes, pageCount } = await t.generate({ labels: labels(25), title: 'Spring mailing' }, { flatten });
      expect(pageCount).toBe(3);
      for (let p = 1; p <= 3; p++) expect(await pageText(bytes, p)).toContain(`Page ${p} of 3`);
      expect((await runs(bytes, 3, /^Label (\d+)$/)).map(([, n]) => n)).toHaveLength(25);
      if (!flatten) {
        const form = (await PDFDocument.load(bytes)).getForm();
        expect(form.getTextField('Title').getText()).toBe('Spring mailing');
        // Members are page content: no form field per label.
        expect(form.getFields().map((f) => f.getName())).not.toContain('Name');
      } else {
        for (let p = 1; p <= 3; p++) expect(await pageText(bytes, p)).toContain('Spring mailing');
      }
    }
  });

  it.runIf(hasPdftoppm() || process.env.CI)('draws barcode members per item (each QR code decodes to its own item)', async () => {
    const qr = field({
      name: 'Code',
      type: 'barcode',
      bindingKey: 'labels.code',
      position: { x: CELL.x + 125, y: CELL.y + 2 },
      size: { width: 54, height: 54 },
      advanced: { barcode: { format: 'qrcode', includeText: false } },
    });
    const t = await compileTemplate(await makeBase(), [sheet(), nameMember(), qr]);
    const items = labels(14).map((l, i) => ({ ...l, code: `ITEM-${i + 1}` }));
    const { bytes } = await t.generate({ labels: items });
    const dpi = 216;
    const s = dpi / 72;
    for (const [page, i] of [
      [1, 0],
      [1, 7],
      [2, 13],
    ] as const) {
      const img = await renderPageToPng(bytes, page, dpi);
      const k = i % 12;
      const x = CELL.x + (k % 3) * (CELL.width + GAP) + 120;
      const y = CELL.y + Math.floor(k / 3) * (CELL.height + GAP);
      expect(decodeBarcode(crop(img, x * s, y * s, 62 * s, 60 * s), 'qrcode')).toBe(`ITEM-${i + 1}`);
    }
  });

  it.runIf(hasPdftoppm() || process.env.CI)("outlines every cell, continuation pages' too, with the group's own border", async () => {
    const framed = sheet({}, { style: { borderColor: '#ff0000', borderWidth: 2 } });
    const t = await compileTemplate(await makeBase(), [framed, nameMember()]);
    const { bytes } = await t.generate({ labels: labels(14) });
    const page2 = await renderPageToPng(bytes, 2); // 72 dpi: one pixel per point
    const px = (x: number, y: number) => [...page2.data.subarray((y * page2.width + x) * 4, (y * page2.width + x) * 4 + 3)];
    // Page 2 holds items 13 and 14: cells (0, 0) and (1, 0). Their left edges are red; the third cell's place is white.
    expect(px(CELL.x, CELL.y + 30)).toEqual([255, 0, 0]);
    expect(px(CELL.x + CELL.width + GAP, CELL.y + 30)).toEqual([255, 0, 0]);
    expect(px(CELL.x + 2 * (CELL.width + GAP), CELL.y + 30)).toEqual([255, 255, 255]);
    expect(px(CELL.x, CELL.y + CELL.height + GAP + 30)).toEqual([255, 255, 255]);
  });

  it('an image every item shows (a logo per certificate) is one image object in the document, drawn in every cell', async () => {
    const png = new PNG({ width: 30, height: 30 });
    for (let i = 0; i < 900; i++) png.data.set([255, 0, 0, 255], i * 4);
    const logo = field({
      name: 'Logo',
      type: 'image',
      bindingKey: 'labels.logo',
      position: { x: CELL.x + 130, y: CELL.y + 5 },
      size: { width: 40, height: 40 },
      advanced: { defaultValue: `data:image/png;base64,${PNG.sync.write(png).toString('base64')}` },
    });
    const t = await compileTemplate(await makeBase(), [sheet(), nameMember(), logo]);
    const { bytes, pageCount } = await t.generate({ labels: labels(30) });
    expect(pageCount).toBe(3);
    const doc = await PDFDocument.load(bytes);
    const images = doc.context
      .enumerateIndirectObjects()
      .filter(([, o]) => o instanceof PDFRawStream && o.dict.get(PDFName.of('Subtype')) === PDFName.of('Image'));
    expect(images).toHaveLength(1);
    if (hasPdftoppm() || process.env.CI) {
      const page3 = await renderPageToPng(bytes, 3);
      const px = (x: number, y: number) => [...page3.data.subarray((y * page3.width + x) * 4, (y * page3.width + x) * 4 + 3)];
      // Items 25..30 fill the first two rows of page 3: a red logo in each of their cells, none in the third row.
      for (const [col, row] of [
        [0, 0],
        [2, 0],
        [2, 1],
      ])
        expect(px(CELL.x + col * 190 + 150, CELL.y + row * 70 + 25)).toEqual([255, 0, 0]);
      expect(px(CELL.x + 150, CELL.y + 2 * 70 + 25)).toEqual([255, 255, 255]);
    }
  });

  it('validates each item with its members rules, naming the item (labels[3].name)', async () => {
    const required = field({
      name: 'Name',
      bindingKey: 'labels.name',
      position: { x: CELL.x + 5, y: CELL.y + 5 },
      validation: { required: true },
    });
    const zip = field({
      name: 'Zip',
      bindingKey: 'labels.zip',
      position: { x: CELL.x + 5, y: CELL.y + 30 },
      size: { width: 60, height: 20 },
      validation: { pattern: '^\\d{5}$' },
    });
    const fields = [sheet(), required, zip];
    const result = preflight(fields, { labels: [{ name: 'A', zip: '12345' }, { zip: '1' }, 'oops', { name: 'D' }] });
    expect(result.ok).toBe(false);
    expect(result.errors.map((e) => [e.bindingKey, e.code])).toEqual([
      ['labels[1].name', 'required'],
      ['labels[1].zip', 'pattern'],
      ['labels[2]', 'type'],
    ]);
    expect(result.errors[0].message).toContain('labels[1].name');
    const tooMany = preflight(fields, { labels: labels(11) }, { maxTableRows: 10 });
    expect(tooMany.errors.map((e) => [e.bindingKey, e.code])).toEqual([['labels', 'too_many_rows']]);
  });

  it('preflight says how many items continue and how many pages the group adds', () => {
    const result = preflight([sheet(), nameMember()], { labels: labels(30) });
    expect(result.ok).toBe(true);
    expect(result.groups).toEqual([
      expect.objectContaining({ bindingKey: 'labels', items: 30, continuationItems: 18, continuationPages: 2 }),
    ]);
  });

  it('refuses too many items and too many pages with typed errors naming the field', async () => {
    const t = await compileTemplate(await makeBase(), [sheet({ maxItems: 20 }), nameMember()]);
    const items = await t.generate({ labels: labels(21) }).catch((e: unknown) => e);
    expect(items).toBeInstanceOf(PdfError);
    expect((items as PdfError).code).toBe('group_too_many_items');
    expect((items as PdfError).details).toMatchObject({ bindingKey: 'labels', items: 21, maxItems: 20 });
    const u = await compileTemplate(await makeBase(), [sheet(), nameMember()]);
    const bound = await u.generate({ labels: labels(50) }, { limits: { maxRows: 40 } }).catch((e: unknown) => e);
    expect((bound as PdfError).details).toMatchObject({ maxItems: 40 });
    const pages = await u.generate({ labels: labels(61) }, { limits: { maxPages: 5 } }).catch((e: unknown) => e);
    expect((pages as PdfError).code).toBe('document_too_many_pages');
    expect((pages as PdfError).details).toMatchObject({ bindingKey: 'labels', pages: 6, maxPages: 5 });
    expect((await u.generate({ labels: labels(60) }, { limits: { maxPages: 5 } })).pageCount).toBe(5);
  });

  it('a group without members, or with a member outside its cell, does not compile', async () => {
    const none = await compileTemplate(await makeBase(), [sheet()]).catch((e: unknown) => e);
    expect((none as PdfError).code).toBe('group_invalid');
    expect((none as PdfError).message).toContain('no members');
    const wide = field({ bindingKey: 'labels.name', position: { x: CELL.x + 100, y: CELL.y }, size: { width: 100, height: 20 } });
    const outside = await compileTemplate(await makeBase(), [sheet(), wide]).catch((e: unknown) => e);
    expect((outside as PdfError).code).toBe('group_invalid');
    expect((outside as PdfError).details).toMatchObject({ issues: [expect.objectContaining({ fieldId: wide.fieldId, path: 'position' })] });
    // A grid running off its page, or a continuation box smaller than a cell, would lose items.
    const tall = await compileTemplate(await makeBase(), [
      sheet({ down: 20, continuation: { page: 'blank', box: { x: 0, y: 0, width: 100, height: 400 } } }),
      nameMember(),
    ]).catch((e: unknown) => e);
    expect((tall as PdfError).code).toBe('group_invalid');
    expect(((tall as PdfError).details as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      'advanced.group.down',
      'advanced.group.continuation.box',
    ]);
  });
});
