import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { compileTemplate, PdfError } from '@/pdf/index.js';
import { extractText, findText, pageText } from '../../helpers/pdf-readback.js';
import { field, makeBase, TOL } from './support.js';

describe('text fields: values and places read back with pdf.js', () => {
  it('places single-line text by alignment and vertical alignment, in top-left coordinates', async () => {
    const base = await makeBase();
    const left = field({
      bindingKey: 'a',
      position: { x: 40, y: 100 },
      size: { width: 200, height: 30 },
      style: { verticalAlign: 'top', fontSize: 12 },
    });
    const center = field({
      bindingKey: 'b',
      position: { x: 40, y: 200 },
      size: { width: 200, height: 30 },
      style: { textAlign: 'center', fontSize: 12 },
    });
    const right = field({
      bindingKey: 'c',
      position: { x: 40, y: 300 },
      size: { width: 200, height: 30 },
      style: { textAlign: 'right', verticalAlign: 'bottom', fontSize: 12 },
    });
    const t = await compileTemplate(base, [left, center, right]);
    const { bytes, warnings } = await t.generate({ a: 'Left', b: 'Centre', c: 'Right' });
    expect(warnings).toEqual([]);
    const l = (await findText(bytes, 'Left'))!;
    const c = (await findText(bytes, 'Centre'))!;
    const r = (await findText(bytes, 'Right'))!;
    expect(l.x).toBeCloseTo(40, 0);
    // top-aligned: baseline ≈ top + ascent (Arimo ascent 0.905 em)
    expect(Math.abs(l.baseline - (100 + 12 * 0.905))).toBeLessThan(TOL);
    expect(Math.abs(c.x + c.width / 2 - 140)).toBeLessThan(TOL);
    // middle: the glyph box (ascent..descent) is centred in the box
    expect(Math.abs(c.baseline - (200 + 15 - (12 * (0.905 + 0.212)) / 2 + 12 * 0.905))).toBeLessThan(TOL);
    expect(Math.abs(r.x + r.width - 240)).toBeLessThan(TOL);
    expect(Math.abs(r.baseline - (330 - 12 * 0.212))).toBeLessThan(TOL);
    expect(l.fontSize).toBeCloseTo(12, 1);
  });

  it('uses metric-compatible fonts for Arial / Times New Roman / Courier New, bold and italic', async () => {
    const base = await makeBase();
    const fams = ['Arial', 'Times New Roman', 'Courier New'].flatMap((fontFamily, i) => [
      field({ bindingKey: `r${i}`, position: { x: 40, y: 100 + i * 40 }, style: { fontFamily } }),
      field({ bindingKey: `b${i}`, position: { x: 300, y: 100 + i * 40 }, style: { fontFamily, bold: true, italic: true } }),
    ]);
    const t = await compileTemplate(base, fams);
    const { bytes } = await t.generate({
      r0: 'ArialText',
      b0: 'ArialBI',
      r1: 'TimesText',
      b1: 'TimesBI',
      r2: 'CourierText',
      b2: 'CourierBI',
    });
    const s = new TextDecoder('latin1').decode(bytes);
    for (const name of ['Arimo-Regular', 'Arimo-BoldItalic', 'Tinos-Regular', 'Tinos-BoldItalic', 'Cousine-Regular', 'Cousine-BoldItalic'])
      expect(s).toContain(name);
    // Courier New metrics: every glyph 0.6 em
    const c = (await findText(bytes, 'CourierText'))!;
    expect(c.width).toBeCloseTo(11 * 12 * 0.6, 0);
    // Arial metrics = Helvetica's AFM widths (summed per character: pdf-lib's total adds kerning, we do not kern)
    const helv = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
    const a = (await findText(bytes, 'ArialText'))!;
    expect(Math.abs(a.width - [...'ArialText'].reduce((w, c) => w + helv.widthOfTextAtSize(c, 12), 0))).toBeLessThan(0.1);
  });

  it('draws Latin Extended, Greek and Cyrillic through the fallback chain and extracts them back', async () => {
    const base = await makeBase();
    const f = field({ bindingKey: 'customer.name', size: { width: 400, height: 20 } });
    const t = await compileTemplate(base, [f]);
    const text = 'Zoë Łukasz Őrs — Ελληνικά Русский ǅ';
    const { bytes } = await t.generate({ customer: { name: text } });
    expect(await pageText(bytes)).toContain(text);
  });

  it('names the field and the character no font has (never a wrong glyph)', async () => {
    const base = await makeBase();
    const f = field({ name: 'Customer', bindingKey: 'n' });
    const t = await compileTemplate(base, [f]);
    const err = await t.generate({ n: 'Hello ཀ' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PdfError);
    expect((err as PdfError).code).toBe('font_missing_glyph');
    expect((err as PdfError).message).toContain('Customer');
    expect((err as PdfError).message).toContain('U+0F40');
    expect((err as PdfError).details).toMatchObject({ fieldId: f.fieldId, codePoint: 'U+0F40' });
  });

  it('unknown font family is a typed error at compile time', async () => {
    const base = await makeBase();
    await expect(compileTemplate(base, [field({ style: { fontFamily: 'Comic Sans Nonexistent' } })])).rejects.toMatchObject({
      code: 'font_unknown',
    });
  });

  it('wraps multi-line text within the width, lines lineHeight apart; justify fills the width', async () => {
    const base = await makeBase();
    const f = field({
      bindingKey: 'm',
      position: { x: 50, y: 100 },
      size: { width: 150, height: 200 },
      advanced: { multiLine: true },
      style: { verticalAlign: 'top', lineHeight: 1.5, textAlign: 'justify' },
    });
    const t = await compileTemplate(base, [f]);
    const words = 'the quick brown fox jumps over the lazy dog and keeps running far away';
    const { bytes, warnings } = await t.generate({ m: words });
    expect(warnings).toEqual([]);
    const items = (await extractText(bytes)).filter((i) => i.baseline > 100 && i.baseline < 300);
    const baselines = [...new Set(items.map((i) => Math.round(i.baseline * 10) / 10))].sort((a, b) => a - b);
    expect(baselines.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < baselines.length; i++) expect(baselines[i] - baselines[i - 1]).toBeCloseTo(18, 0);
    for (const it of items) expect(it.x + it.width).toBeLessThanOrEqual(200 + TOL);
    // justified (not last) lines end at the right edge
    const firstLine = items.filter((i) => Math.abs(i.baseline - baselines[0]) < 0.5);
    expect(Math.max(...firstLine.map((i) => i.x + i.width))).toBeCloseTo(200, 0);
    expect((await pageText(bytes)).replace(/\s+/g, ' ')).toContain('the quick brown');
  });

  it('overflow: shrink to fit reports "shrunk"; below minFontSize it cuts with an ellipsis and reports "overflow"', async () => {
    const base = await makeBase();
    const shrink = field({ bindingKey: 's', size: { width: 100, height: 20 }, style: { fontSize: 12 } });
    const tooLong = field({
      bindingKey: 'x',
      position: { x: 50, y: 200 },
      size: { width: 60, height: 20 },
      style: { fontSize: 12 },
      advanced: { minFontSize: 8 },
    });
    const t = await compileTemplate(base, [shrink, tooLong]);
    const { bytes, warnings } = await t.generate({ s: 'A somewhat longer text', x: 'This text will never fit in sixty points' });
    const s = (await findText(bytes, 'somewhat'))!;
    expect(s.fontSize).toBeLessThan(12);
    expect(s.width).toBeLessThanOrEqual(100 + TOL);
    expect(warnings.find((w) => w.fieldId === shrink.fieldId)?.code).toBe('shrunk');
    expect(warnings.find((w) => w.fieldId === tooLong.fieldId)).toMatchObject({ code: 'overflow', bindingKey: 'x', name: tooLong.name });
    const cut = (await findText(bytes, '…'))!;
    expect(cut.fontSize).toBeCloseTo(8, 1);
    expect(cut.x + cut.width).toBeLessThanOrEqual(110 + TOL);
  });

  it('overflow modes ellipsis, clip and wrap each report a warning', async () => {
    const base = await makeBase();
    const long = 'Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod';
    const e = field({ bindingKey: 'e', size: { width: 80, height: 20 }, advanced: { overflow: 'ellipsis' } });
    const c = field({ bindingKey: 'c', position: { x: 50, y: 100 }, size: { width: 80, height: 20 }, advanced: { overflow: 'clip' } });
    const w = field({ bindingKey: 'w', position: { x: 50, y: 200 }, size: { width: 80, height: 30 }, advanced: { overflow: 'wrap' } });
    const ok = field({ bindingKey: 'ok', position: { x: 50, y: 300 }, advanced: { overflow: 'clip' } });
    const t = await compileTemplate(base, [e, c, w, ok]);
    const { bytes, warnings } = await t.generate({ e: long, c: long, w: long, ok: 'fits' });
    expect(warnings.map((x) => [x.fieldId, x.code])).toEqual([
      [e.fieldId, 'overflow'],
      [c.fieldId, 'clipped'],
      [w.fieldId, 'overflow'],
    ]);
    const el = (await findText(bytes, '…'))!;
    expect(el.str.startsWith('Lorem')).toBe(true);
    expect(el.x + el.width).toBeLessThanOrEqual(130 + TOL);
    // wrap keeps the lines that fit (30pt / 14.4pt → 2 lines)
    const wrapped = (await extractText(bytes)).filter((i) => i.baseline > 200 && i.baseline < 235);
    expect(new Set(wrapped.map((i) => Math.round(i.baseline))).size).toBe(2);
  });

  it('maxLength truncates with a warning; visibility and placeholder; nested, flat and default values', async () => {
    const base = await makeBase();
    const max = field({ bindingKey: 'code', advanced: { maxLength: 5 } });
    const hidden = field({ bindingKey: 'secret', position: { x: 50, y: 100 }, advanced: { visibility: 'hidden' } });
    const when = field({
      bindingKey: 'opt',
      position: { x: 50, y: 150 },
      advanced: { visibility: 'whenPresent' },
      style: { backgroundColor: '#ff0000' },
    });
    const ph = field({ bindingKey: 'empty', position: { x: 50, y: 200 }, advanced: { placeholder: 'PLACEHOLDER' } });
    const flat = field({ bindingKey: 'customer.city', position: { x: 50, y: 250 } });
    const def = field({ bindingKey: 'missing', position: { x: 50, y: 300 }, advanced: { defaultValue: 'DefaultVal' } });
    const t = await compileTemplate(base, [max, hidden, when, ph, flat, def]);
    const { bytes, warnings } = await t.generate({ code: 'ABCDEFGH', secret: 'SECRET', 'customer.city': 'Lyon' });
    const text = await pageText(bytes);
    expect(text).toContain('ABCDE');
    expect(text).not.toContain('ABCDEF');
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('PLACEHOLDER');
    expect(text).toContain('Lyon');
    expect(text).toContain('DefaultVal');
    expect(warnings).toEqual([expect.objectContaining({ fieldId: max.fieldId, code: 'truncated_max_length' })]);
    // whenPresent with a value prints it
    const again = await t.generate({ opt: 'Shown', customer: { city: 'Nested' } });
    const t2 = await pageText(again.bytes);
    expect(t2).toContain('Shown');
    expect(t2).toContain('Nested');
  });

  it('number (locale, decimals, currency), date (pattern, timezone) and dropdown (must be an option)', async () => {
    const base = await makeBase();
    const num = field({
      type: 'number',
      bindingKey: 'amount',
      size: { width: 300, height: 20 },
      advanced: { number: { locale: 'de-DE', currency: 'EUR' } },
    });
    const dec = field({
      type: 'number',
      bindingKey: 'qty',
      position: { x: 50, y: 80 },
      advanced: { number: { locale: 'en-US', decimals: 3 } },
    });
    const date = field({
      type: 'date',
      bindingKey: 'when',
      position: { x: 50, y: 110 },
      size: { width: 400, height: 20 },
      advanced: { date: { pattern: "EEEE d MMMM yyyy 'at' HH:mm", timezone: 'America/New_York', locale: 'en-US' } },
    });
    const day = field({
      type: 'date',
      bindingKey: 'day',
      position: { x: 50, y: 140 },
      advanced: { date: { pattern: 'dd/MM/yy', timezone: 'Pacific/Auckland', locale: 'en-US' } },
    });
    const dd = field({ type: 'dropdown', bindingKey: 'size', position: { x: 50, y: 170 }, advanced: { options: ['S', 'M', 'L'] } });
    const t = await compileTemplate(base, [num, dec, date, day, dd]);
    const { bytes } = await t.generate({ amount: 1234.5, qty: '2', when: '2024-03-05T02:30:00Z', day: '2024-03-05', size: 'M' });
    const text = (await pageText(bytes)).replace(/\u00a0/g, ' ');
    expect(text).toContain('1.234,50 €');
    expect(text).toContain('2.000');
    expect(text).toContain('Monday 4 March 2024 at 21:30');
    expect(text).toContain('05/03/24');
    expect(text).toMatch(/\bM\b/);
    await expect(t.generate({ size: 'XL' })).rejects.toMatchObject({ code: 'payload_invalid' });
    await expect(t.generate({ amount: 'abc' })).rejects.toMatchObject({ code: 'payload_invalid' });
  });
});
