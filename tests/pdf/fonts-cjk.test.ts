import { inflateSync } from 'node:zlib';
import type { PDFRawStream } from 'pdf-lib';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { compileTemplate, createDefaultFontRegistry, PdfError, preflight } from '@/pdf/index.js';
import { optionalCjkFaces } from '@/pdf/fonts/registry.js';
import { hasPdftoppm, pageText, renderPageToPng } from '../helpers/pdf-readback.js';
import { field, makeBase } from './render/support.js';

/**
 * The optional CJK fonts (Noto Sans JP, SC and KR from @expo-google-fonts): they end every
 * family's fallback chain, are embedded as small subsets, extract back as the same text, and are
 * never opened for documents that do not need them. Without the packages, CJK text is the named
 * missing-glyph error.
 */

const installed = optionalCjkFaces('Noto Sans JP') !== undefined;
const allCjk = installed && optionalCjkFaces('Noto Sans SC') !== undefined && optionalCjkFaces('Noto Sans KR') !== undefined;
const cjk = installed ? describe : describe.skip;
const ADDRESS = '東京都渋谷区';
const KANA = 'ひらがな カタカナ';

/** Embedded font programs by FontName: compressed and uncompressed sizes. */
async function embeddedFonts(bytes: Uint8Array): Promise<{ name: string; stored: number; raw: number }[]> {
  const doc = await PDFDocument.load(bytes);
  const out: { name: string; stored: number; raw: number }[] = [];
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || !obj.get(PDFName.of('FontFile2'))) continue;
    const stream = doc.context.lookup(obj.get(PDFName.of('FontFile2'))) as PDFRawStream;
    const filtered = stream.dict.get(PDFName.of('Filter')) !== undefined;
    out.push({
      name: String(obj.get(PDFName.of('FontName'))),
      stored: stream.contents.length,
      raw: filtered ? inflateSync(stream.contents).length : stream.contents.length,
    });
  }
  return out;
}

const isNoto = (path: string): boolean => /NotoSans(JP|SC|KR)/.test(path);
const absent = (): never => {
  throw Object.assign(new Error("Cannot find module '@expo-google-fonts/noto-sans-jp/package.json'"), { code: 'MODULE_NOT_FOUND' });
};

