import { describe, expect, it } from 'vitest';
import { PdfError } from '@/pdf/errors.js';
import { inspect } from '@/pdf/inspect/index.js';
import { DEFAULT_LOAD_LIMITS, loadPdf } from '@/pdf/load.js';
import { pageCounts } from '../readers.js';
import { buildPdf } from './raw-pdf.js';

/**
 * Damaged page trees (each one a shape found in real files) are repaired the way pdf.js reads
 * them, and the repaired bytes — what documents are built from — open in pdf.js, pdf-lib and
 * poppler with the same pages. Damage that cannot be repaired is pdf_corrupt naming it.
 */

const PAGE = (parent: string, extra = '') => `<< /Type /Page /Parent ${parent} /MediaBox [0 0 300 400] ${extra}>>`;

const CASES: Array<{ name: string; objects: string[]; pages: number; damage: RegExp }> = [
  {
    name: 'a catalog without /Type',
    objects: ['<< /Pages 2 0 R >>', '<< /Type /Pages /Count 1 /Kids [3 0 R] >>', PAGE('2 0 R')],
    pages: 1,
    damage: /catalog/,
  },
  {
    name: 'a catalog whose /Type is misspelt',
    objects: ['<< /Type /Catalgg /Pages 2 0 R >>', '<< /Type /Pages /Count 1 /Kids [3 0 R] >>', PAGE('2 0 R')],
    pages: 1,
    damage: /catalog/,
  },
  {
    name: '/Pages pointing straight to a page',
    objects: ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Page /MediaBox [0 0 300 400] >>'],
    pages: 1,
    damage: /root is a page/,
  },
  {
    name: 'a page whose /Parent is not a Pages node (it names the catalog)',
    objects: ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Count 2 /Kids [3 0 R 4 0 R] >>', PAGE('2 0 R'), PAGE('1 0 R')],
    pages: 2,
    damage: /Parent/,
  },
  {
    name: 'nodes without any /Type (intermediate and page)',
    objects: ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Count 1 /Kids [3 0 R] >>', '<< /Parent 2 0 R /MediaBox [0 0 300 400] >>'],
    pages: 1,
    damage: /Type/,
  },
  {
    name: 'a page tree with a loop (a node lists the root as its kid)',
    objects: [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Count 2 /Kids [3 0 R 4 0 R] >>',
      PAGE('2 0 R'),
      '<< /Type /Pages /Parent 2 0 R /Count 1 /Kids [2 0 R] >>',
    ],
    pages: 1,
    damage: /loop/,
  },
  {
    name: 'kids that are direct dictionaries, and one that is a number',
    objects: [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Count 3 /Kids [<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 400] >> 3 0 R 42] >>',
      PAGE('2 0 R'),
    ],
    pages: 2,
    damage: /direct object|not a dictionary/,
  },
  {
    name: 'the same page listed twice',
    objects: ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Count 2 /Kids [3 0 R 3 0 R] >>', PAGE('2 0 R')],
    pages: 2,
    damage: /twice/,
  },
  {
    name: 'a /Count of 9,999,999,999 on a one-page file',
    objects: ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Count 9999999999 /Kids [3 0 R] >>', PAGE('2 0 R')],
    pages: 1,
    damage: /Count/,
  },
];

