/**
 * The incremental path writes touched pages from bytes prepared at compile time (page-bytes.ts).
 * These bases exercise what that preparation must carry over: resources inherited from the page
 * tree, a /Contents array, extra page entries (rotation, crop box), pages sharing a resources
 * group, and a page we touch without adding resources.
 */
import { PDFArray, PDFDocument, PDFName, StandardFonts, degrees } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { compileTemplate } from '@/pdf/index.js';
import { findText, hasPdftoppm, pageText, renderPageToPng } from '../../helpers/pdf-readback.js';
import { field } from './support.js';

async function inheritedBase(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < 3; i++) {
    const p = doc.addPage([595, 842]);
    p.drawText(`Base text ${i + 1}`, { x: 300, y: 30, size: 10, font });
    p.drawText(`Second run ${i + 1}`, { x: 300, y: 50, size: 10, font }); // pdf-lib: /Contents becomes an array
  }
  // Move page 1's resources up to the page tree: pages 1 inherits them.
  const p1 = doc.getPage(0).node;
  const res = p1.get(PDFName.of('Resources'))!;
  p1.delete(PDFName.of('Resources'));
  doc.catalog.Pages().set(PDFName.of('Resources'), res);
  doc.getPage(1).setRotation(degrees(90));
  doc.getPage(2).setCropBox(0, 0, 595, 842);
  return doc.save({ useObjectStreams: false });
}

describe('incremental page rewrite from prepared bytes', () => {
  it('keeps inherited resources, content arrays and other page entries; base and our text both read back', async () => {
    const base = await inheritedBase();
    expect((await PDFDocument.load(base)).getPage(0).node.get(PDFName.of('Contents'))).toBeInstanceOf(PDFArray);
    const fields = [1, 2, 3].map((page) => field({ page, bindingKey: `v${page}`, position: { x: 50, y: 80 } }));
    const t = await compileTemplate(base, fields);
    for (const round of [1, 2]) {
      const doc = await t.generate({ v1: `Première ${round}`, v2: `Zweite ${round}`, v3: `Třetí ${round}` });
      for (const [page, text] of [
        [1, `Première ${round}`],
        [2, `Zweite ${round}`],
        [3, `Třetí ${round}`],
      ] as const) {
        const all = await pageText(doc.bytes, page);
        expect(all).toContain(text);
        expect(all).toContain(`Base text ${page}`);
        expect(all).toContain(`Second run ${page}`);
      }
      const parsed = await PDFDocument.load(doc.bytes);
      expect(parsed.getPage(2).getCropBox()).toMatchObject({ x: 0, y: 0, width: 595, height: 842 });
      expect(parsed.getPage(1).getRotation().angle).toBe(90);
      // Our text sits where the field is (x 50, 80 pt from the top) on the pages written from
      // prepared bytes; on the rotated page it is at least there.
      for (const [page, text] of [
        [1, `Première ${round}`],
        [3, `Třetí ${round}`],
      ] as const) {
        const hit = await findText(doc.bytes, text, page);
        expect(hit, text).toBeDefined();
        expect(hit!.x).toBeGreaterThanOrEqual(50 - 0.5);
        expect(hit!.x).toBeLessThan(60);
        expect(hit!.baseline).toBeGreaterThan(80);
        expect(hit!.baseline).toBeLessThan(80 + fields[page - 1]!.size.height);
      }
      expect(await findText(doc.bytes, `Zweite ${round}`, 2)).toBeDefined();
      if (hasPdftoppm()) {
        // Ink inside the field's box on the rendered page (1 px per pt), none in the same-sized box below it.
        const png = await renderPageToPng(doc.bytes, 1);
        const ink = (y0: number): number => {
          let n = 0;
          for (let y = y0; y < y0 + fields[0]!.size.height; y++)
            for (let x = 50; x < 50 + fields[0]!.size.width; x++) if (png.data[(y * png.width + x) * 4] < 128) n++;
          return n;
        };
        expect(ink(80)).toBeGreaterThan(20);
        expect(ink(80 + fields[0]!.size.height + 5)).toBe(0);
      }
    }
  });

  it('a page touched only by an empty-valued field, beside pages with text, keeps its own resources', async () => {
    const base = await inheritedBase();
    const t = await compileTemplate(base, [
      field({ page: 1, bindingKey: 'a' }),
      field({ page: 2, bindingKey: 'b', style: { backgroundColor: '#ff0000' } as never }),
    ]);
    const doc = await t.generate({ a: 'Only page one', b: '' });
    expect(await pageText(doc.bytes, 1)).toContain('Only page one');
    expect(await pageText(doc.bytes, 2)).toContain('Base text 2');
    // Page 2 was rewritten (our background stream added) and still has its own resources.
    const before = (await PDFDocument.load(base)).getPage(1).node;
    const after = (await PDFDocument.load(doc.bytes)).getPage(1).node;
    const n = (d: typeof after): number => (d.lookup(PDFName.of('Contents')) as PDFArray).size();
    expect(n(after)).toBe(n(before) + 2);
    expect(after.get(PDFName.of('Resources'))!.toString()).toBe(before.get(PDFName.of('Resources'))!.toString());
  });
});
