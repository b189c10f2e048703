import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, rgb } from 'pdf-lib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { compileTemplate } from '@/pdf/index.js';
import {
  compareImages,
  crop,
  decodeBarcode,
  findText,
  hasPdftoppm,
  renderPageToPng,
  type RenderedPage,
} from '../../helpers/pdf-readback.js';
import { field, makeBase } from './support.js';

const REF = path.resolve(__dirname, '../fixtures/reference');
const d = hasPdftoppm() ? describe : describe.skip;

/** RGBA at a point (points at 72 dpi = pixels). */
function px(img: RenderedPage, x: number, y: number, dpi = 72): [number, number, number] {
  const s = dpi / 72;
  const i = (Math.round(y * s) * img.width + Math.round(x * s)) * 4;
  return [img.data[i], img.data[i + 1], img.data[i + 2]];
}
const isDark = (c: number[]): boolean => c[0] < 100 && c[1] < 100 && c[2] < 100;
const isWhite = (c: number[]): boolean => c[0] > 240 && c[1] > 240 && c[2] > 240;
const isRed = (c: number[]): boolean => c[0] > 200 && c[1] < 60 && c[2] < 60;
function darkIn(img: RenderedPage, x: number, y: number, w: number, h: number): number {
  let n = 0;
  for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) if (isDark(px(img, xx, yy))) n++;
  return n;
}

function pngDataUrl(w: number, h: number, rgb: [number, number, number]): string {
  const png = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) png.data.set([...rgb, 255], i * 4);
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