cjk('CJK text with the optional Noto Sans JP font', () => {
  it('renders Japanese in an Arial field (fallback) and a "Noto Sans JP" field; text reads back; subsets are small', async () => {
    const base = await makeBase();
    const arial = field({
      name: 'Address',
      bindingKey: 'address',
      position: { x: 50, y: 100 },
      size: { width: 400, height: 30 },
      style: { fontSize: 16 },
    });
    const noto = field({
      name: 'Kana',
      bindingKey: 'kana',
      position: { x: 50, y: 160 },
      size: { width: 400, height: 30 },
      style: { fontFamily: 'Noto Sans JP', fontSize: 16, bold: true },
    });
    const alias = field({
      name: 'Alias',
      bindingKey: 'alias',
      position: { x: 50, y: 220 },
      size: { width: 400, height: 30 },
      style: { fontFamily: 'Noto Sans CJK JP', italic: true },
    });
    const t = await compileTemplate(base, [arial, noto, alias]);
    const { bytes } = await t.generate({ address: `${ADDRESS} 1-2-3`, kana: KANA, alias: '漢字 Kanji' });

    const text = await pageText(bytes);
    expect(text).toContain(`${ADDRESS} 1-2-3`);
    expect(text).toContain(KANA);
    expect(text).toContain('漢字 Kanji');

    const fonts = await embeddedFonts(bytes);
    const noto400 = fonts.filter((f) => f.name.includes('NotoSansJP-Regular'));
    const noto700 = fonts.filter((f) => f.name.includes('NotoSansJP-Bold'));
    // One shared regular subset (the Arial fallback and the italic alias field), one bold subset.
    expect(noto400).toHaveLength(1);
    expect(noto700).toHaveLength(1);
    // The font files are 5.4 MB with ~17k glyphs; a handful of characters must embed only those.
    for (const f of [...noto400, ...noto700]) {
      expect(f.name).toMatch(/^\/[A-Z]{6}\+/);
      expect(f.raw).toBeLessThan(200 * 1024);
      expect(f.stored).toBeLessThan(50 * 1024);
    }
    // Latin in the Arial field stays in Arimo.
    expect(fonts.some((f) => f.name.includes('Arimo-Regular'))).toBe(true);
  });

  it.skipIf(!allCjk)(
    'simplified Chinese and Korean render too (Noto Sans SC and KR after JP); a "Noto Sans SC" field keeps Chinese forms; KR is opened only for Hangul',
    async () => {
      const fonts = createDefaultFontRegistry();
      const base = await makeBase();
      // 这们说话 and 东 are simplified forms Noto Sans JP does not have; 한국어 is Hangul.
      const mixed = field({
        name: 'Mixed',
        bindingKey: 'm',
        position: { x: 50, y: 100 },
        size: { width: 480, height: 30 },
        style: { fontSize: 14 },
      });
      const chinese = field({
        name: 'Chinese',
        bindingKey: 'c',
        position: { x: 50, y: 160 },
        size: { width: 480, height: 30 },
        style: { fontFamily: 'Noto Sans SC', fontSize: 14 },
      });
      const t = await compileTemplate(base, [mixed, chinese], { fonts });
      const { bytes } = await t.generate({ m: '这们说话 東京 한국어 Seoul', c: '广东 北京 东京' });
      const text = await pageText(bytes);
      expect(text).toContain('这们说话 東京 한국어 Seoul');
      expect(text).toContain('广东 北京 东京');
      const names = (await embeddedFonts(bytes)).map((f) => f.name);
      for (const stem of ['NotoSansJP', 'NotoSansSC', 'NotoSansKR'])
        expect(
          names.filter((n) => n.includes(stem)),
          stem,
        ).toHaveLength(1);
      // The Chinese field's 京 (which JP also has) comes from SC: one SC subset serves both fields.
      const sc = (await embeddedFonts(bytes)).find((f) => f.name.includes('NotoSansSC'))!;
      expect(sc.raw).toBeLessThan(200 * 1024);
      // Japanese-only text never opens the SC or KR files.
      const fresh = createDefaultFontRegistry();
      await (await compileTemplate(base, [mixed], { fonts: fresh })).generate({ m: `${ADDRESS} ${KANA}` });
      const opened = fresh.chain('Arial', false, false).loadedSources();
      expect(opened.some((p) => p.includes('NotoSansJP'))).toBe(true);
      expect(opened.filter((p) => /NotoSans(SC|KR)/.test(p))).toEqual([]);
    },
  );

  it('a Latin-only document never opens or embeds the CJK font (flattened and as form fields)', async () => {
    const fonts = createDefaultFontRegistry();
    const base = await makeBase();
    const a = field({ bindingKey: 'a', style: { fontFamily: 'Arial' } });
    const b = field({ bindingKey: 'b', position: { x: 50, y: 120 }, style: { fontFamily: 'Times New Roman', bold: true } });
    const t = await compileTemplate(base, [a, b], { fonts });
    const flat = await t.generate({ a: 'Zoë Ελένη Ирина', b: 'Invoice № 42 — €10' });
    const form = await t.generate({ a: 'Plain Latin', b: 'Form value' }, { flatten: false });
    for (const bytes of [flat.bytes, form.bytes]) expect((await embeddedFonts(bytes)).some((f) => f.name.includes('NotoSans'))).toBe(false);
    // The chains end with Noto Sans JP, but only the files actually needed were read.
    const arialChain = fonts.chain('Arial', false, false);
    expect(arialChain.all().some((f) => isNoto(f.id))).toBe(true);
    const fresh = createDefaultFontRegistry();
    await (await compileTemplate(base, [a, b], { fonts: fresh })).generate({ a: 'Zoë Ελένη Ирина', b: 'Invoice № 42 — €10' });
    await (await compileTemplate(base, [a, b], { fonts: fresh })).generate({ a: 'Plain Latin', b: 'Form value' }, { flatten: false });
    for (const [family, bold] of [
      ['Arial', false],
      ['Times New Roman', true],
    ] as const) {
      const opened = fresh.chain(family, bold, false).loadedSources();
      expect(opened.length).toBeGreaterThan(0);
      expect(opened.filter(isNoto)).toEqual([]);
    }
  });

  it('preflight treats CJK characters as drawable; characters no font has are still listed', () => {
    const a = field({ name: 'A', bindingKey: 'a' });
    const r = preflight([a], { a: `${ADDRESS} ${KANA}` });
    expect(r).toMatchObject({ ok: true, missingGlyphs: [], renderErrors: [] });
    const bad = preflight([a], { a: `${ADDRESS} ཀ` });
    expect(bad.missingGlyphs).toEqual([expect.objectContaining({ fieldId: a.fieldId, char: 'ཀ', codePoint: 'U+0F40' })]);
  });

  it('describe() lists Noto Sans JP with its aliases and its two styles', () => {
    const families = createDefaultFontRegistry().describe();
    const noto = families.find((f) => f.name === 'Noto Sans JP');
    expect(noto).toEqual({
      name: 'Noto Sans JP',
      aliases: expect.arrayContaining(['Noto Sans CJK JP', 'CJK']),
      styles: ['regular', 'bold'],
    });
    expect(families.find((f) => f.name === 'Liberation Sans')).toMatchObject({
      aliases: expect.arrayContaining(['Arial', 'Helvetica']),
      styles: ['regular', 'bold', 'italic', 'boldItalic'],
    });
  });

  it.skipIf(!hasPdftoppm())('poppler draws the CJK glyphs (ink inside the field box)', async () => {
    const base = await makeBase();
    const f = field({ bindingKey: 'a', position: { x: 50, y: 100 }, size: { width: 300, height: 40 }, style: { fontSize: 28 } });
    const t = await compileTemplate(base, [f]);
    const empty = await renderPageToPng((await t.generate({ a: '' })).bytes);
    const img = await renderPageToPng((await t.generate({ a: ADDRESS })).bytes);
    const ink = (page: typeof img): number => {
      let n = 0;
      for (let y = 100; y < 140; y++) for (let x = 50; x < 350; x++) if (page.data[(y * page.width + x) * 4] < 128) n++;
      return n;
    };
    expect(ink(empty)).toBe(0);
    // Six ideographs at 28 pt: dense strokes, hundreds of dark pixels (a .notdef box would be far fewer).
    expect(ink(img)).toBeGreaterThan(600);
  });
});

