import { describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { compileTemplate, PdfError } from '@/pdf/index.js';
import { validate } from '@/pdf/validate/index.js';
import { readImageHeader } from '@/pdf/render/image-header.js';
import { dataUrl, jpegDeclaring, pngDeclaring, strokes } from '../../hostile/bombs.js';
import { field, makeBase } from './support.js';

async function refusal(p: Promise<unknown>): Promise<PdfError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PdfError);
  return err as PdfError;
}

describe('image bombs are refused from their header, before decoding', () => {
  const logo = field({ type: 'image', bindingKey: 'logo', size: { width: 100, height: 50 } });

  it('reads PNG and JPEG headers without decoding', () => {
    expect(readImageHeader(pngDeclaring(8000, 8000))).toEqual({ format: 'png', width: 8000, height: 8000, bytesPerPixel: 4 });
    expect(readImageHeader(jpegDeclaring(65500, 65500))).toEqual({ format: 'jpeg', width: 65500, height: 65500, bytesPerPixel: 3 });
    expect(readImageHeader(Buffer.from('GIF89a'))).toEqual({ problem: 'not a PNG or JPEG image' });
  });

  it('refuses a ~110-byte PNG declaring 8000×8000 with image_too_large', async () => {
    const png = pngDeclaring(8000, 8000);
    expect(png.length).toBeLessThan(120);
    const t = await compileTemplate(await makeBase(), [logo]);
    const err = await refusal(t.generate({ logo: dataUrl(png, 'png') }));
    expect(err.code).toBe('image_too_large');
    expect(err.details).toMatchObject({ bindingKey: 'logo', width: 8000, height: 8000 });
  });

  it('refuses 50000×50000 and a JPEG declaring 65500×65500 with no data', async () => {
    const t = await compileTemplate(await makeBase(), [logo]);
    expect((await refusal(t.generate({ logo: dataUrl(pngDeclaring(50_000, 50_000), 'png') }))).code).toBe('image_too_large');
    expect((await refusal(t.generate({ logo: dataUrl(jpegDeclaring(65_500, 65_500), 'jpeg') }))).code).toBe('image_too_large');
  });

  it('takes the budget as an option, and still embeds an image within it', async () => {
    const t = await compileTemplate(await makeBase(), [logo]);
    const small = dataUrl(jpegDeclaring(40, 20), 'jpeg');
    const err = await refusal(t.generate({ logo: small }, { limits: { maxImagePixels: 100 } }));
    expect(err.code).toBe('image_too_large');
    const doc = await t.generate({ logo: small });
    const back = await PDFDocument.load(doc.bytes);
    expect(back.getPageCount()).toBe(1);
    expect(new TextDecoder('latin1').decode(doc.bytes)).toMatch(/\/Width 40[\s/]/);
  });
});

describe('signatures with hostile point counts', () => {
  const sign = field({ type: 'signature', bindingKey: 'sign', size: { width: 200, height: 60 } });

  it('refuses 200,000 points in validation and in the renderer (no stack overflow)', async () => {
    const value = strokes(200_000);
    const issues = validate([sign], { sign: value });
    expect(issues.map((i) => i.code)).toEqual(['type']);
    expect(issues[0].message).toContain('at most 50000 points');
    const t = await compileTemplate(await makeBase(), [sign]);
    expect((await refusal(t.generate({ sign: value }))).code).toBe('image_invalid');
  });

  it('draws 40,000 points (under the bound) as one path', async () => {
    const t = await compileTemplate(await makeBase(), [sign]);
    const doc = await t.generate({ sign: strokes(40_000) });
    expect((await PDFDocument.load(doc.bytes)).getPageCount()).toBe(1);
    expect(validate([sign], { sign: strokes(40_000) })).toEqual([]);
  });
});
