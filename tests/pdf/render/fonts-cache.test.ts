import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, PDFName, PDFRef, StandardFonts } from 'pdf-lib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { compileTemplate } from '@/pdf/index.js';
import { fontProgram } from '@/pdf/fonts/embed.js';
import { defaultFontRegistry } from '@/pdf/fonts/registry.js';
import { hasPdftoppm, pageText } from '../../helpers/pdf-readback.js';
import { field, makeBase } from './support.js';

/** A base whose pages inherit one Resources dictionary from the page tree (fonts named /F1). */
async function inheritedResourcesBase(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const helv = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) {
    const p = doc.addPage([595, 842]);
    p.node.delete(PDFName.of('Resources'));
    p.node.set(PDFName.of('Contents'), doc.context.register(doc.context.stream(`BT /F1 12 Tf 50 800 Td (Base page ${i}) Tj ET`)));
  }
  doc.catalog.Pages().set(PDFName.of('Resources'), doc.context.register(doc.context.obj({ Font: { F1: helv.ref } })));
  return doc.save({ useObjectStreams: false });
}

/** Renders page 1 with poppler; returns its stderr and the count of dark pixels in a box (72 dpi, top-left origin). */
function poppler(bytes: Uint8Array, box: { x: number; y: number; w: number; h: number }): { stderr: string; ink: number } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fontcache-'));
  try {
    writeFileSync(path.join(dir, 'in.pdf'), bytes);
    const r = spawnSync('pdftoppm', ['-png', '-r', '72', '-singlefile', path.join(dir, 'in.pdf'), path.join(dir, 'out')], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const img = PNG.sync.read(readFileSync(path.join(dir, 'out.png')));
    let ink = 0;
    for (let y = box.y; y < box.y + box.h; y++) {
      for (let x = box.x; x < box.x + box.w; x++) {
        const i = (y * img.width + x) * 4;
        if (img.data[i] < 128 && img.data[i + 1] < 128 && img.data[i + 2] < 128) ink++;
      }
    }
    return { stderr: r.stderr, ink };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('font subsets assembled from cached TrueType slices', () => {
  it('two documents from one compiled template with different glyph sets extract and render correctly', async () => {
    const base = await makeBase();
    const fields = [
      field({ bindingKey: 'a', position: { x: 40, y: 100 }, size: { width: 500, height: 30 }, style: { fontSize: 14 } }),
      field({
        bindingKey: 'b',
        position: { x: 40, y: 200 },
        size: { width: 500, height: 30 },
        style: { fontSize: 14, fontFamily: 'Times New Roman', bold: true },
      }),
    ];
    const t = await compileTemplate(base, fields);
    const docs = [
      { a: 'Crème brûlée à São Paulo', b: 'Ελληνικά κείμενο' },
      { a: 'Zażółć gęślą jaźń Ñandú', b: 'Привет, мир! Ёжик' },
    ];
    for (const payload of docs) {
      const { bytes, warnings } = await t.generate(payload);
      expect(warnings).toEqual([]);
      const text = (await pageText(bytes)).normalize('NFC');
      expect(text).toContain(payload.a);
      expect(text).toContain(payload.b);
      if (hasPdftoppm()) {
        const a = poppler(bytes, { x: 40, y: 100, w: 300, h: 30 });
        const b = poppler(bytes, { x: 40, y: 200, w: 300, h: 30 });
        expect(a.stderr).not.toMatch(/error|font/i);
        expect(a.ink).toBeGreaterThan(100);
        expect(b.ink).toBeGreaterThan(100);
      }
    }
  });

  it('keeps composite glyphs (accents built from components) drawable', async () => {
    // DejaVu builds many accented letters as composites; render one alone (its components are
    // appended to the subset with rewritten glyph ids) and check poppler draws it.
    const base = await makeBase();
    const f = field({
      bindingKey: 'a',
      position: { x: 40, y: 100 },
      size: { width: 500, height: 60 },
      style: { fontSize: 40, fontFamily: 'DejaVu Sans' },
    });
    const t = await compileTemplate(base, [f]);
    const { bytes } = await t.generate({ a: 'ǺǻǼ' });
    expect((await pageText(bytes)).normalize('NFC')).toContain('ǺǻǼ');
    if (hasPdftoppm()) {
      const r = poppler(bytes, { x: 40, y: 100, w: 200, h: 60 });
      expect(r.stderr).not.toMatch(/error|font/i);
      expect(r.ink).toBeGreaterThan(300);
    }
  });

  it('the per-face cache stays bounded by the font across many distinct glyph sets', async () => {
    const chain = defaultFontRegistry().chain('DejaVu Sans', false, false);
    const face = chain.primary();
    const slices = face.slices!;
    expect(slices).toBeDefined();
    const gids: number[] = [];
    for (let cp = 0x20; cp < 0x2000 && gids.length < 3000; cp++) if (face.has(cp)) gids.push(face.font.glyphForCodePoint(cp).id);
    const before = process.memoryUsage().heapUsed;
    // 2000 different subsets of 1–40 glyphs each.
    for (let i = 0; i < 2000; i++) {
      const n = 1 + (i % 40);
      const set = [0];
      for (let k = 0; k < n; k++) set.push(gids[(i * 37 + k * 101) % gids.length]);
      const program = fontProgram(face, [...new Set(set)]);
      expect(program.length).toBeGreaterThan(0);
    }
    expect(slices.cachedGlyphs).toBeLessThanOrEqual(slices.numGlyphs);
    expect(slices.cachedGlyphs).toBeLessThanOrEqual(gids.length + 200);
    // Nothing per subset is retained: growth stays far below 2000 programs' worth.
    global.gc?.();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('pages with equal base resources share one new Resources object; base and field text both survive', async () => {
    const base = await inheritedResourcesBase(3);
    const fields = [1, 2, 3].map((page) =>
      field({ page, bindingKey: `p${page}`, position: { x: 40, y: 100 }, size: { width: 400, height: 30 }, style: { fontSize: 14 } }),
    );
    fields.push(
      field({
        page: 3,
        bindingKey: 'g',
        position: { x: 40, y: 200 },
        size: { width: 400, height: 30 },
        style: { fontSize: 14, fontFamily: 'DejaVu Serif' },
      }),
    );
    const t = await compileTemplate(base, fields);
    const { bytes } = await t.generate({ p1: 'Première', p2: 'Deuxième', p3: 'Troisième', g: 'Ωμέγα' });
    for (const [i, word] of [
      [1, 'Première'],
      [2, 'Deuxième'],
      [3, 'Troisième'],
    ] as const) {
      const text = (await pageText(bytes, i)).normalize('NFC');
      expect(text).toContain(`Base page ${i}`);
      expect(text).toContain(word);
    }
    expect((await pageText(bytes, 3)).normalize('NFC')).toContain('Ωμέγα');
    const out = await PDFDocument.load(bytes);
    const refs = out.getPages().map((p) => p.node.get(PDFName.of('Resources')));
    expect(refs[0]).toBeInstanceOf(PDFRef);
    expect(refs.every((r) => r === refs[0])).toBe(true);
    if (hasPdftoppm()) {
      const r = spawnSync('pdftotext', ['-f', '3', '-l', '3', '-', '-'], { input: bytes, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout.normalize('NFC')).toContain('Ωμέγα');
    }
  });

  it('pages with different but compatible resources (pdf-lib names fonts per page) share one merged Resources object', async () => {
    const base = await makeBase(3);
    const fields = [1, 2, 3].map((page) =>
      field({ page, bindingKey: `p${page}`, position: { x: 40, y: 100 }, size: { width: 400, height: 30 }, style: { fontSize: 14 } }),
    );
    const t = await compileTemplate(base, fields);
    for (const payload of [
      { p1: 'Ärger', p2: 'Öl', p3: 'Übel' },
      { p1: 'Ça va', p3: 'Noël' },
    ]) {
      const { bytes } = await t.generate(payload);
      for (const i of [1, 2, 3]) {
        const text = (await pageText(bytes, i)).normalize('NFC');
        expect(text).toContain(`Base page ${i}`);
        const v = (payload as Record<string, string>)[`p${i}`];
        if (v) expect(text).toContain(v);
      }
      const out = await PDFDocument.load(bytes);
      const pages = out.getPages();
      const touched = [1, 2, 3]
        .filter((i) => (payload as Record<string, string>)[`p${i}`])
        .map((i) => pages[i - 1].node.get(PDFName.of('Resources')));
      expect(touched[0]).toBeInstanceOf(PDFRef);
      expect(touched.every((r) => r === touched[0])).toBe(true);
      if (hasPdftoppm()) {
        const r = spawnSync('pdftotext', ['-', '-'], { input: bytes, encoding: 'utf8' });
        expect(r.stderr).toBe('');
        for (const i of [1, 2, 3]) expect(r.stdout).toContain(`Base page ${i}`);
      }
    }
  });
});