d('checkbox, radio, image, signature, barcode: rendered with poppler and checked by pixels', () => {
  it('checkbox draws a check or a cross only when truthy', async () => {
    const base = await makeBase();
    const check = field({ type: 'checkbox', bindingKey: 'a', position: { x: 50, y: 50 }, size: { width: 30, height: 30 } });
    const cross = field({
      type: 'checkbox',
      bindingKey: 'b',
      position: { x: 100, y: 50 },
      size: { width: 30, height: 30 },
      advanced: { checkStyle: 'cross' },
    });
    const off = field({ type: 'checkbox', bindingKey: 'c', position: { x: 150, y: 50 }, size: { width: 30, height: 30 } });
    const t = await compileTemplate(base, [check, cross, off]);
    const img = await renderPageToPng((await t.generate({ a: true, b: 'yes', c: false })).bytes);
    expect(darkIn(img, 50, 50, 30, 30)).toBeGreaterThan(20);
    // a cross has ink at its centre and near all four corners; a check not at the top-left
    expect(isDark(px(img, 115, 65))).toBe(true);
    expect(darkIn(img, 105, 55, 5, 5)).toBeGreaterThan(0);
    expect(darkIn(img, 52, 52, 6, 6)).toBe(0);
    expect(darkIn(img, 150, 50, 30, 30)).toBe(0);
  });

  it('radio: one field per option fills the chosen one; several options are laid out in the box', async () => {
    const base = await makeBase();
    const a = field({
      type: 'radio',
      bindingKey: 'color',
      position: { x: 50, y: 50 },
      size: { width: 20, height: 20 },
      advanced: { options: ['red'] },
    });
    const b = field({
      type: 'radio',
      bindingKey: 'color',
      position: { x: 100, y: 50 },
      size: { width: 20, height: 20 },
      advanced: { options: ['blue'] },
    });
    const group = field({
      type: 'radio',
      bindingKey: 'size',
      position: { x: 50, y: 100 },
      size: { width: 20, height: 60 },
      advanced: { options: ['S', 'M', 'L'] },
    });
    const t = await compileTemplate(base, [a, b, group]);
    const img = await renderPageToPng((await t.generate({ color: 'blue', size: 'L' })).bytes);
    expect(isDark(px(img, 110, 60))).toBe(true);
    expect(isDark(px(img, 60, 60))).toBe(false);
    // rows from the top: S (100-120), M (120-140), L (140-160): centre of L filled, M empty
    expect(isDark(px(img, 60, 150))).toBe(true);
    expect(isDark(px(img, 60, 130))).toBe(false);
  });

  it('image: contain / cover / stretch, clipped to the box', async () => {
    const base = await makeBase();
    const red = pngDataUrl(40, 20, [255, 0, 0]);
    const contain = field({
      type: 'image',
      bindingKey: 'i',
      position: { x: 50, y: 50 },
      size: { width: 100, height: 100 },
      advanced: { imageFit: 'contain' },
    });
    const cover = field({
      type: 'image',
      bindingKey: 'i',
      position: { x: 200, y: 50 },
      size: { width: 100, height: 100 },
      advanced: { imageFit: 'cover' },
    });
    const stretch = field({
      type: 'image',
      bindingKey: 'raw',
      position: { x: 350, y: 50 },
      size: { width: 100, height: 100 },
      advanced: { imageFit: 'stretch' },
    });
    const t = await compileTemplate(base, [contain, cover, stretch]);
    const img = await renderPageToPng((await t.generate({ i: red, raw: red.split(',')[1] })).bytes);
    expect(isRed(px(img, 100, 100))).toBe(true);
    expect(isWhite(px(img, 100, 60))).toBe(true); // contain: 100×50 band in the middle
    expect(isRed(px(img, 100, 80))).toBe(true);
    expect(isRed(px(img, 205, 55))).toBe(true); // cover fills the box…
    expect(isWhite(px(img, 195, 100))).toBe(true); // …and is clipped to it
    expect(isRed(px(img, 355, 55))).toBe(true);
    expect(isRed(px(img, 445, 145))).toBe(true);
    await expect(t.generate({ i: 'data:image/png;base64,AAAA' })).rejects.toMatchObject({ code: 'image_invalid' });
  });

  it('image: JPEG too (made by poppler from a red page)', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([40, 20]).drawRectangle({ x: 0, y: 0, width: 40, height: 20, color: rgb(1, 0, 0) });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'jpeg-'));
    writeFileSync(path.join(dir, 'red.pdf'), await doc.save());
    execFileSync('pdftoppm', ['-jpeg', '-r', '72', '-singlefile', path.join(dir, 'red.pdf'), path.join(dir, 'red')]);
    const jpeg = readFileSync(path.join(dir, 'red.jpg'));
    rmSync(dir, { recursive: true, force: true });
    expect(jpeg[0]).toBe(0xff);
    const f = field({ type: 'image', bindingKey: 'i', position: { x: 50, y: 50 }, size: { width: 80, height: 40 } });
    const t = await compileTemplate(await makeBase(), [f]);
    const img = await renderPageToPng((await t.generate({ i: `data:image/jpeg;base64,${jpeg.toString('base64')}` })).bytes);
    const c = px(img, 90, 70);
    expect(c[0]).toBeGreaterThan(200);
    expect(c[1]).toBeLessThan(80);
  });

  it('signature: drawn strokes as vector paths (field-relative, top-left), or an image', async () => {
    const base = await makeBase();
    const sig = field({ type: 'signature', bindingKey: 'sig', position: { x: 50, y: 50 }, size: { width: 200, height: 60 } });
    const sigImg = field({ type: 'signature', bindingKey: 'img', position: { x: 50, y: 150 }, size: { width: 60, height: 30 } });
    const t = await compileTemplate(base, [sig, sigImg]);
    const strokes = {
      strokes: [
        [
          { x: 10, y: 30 },
          { x: 190, y: 30 },
        ],
        [
          [100, 5],
          [100, 55],
        ],
      ],
    };
    const img = await renderPageToPng((await t.generate({ sig: strokes, img: pngDataUrl(10, 5, [255, 0, 0]) })).bytes);
    expect(isDark(px(img, 100, 80))).toBe(true); // horizontal stroke at y = 50 + 30
    expect(isDark(px(img, 230, 80))).toBe(true);
    expect(isDark(px(img, 100, 70))).toBe(false);
    expect(isDark(px(img, 100, 90))).toBe(false);
    expect(isDark(px(img, 150, 60))).toBe(true); // vertical stroke at x = 50 + 100
    expect(isDark(px(img, 150, 100))).toBe(true);
    expect(isDark(px(img, 140, 60))).toBe(false);
    expect(isDark(px(img, 245, 80))).toBe(false); // ends where the stroke ends
    expect(isRed(px(img, 80, 165))).toBe(true);
  });

  it.each([
    ['qrcode', 'https://example.com/invoice/42?x=ä'],
    ['code128', 'INV-2024-0042'],
    ['ean13', '5901234123457'],
    ['datamatrix', 'Data Matrix 123'],
    ['pdf417', 'PDF417 payload 42'],
  ])('barcode %s decodes back from the rendered page', async (format, value) => {
    const base = await makeBase();
    const linear = format === 'code128' || format === 'ean13';
    const f = field({
      type: 'barcode',
      bindingKey: 'code',
      position: { x: 60, y: 60 },
      size: linear ? { width: 240, height: 60 } : format === 'pdf417' ? { width: 300, height: 100 } : { width: 120, height: 120 },
      advanced: { barcode: { format: format as 'qrcode', includeText: false } },
    });
    const t = await compileTemplate(base, [f]);
    const { bytes } = await t.generate({ code: value });
    const dpi = 144;
    const img = await renderPageToPng(bytes, 1, dpi);
    const s = dpi / 72;
    const region = crop(img, 30 * s, 30 * s, (f.size.width + 60) * s, (f.size.height + 60) * s);
    const decoded = decodeBarcode(region, format);
    expect(decoded).toBe(format === 'ean13' ? value : value);
    // vector, not bitmap: no image XObject in the output
    expect(Buffer.from(bytes).toString('latin1')).not.toContain('/Subtype /Image');
  });

  it('invalid barcode data is a typed error naming the field', async () => {
    const base = await makeBase();
    const f = field({
      type: 'barcode',
      name: 'EAN',
      bindingKey: 'code',
      size: { width: 200, height: 60 },
      advanced: { barcode: { format: 'ean13', includeText: false } },
    });
    const t = await compileTemplate(base, [f]);
    await expect(t.generate({ code: 'not digits' })).rejects.toMatchObject({
      code: 'barcode_invalid',
      message: expect.stringContaining('EAN'),
    });
  });

  it('a page with every field type matches the committed reference image', async () => {
    const base = await makeBase();
    const fields = [
      field({
        bindingKey: 'title',
        position: { x: 40, y: 40 },
        size: { width: 300, height: 30 },
        style: { fontSize: 20, bold: true, textColor: '#1a4480', backgroundColor: '#eeeeee', borderColor: '#1a4480', borderWidth: 1 },
      }),
      field({
        bindingKey: 'body',
        position: { x: 40, y: 80 },
        size: { width: 250, height: 90 },
        style: { fontFamily: 'Times New Roman', textAlign: 'justify', verticalAlign: 'top' },
        advanced: { multiLine: true },
      }),
      field({
        bindingKey: 'u',
        position: { x: 320, y: 80 },
        size: { width: 200, height: 20 },
        style: { underline: true, italic: true, textAlign: 'center' },
      }),
      field({
        bindingKey: 'rot',
        position: { x: 320, y: 130 },
        size: { width: 200, height: 20 },
        layout: { rotation: 20 },
        style: { fontFamily: 'Courier New', borderColor: '#cc0000', borderWidth: 1 },
      }),
      field({
        type: 'number',
        bindingKey: 'n',
        position: { x: 40, y: 190 },
        size: { width: 150, height: 20 },
        style: { textAlign: 'right' },
        advanced: { number: { locale: 'en-US', currency: 'USD' } },
      }),
      field({
        type: 'date',
        bindingKey: 'd',
        position: { x: 220, y: 190 },
        size: { width: 150, height: 20 },
        advanced: { date: { pattern: 'd MMM yyyy', timezone: 'UTC', locale: 'en-US' } },
      }),
      field({
        type: 'checkbox',
        bindingKey: 'c',
        position: { x: 400, y: 190 },
        size: { width: 18, height: 18 },
        style: { borderColor: '#000000', borderWidth: 1 },
      }),
      field({
        type: 'radio',
        bindingKey: 'r',
        position: { x: 440, y: 190 },
        size: { width: 60, height: 18 },
        advanced: { options: ['a', 'b', 'c'] },
      }),
      field({
        type: 'dropdown',
        bindingKey: 'dd',
        position: { x: 40, y: 230 },
        size: { width: 100, height: 20 },
        advanced: { options: ['Gold', 'Silver'] },
      }),
      field({ type: 'image', bindingKey: 'img', position: { x: 160, y: 230 }, size: { width: 60, height: 40 } }),
      field({ type: 'signature', bindingKey: 'sig', position: { x: 240, y: 230 }, size: { width: 120, height: 40 } }),
      field({ type: 'barcode', bindingKey: 'qr', position: { x: 380, y: 230 }, size: { width: 70, height: 70 } }),
      field({
        type: 'barcode',
        bindingKey: 'bar',
        position: { x: 40, y: 310 },
        size: { width: 200, height: 50 },
        advanced: { barcode: { format: 'code128', includeText: true } },
      }),
      field({
        bindingKey: 'top',
        position: { x: 100, y: 330 },
        size: { width: 100, height: 20 },
        layout: { layerOrder: 5 },
        style: { backgroundColor: '#ffff00' },
      }),
    ];
    const t = await compileTemplate(base, fields);
    const payload = {
      title: 'Invoice Ωmega',
      body: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam.',
      u: 'Underlined italic',
      rot: 'Rotated 20°',
      n: 1234.5,
      d: '2024-02-29',
      c: true,
      r: 'b',
      dd: 'Silver',
      img: pngDataUrl(4, 2, [0, 128, 255]),
      sig: [
        [
          [5, 30],
          [30, 5],
          [60, 35],
          [90, 8],
          [115, 30],
        ],
      ],
      qr: 'PDF Studio',
      bar: 'ABC-123',
      top: 'On top',
    };
    const { bytes, warnings } = await t.generate(payload);
    expect(warnings).toEqual([]);
    // layerOrder: the yellow box is painted over the barcode
    const img = await renderPageToPng(bytes, 1, 72);
    expect(px(img, 195, 345)).toEqual([255, 255, 0]);
    expect(await findText(bytes, 'On top')).toBeDefined();
    const cmp = compareImages(img, path.join(REF, 'all-fields.png'));
    expect(cmp.ratio).toBeLessThan(0.002);
  });
});