describe('damaged page trees are repaired as pdf.js reads them', () => {
  it.each(CASES)('$name', async ({ objects, pages, damage }) => {
    const loaded = await loadPdf(buildPdf(objects));
    expect(loaded.doc.getPageCount()).toBe(pages);
    expect(loaded.repaired?.join('; ')).toMatch(damage);
    const counts = await pageCounts(loaded.bytes);
    expect(counts).toMatchObject({ pdfjs: pages, pdfLib: pages, poppler: pages });
    // Inspection (what an upload runs) gives the pages too.
    expect((await inspect(buildPdf(objects))).pageCount).toBe(pages);
  });

  it('no MediaBox anywhere: pages get US Letter, as pdf.js assumes', async () => {
    const bytes = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Count 1 /Kids [3 0 R] >>',
      '<< /Type /Page /Parent 2 0 R >>',
    ]);
    const r = await inspect(bytes);
    expect(r.pages[0]).toMatchObject({ width: 612, height: 792 });
  });

  it.each([
    ['empty', '[]'],
    ['zero-sized', '[0 0 0 0]'],
    ['not numbers', '[/a /b /c /d]'],
  ])('a %s MediaBox falls back to US Letter', async (_, box) => {
    const bytes = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Count 1 /Kids [3 0 R] >>',
      `<< /Type /Page /Parent 2 0 R /MediaBox ${box} >>`,
    ]);
    expect((await inspect(bytes)).pages[0]).toMatchObject({ width: 612, height: 792 });
  });

  it('inherited entries move onto the pages when the tree is rebuilt', async () => {
    const bytes = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Count 1 /Kids [3 0 R] /MediaBox [0 0 500 250] /Rotate 90 >>',
      '<< /Parent 2 0 R >>',
    ]);
    const r = await inspect(bytes);
    expect(r.pages[0]).toMatchObject({ width: 500, height: 250, rotation: 90 });
  });

  it('an intact tree is left byte for byte as it was', async () => {
    const bytes = buildPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Count 1 /Kids [3 0 R] >>', PAGE('2 0 R')]);
    const loaded = await loadPdf(bytes);
    expect(loaded.repaired).toBeUndefined();
    expect(loaded.bytes).toBe(bytes);
  });

  it('a tree with no page in it → pdf_corrupt that says so, in words', async () => {
    const bytes = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Count 1 /Kids [3 0 R] >>',
      '<< /Type /Pages /Parent 2 0 R /Count 1 /Kids [2 0 R] >>',
    ]);
    const err = await loadPdf(bytes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PdfError);
    expect((err as PdfError).code).toBe('pdf_corrupt');
    expect((err as PdfError).message).toMatch(/no pages/);
  });

  it('a catalog without /Pages → pdf_corrupt naming the missing page tree', async () => {
    const err = await loadPdf(buildPdf(['<< /Type /Catalog >>'])).catch((e: unknown) => e);
    expect((err as PdfError).code).toBe('pdf_corrupt');
    expect((err as PdfError).message).toMatch(/no page tree/);
  });

  it("a damaged object's error names where it is, not the parser's internals", async () => {
    const good = Buffer.from(buildPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Count 1 /Kids [3 0 R] >>', PAGE('2 0 R')]));
    const bytes = new Uint8Array(Buffer.from(good.toString('latin1').replace('/Count 1', '/Count )'), 'latin1'));
    const err = (await loadPdf(bytes).catch((e: unknown) => e)) as PdfError;
    expect(err).toBeInstanceOf(PdfError);
    expect(err.code).toBe('pdf_corrupt');
    expect(err.message).not.toMatch(/byte: \d|Expected|instance of|is not a function|undefined/);
  });

  it('a lying /Count above the limit on a small file is not refused; a real tree above it still is', async () => {
    const lying = buildPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Count 9999999999 /Kids [3 0 R] >>', PAGE('2 0 R')]);
    expect((await loadPdf(lying)).doc.getPageCount()).toBe(1);
    const kids = Array.from({ length: 30 }, (_, i) => `${i + 3} 0 R`).join(' ');
    const many = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      `<< /Type /Pages /Count 1 /Kids [${kids}] >>`,
      ...Array.from({ length: 30 }, () => PAGE('2 0 R')),
    ]);
    const err = (await loadPdf(many, { ...DEFAULT_LOAD_LIMITS, maxPages: 20 }).catch((e: unknown) => e)) as PdfError;
    expect(err.code).toBe('pdf_too_many_pages');
  });
});

describe('page boxes', () => {
  it('a CropBox larger than the MediaBox is clipped to it', async () => {
    const bytes = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Count 1 /Kids [3 0 R] >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 400] /CropBox [-50 -50 500 600] >>',
    ]);
    const r = await inspect(bytes);
    expect(r.pages[0]).toMatchObject({ width: 300, height: 400, cropBox: { x: 0, y: 0, width: 300, height: 400 } });
  });

  it('a CropBox partly outside the MediaBox keeps only the overlap', async () => {
    const bytes = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Count 1 /Kids [3 0 R] >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 400] /CropBox [100 100 500 600] >>',
    ]);
    expect((await inspect(bytes)).pages[0]).toMatchObject({ width: 200, height: 300, cropBox: { x: 100, y: 100 } });
  });
});