describe('without the optional CJK package', () => {
  it('registers no Noto family and CJK text is the missing-glyph error naming field and character', async () => {
    const fonts = createDefaultFontRegistry({ resolveOptional: absent });
    for (const family of ['Noto Sans JP', 'Noto Sans SC', 'Noto Sans KR']) expect(fonts.has(family)).toBe(false);
    expect(fonts.describe().map((f) => f.name)).not.toContain('Noto Sans JP');
    expect(
      fonts
        .chain('Arial', false, false)
        .all()
        .some((f) => isNoto(f.id)),
    ).toBe(false);

    const base = await makeBase();
    const f = field({ name: 'Customer', bindingKey: 'n' });
    const t = await compileTemplate(base, [f], { fonts });
    const err = await t.generate({ n: `Hello ${ADDRESS}` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PdfError);
    expect((err as PdfError).code).toBe('font_missing_glyph');
    expect((err as PdfError).message).toContain('Customer');
    expect((err as PdfError).message).toContain('東');
    expect((err as PdfError).details).toMatchObject({ fieldId: f.fieldId, codePoint: 'U+6771' });

    const pf = preflight([f], { n: KANA }, { fonts });
    expect(pf.ok).toBe(false);
    expect(pf.missingGlyphs.map((m) => m.char)).toEqual(['ひ', 'ら', 'が', 'な', 'カ', 'タ', 'ナ']);
    await expect(compileTemplate(base, [field({ style: { fontFamily: 'Noto Sans JP' } })], { fonts })).rejects.toMatchObject({
      code: 'font_unknown',
    });
  });
});
