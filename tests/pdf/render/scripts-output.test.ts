import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFStream, type PDFRawStream, type PDFRef } from 'pdf-lib';
import pixelmatch from 'pixelmatch';
import { describe, expect, it } from 'vitest';
import { compileTemplate, createDefaultFontRegistry, preflight, type EngineField } from '@/pdf/index.js';
import { optionalCjkFaces } from '@/pdf/fonts/registry.js';
import { EMOJI_FAMILY, optionalScriptFaces, SCRIPT_FAMILIES } from '@/pdf/fonts/script-fonts.js';
import { layoutText } from '@/pdf/render/text-layout.js';
import { compareImages, extractText, hasPdftoppm, readFormFields, renderPageToPng, type RenderedPage } from '../../helpers/pdf-readback.js';
import { loadPdfJs } from '../../helpers/pdfjs.js';
import { field, makeBase } from './support.js';

/**
 * Every script in both outputs (issue "Text in every script"): flattened page text and fillable
 * appearance streams are drawn by the same shaping engine (poppler renders them alike, checked
 * against committed references), both extract back as the logical input (pdf.js through the
 * ToUnicode maps, /ActualText for extractors that honour it), the form value stays the logical
 * string, emoji come from Noto Emoji, and preflight names the package of a font that is missing.
 */

const all = [...SCRIPT_FAMILIES, EMOJI_FAMILY].every((f) => optionalScriptFaces(f.family) !== undefined);
const d = all ? describe : describe.skip;
const REF = path.resolve(__dirname, '../fixtures/reference/scripts');
const ARTIFACTS = path.resolve(__dirname, '../../../test-artifacts/scripts');

const SAMPLES = {
  arabic: 'مرحبا بالعالم',
  hebrew: 'שלום עולם',
  mixed: 'فاتورة رقم 2024 من ACME',
  devanagari: 'क्षत्रिय हिन्दी',
  thai: 'สวัสดีครับ ภาษาไทย',
  emoji: 'Thanks 👍🏽 🎉 👩‍💻 🇫🇷 1️⃣',
} as const;
type Sample = keyof typeof SAMPLES;
const RTL = new Set<Sample>(['arabic', 'hebrew', 'mixed']);

const fonts = createDefaultFontRegistry();
const PAGE: [number, number] = [380, 56];
const box = (style: Partial<EngineField['style']> = {}) =>
  field({ bindingKey: 'v', position: { x: 10, y: 10 }, size: { width: 360, height: 36 }, style: { fontSize: 18, ...style } });

/** The field's text as pdf.js extracts it, runs read in the line's direction (as text-scripts.test.ts does). */
function logicalText(items: { str: string; x: number; width: number; fontSize: number }[], rtl: boolean): string {
  const ordered = items.filter((i) => !i.str.startsWith('Base page')).sort((a, b) => (rtl ? b.x - a.x : a.x - b.x));
  let out = '';
  ordered.forEach((it, k) => {
    const prev = ordered[k - 1];
    const gap = prev ? (rtl ? prev.x - (it.x + it.width) : it.x - (prev.x + prev.width)) : 0;
    out += (prev && gap > it.fontSize * 0.15 ? ' ' : '') + it.str;
  });
  return out.replace(/\s+/g, ' ').trim();
}

const same = (name: Sample, got: string, want: string): void =>
  // A mixed line is several pdf.js runs and where a space at a run's edge goes varies: the order of the rest must hold.
  name === 'mixed' ? expect(got.replace(/\s/g, '')).toBe(want.replace(/\s/g, '')) : expect(got).toBe(want);

/** The decoded bytes of a stream. */
function streamText(s: PDFStream): string {
  const raw = (s as PDFRawStream).contents;
  const filtered = s.dict.get(PDFName.of('Filter')) !== undefined;
  return Buffer.from(filtered ? inflateSync(raw) : raw).toString('latin1');
}

/** The /ActualText strings of marked-content spans in content. */
function actualTexts(content: string): string[] {
  return [...content.matchAll(/\/ActualText <feff([0-9a-f]*)>/gi)].map((m) => Buffer.from(m[1], 'hex').swap16().toString('utf16le'));
}

/** The normal appearance stream of the first widget of the form field `name`, with its document. */
async function appearance(bytes: Uint8Array, name: string): Promise<{ doc: PDFDocument; ref: PDFRef; stream: PDFStream }> {
  const doc = await PDFDocument.load(bytes);
  const widget = doc.getForm().getField(name).acroField.getWidgets()[0];
  const ref = widget.dict.lookup(PDFName.of('AP'), PDFDict).get(PDFName.of('N')) as PDFRef;
  return { doc, ref, stream: doc.context.lookup(ref, PDFStream) };
}

/**
 * The text pdf.js reads from a form field's appearance stream: the stream drawn (as an XObject,
 * by pdf-lib, not by our code) on a page of its own, since pdf.js's text layer skips annotations.
 */
async function appearanceText(bytes: Uint8Array, name: string): Promise<{ str: string; x: number; width: number; fontSize: number }[]> {
  const { doc, ref } = await appearance(bytes, name);
  const page = doc.addPage(PAGE);
  const xo = page.node.newXObject('Ap', ref);
  const content = doc.context.register(doc.context.stream(`q 1 0 0 1 10 10 cm ${xo.asString()} Do Q`));
  page.node.set(PDFName.of('Contents'), content);
  const out = await doc.save();
  return extractText(out, doc.getPageCount());
}

const pageContent = async (bytes: Uint8Array): Promise<string> => {
  const doc = await PDFDocument.load(bytes);
  const contents = doc.getPage(0).node.lookup(PDFName.of('Contents'));
  const parts = contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r, PDFStream)) : [contents as PDFStream];
  return parts.map(streamText).join('\n');
};

function diffRatio(a: RenderedPage, b: RenderedPage): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  return pixelmatch(a.data, b.data, undefined, a.width, a.height, { threshold: 0.1 }) / (a.width * a.height);
}

d('every script, flattened and fillable', () => {
  for (const [name, text] of Object.entries(SAMPLES) as [Sample, string][]) {
    it(`${name}: both outputs extract as the logical string, carry it as /ActualText, and keep it as the form value`, async () => {
      const t = await compileTemplate(await makeBase(1, { size: PAGE }), [box()], { fonts });
      const flat = (await t.generate({ v: text })).bytes;
      same(name, logicalText(await extractText(flat), RTL.has(name)), text);
      expect(actualTexts(await pageContent(flat))).toEqual([text]);

      const fillable = (await t.generate({ v: text }, { flatten: false })).bytes;
      const [form] = await readFormFields(fillable);
      expect(form).toMatchObject({ type: 'text', value: text });
      same(name, logicalText(await appearanceText(fillable, form.name), RTL.has(name)), text);
      const { doc, stream } = await appearance(fillable, form.name);
      expect(actualTexts(streamText(stream))).toEqual([text]);
      // Poppler regenerates appearances when asked to, which would undo the shaping.
      expect(doc.getForm().acroForm.dict.get(PDFName.of('NeedAppearances'))?.toString()).not.toBe('true');
    });

    (hasPdftoppm() ? it : it.skip)(`${name}: flattened and fillable render as the references, and alike`, async () => {
      const t = await compileTemplate(await makeBase(1, { size: PAGE }), [box()], { fonts });
      const imgs: RenderedPage[] = [];
      mkdirSync(ARTIFACTS, { recursive: true });
      for (const mode of ['flattened', 'fillable'] as const) {
        const { bytes } = await t.generate({ v: text }, { flatten: mode === 'flattened' });
        const img = await renderPageToPng(bytes, 1, 100);
        writeFileSync(path.join(ARTIFACTS, `${name}-${mode}.png`), img.png);
        expect(compareImages(img, path.join(REF, `${name}-${mode}.png`)).ratio, mode).toBeLessThan(0.002);
        imgs.push(img);
      }
      // Same engine, same layout: the appearance stream draws what the page text draws.
      expect(diffRatio(imgs[0], imgs[1])).toBeLessThan(0.002);
    });
  }

  it('an imported AcroForm text field of the base PDF gets the shaped appearance; its value stays logical', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage(PAGE);
    doc.getForm().createTextField('customer').addToPage(page, { x: 10, y: 10, width: 360, height: 36, borderWidth: 0 });
    const base = await doc.save();
    const own = field({
      bindingKey: 'v',
      position: { x: 10, y: 10 },
      size: { width: 360, height: 36 },
      style: { fontSize: 18 },
      advanced: { acroFormName: 'customer' } as EngineField['advanced'],
    });
    const t = await compileTemplate(base, [own], { fonts });
    const text = SAMPLES.arabic;
    const fillable = (await t.generate({ v: text }, { flatten: false })).bytes;
    expect((await readFormFields(fillable))[0].value).toBe(text);
    expect(logicalText(await appearanceText(fillable, 'customer'), true)).toBe(text);
    const flat = (await t.generate({ v: text })).bytes;
    expect(logicalText(await extractText(flat), true)).toBe(text);
    if (!hasPdftoppm()) return;
    // Drawn as our own field's flattened text is (the same shaped glyphs in the same box).
    const ours = await compileTemplate(await makeBase(1, { size: PAGE }), [box()], { fonts });
    const want = await renderPageToPng((await ours.generate({ v: text })).bytes, 1, 100);
    expect(diffRatio(await renderPageToPng(fillable, 1, 100), want)).toBeLessThan(0.002);
    expect(diffRatio(await renderPageToPng(flat, 1, 100), want)).toBeLessThan(0.002);
  });

  it("a dropdown (ours or the base PDF's own) shows its chosen Arabic option shaped; the value stays logical", async () => {
    const options = ['الرياض', 'القاهرة 2024', 'Dubai'];
    const doc = await PDFDocument.create();
    const page = doc.addPage(PAGE);
    const dd = doc.getForm().createDropdown('city');
    dd.addOptions(options);
    dd.addToPage(page, { x: 10, y: 10, width: 360, height: 36, borderWidth: 0 });
    const base = await doc.save();
    const at = { position: { x: 10, y: 10 }, size: { width: 360, height: 36 }, style: { fontSize: 18 } };
    const mine = field({ type: 'dropdown', bindingKey: 'v', ...at, advanced: { options } as EngineField['advanced'] });
    const theirs = field({ type: 'dropdown', bindingKey: 'v', ...at, advanced: { acroFormName: 'city' } as EngineField['advanced'] });
    const flat = await (await compileTemplate(await makeBase(1, { size: PAGE }), [mine], { fonts })).generate({ v: options[1] });
    const want = hasPdftoppm() ? await renderPageToPng(flat.bytes, 1, 100) : undefined;
    for (const [t, name] of [
      [await compileTemplate(await makeBase(1, { size: PAGE }), [mine], { fonts }), undefined],
      [await compileTemplate(base, [theirs], { fonts }), 'city'],
    ] as const) {
      const bytes = (await t.generate({ v: options[1] }, { flatten: false })).bytes;
      const [form] = await readFormFields(bytes);
      expect(form).toMatchObject({ type: 'dropdown', value: [options[1]] });
      expect(logicalText(await appearanceText(bytes, name ?? form.name), true).replace(/\s/g, '')).toBe(options[1].replace(/\s/g, ''));
      if (want) expect(diffRatio(await renderPageToPng(bytes, 1, 100), want), name ?? 'ours').toBeLessThan(0.002);
    }
  });

  it("the base PDF's own pre-filled Arabic value shown through /NeedAppearances gets the shaped appearance", async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage(PAGE);
    const form = doc.getForm();
    const pre = form.createTextField('prefilled');
    pre.addToPage(page, { x: 10, y: 10, width: 360, height: 36, borderWidth: 0 });
    pre.setText(SAMPLES.arabic);
    form.createTextField('other').addToPage(page, { x: 10, y: 0, width: 100, height: 9, borderWidth: 0 });
    for (const f of form.getFields()) for (const w of f.acroField.getWidgets()) w.dict.delete(PDFName.of('AP'));
    form.acroForm.dict.set(PDFName.of('NeedAppearances'), doc.context.obj(true));
    const other = field({ bindingKey: 'o', advanced: { acroFormName: 'other' } as EngineField['advanced'] });
    const t = await compileTemplate(await doc.save({ updateFieldAppearances: false }), [other], { fonts });
    const fillable = (await t.generate({ o: 'x' }, { flatten: false })).bytes;
    expect(logicalText(await appearanceText(fillable, 'prefilled'), true)).toBe(SAMPLES.arabic);
    const back = await PDFDocument.load(fillable);
    expect(back.getForm().acroForm.dict.get(PDFName.of('NeedAppearances'))?.toString()).toBe('false');
    const flat = (await t.generate({ o: 'x' })).bytes;
    expect(
      logicalText(
        (await extractText(flat)).filter((i) => i.str !== 'x'),
        true,
      ),
    ).toBe(SAMPLES.arabic);
  });

  it('a widget turned by /MK /R gets the shaped text turned with it', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([200, 400]);
    // A tall box whose text runs up the page, as forms draw vertical labels (/R 90 on a /Rect 36 × 360).
    const side = doc.getForm().createTextField('side');
    side.addToPage(page, { x: 80, y: 20, width: 36, height: 360, borderWidth: 0 });
    side.acroField.getWidgets()[0].getOrCreateAppearanceCharacteristics().setRotation(90);
    const own = field({
      bindingKey: 'v',
      position: { x: 80, y: 20 },
      size: { width: 36, height: 360 },
      style: { fontSize: 18 },
      advanced: { acroFormName: 'side' } as EngineField['advanced'],
    });
    const { bytes } = await (await compileTemplate(await doc.save(), [own], { fonts })).generate({ v: SAMPLES.arabic });
    const pdfjs = await loadPdfJs();
    const task = pdfjs.getDocument({ data: bytes, disableFontFace: true, verbosity: 0 });
    const items = (await (await (await task.promise).getPage(1)).getTextContent()).items.filter((i) => 'str' in i && i.str.trim());
    await task.destroy();
    expect(items.length).toBeGreaterThan(0);
    for (const it of items) {
      // 90° counter-clockwise: the text's x axis points up the page.
      const [a, b] = (it as { transform: number[] }).transform;
      expect(Math.abs(a)).toBeLessThan(0.01);
      expect(b).toBeGreaterThan(10);
    }
  });

  for (const fontFamily of ['Arial', 'DejaVu Sans'])
    it(`${fontFamily}: a right-to-left ligature (lam-alef) and letters with vowel marks extract in logical order`, async () => {
      const t = await compileTemplate(await makeBase(1, { size: PAGE }), [box({ fontFamily })], { fonts });
      for (const text of ['لا إله', 'أقلام حبر', 'بِسْمِ اللَّهِ', 'שָׁלוֹם']) {
        const items = await extractText((await t.generate({ v: text })).bytes);
        // Marks raised or lowered by a text rise are runs of their own: compare without the gaps between runs.
        expect(logicalText(items, true).replace(/\s/g, ''), text).toBe(text.replace(/\s/g, ''));
      }
    });

  it('a long Arabic paragraph wraps between words', () => {
    const para =
      'تتكون الفاتورة من عدة بنود لكل منها وصف وكمية وسعر، ويجب أن يظهر اسم العميل وعنوانه كاملين في أعلى الصفحة دون أن تنقطع أي كلمة';
    const lines = layoutText({
      text: para,
      chain: fonts.chain('Arial', false, false),
      fontSize: 12,
      minFontSize: 6,
      lineHeight: 1.2,
      width: 150,
      height: 400,
      multiLine: true,
      overflow: 'clip',
      field: { fieldId: 'f', name: 'f' },
    }).lines;
    expect(lines.length).toBeGreaterThan(3);
    const words = para.split(' ');
    let at = 0;
    for (const l of lines) {
      // Each line, in logical order, is whole words of the paragraph, continuing where the last one ended.
      const lineWords = l.logical!.split(' ');
      expect(lineWords, l.logical).toEqual(words.slice(at, at + lineWords.length));
      at += lineWords.length;
    }
    expect(at).toBe(words.length);
  });

  it('emoji render from the Noto Emoji subset, opened only for text that has emoji', async () => {
    const fresh = createDefaultFontRegistry();
    const t = await compileTemplate(await makeBase(1, { size: PAGE }), [box()], { fonts: fresh });
    const loaded = () =>
      fresh
        .chain('Arial', false, false)
        .loadedSources()
        .some((f) => f.includes('noto-emoji'));
    expect(logicalText(await extractText((await t.generate({ v: 'Invoice 42 ✔' })).bytes), false)).toBe('Invoice 42 ✔');
    expect(loaded()).toBe(false);
    const { bytes } = await t.generate({ v: SAMPLES.emoji });
    expect(loaded()).toBe(true);
    const back = await PDFDocument.load(bytes);
    const programs = back.context
      .enumerateIndirectObjects()
      .filter(([, o]) => o instanceof PDFDict && String(o.get(PDFName.of('FontName'))).includes('NotoEmoji'))
      .map(([, o]) => back.context.lookup((o as PDFDict).get(PDFName.of('FontFile2')), PDFStream));
    expect(programs).toHaveLength(1);
    // A subset of a few glyphs, not the 1,887-glyph font (≈ 900 KB as TrueType).
    expect(inflateSync((programs[0] as PDFRawStream).contents).length).toBeLessThan(40_000);
  });
});

describe('preflight names the package of a script font the installation lacks', () => {
  /** Module resolution that fails for the given packages, as with npm install --omit=optional. */
  const without =
    (...pkgs: string[]) =>
    (spec: string): string => {
      if (pkgs.some((p) => spec.startsWith(`${p}/`)))
        throw Object.assign(new Error(`Cannot find module '${spec}'`), { code: 'MODULE_NOT_FOUND' });
      return require.resolve(spec);
    };

  it('warns with script_font_missing, naming field, script and package, for each missing one the text needs', () => {
    const lacking = createDefaultFontRegistry({
      resolveOptional: without('@fontsource/noto-sans-thai', '@fontsource/noto-emoji', '@fontsource/noto-sans-arabic'),
    });
    const thai = field({ name: 'Greeting', bindingKey: 'greeting' });
    const arabic = field({ name: 'Customer', bindingKey: 'customer' });
    const latin = field({ name: 'Total', bindingKey: 'total' });
    const r = preflight(
      [thai, arabic, latin],
      { greeting: `${SAMPLES.thai} 🎉`, customer: SAMPLES.arabic, total: '42.00' },
      { fonts: lacking },
    );
    const warned = r.fontWarnings.map((w) => [w.name, w.code, w.script, w.package]);
    expect(warned).toEqual([
      ['Greeting', 'script_font_missing', 'Thai', '@fontsource/noto-sans-thai'],
      ['Greeting', 'script_font_missing', 'Emoji', '@fontsource/noto-emoji'],
      ['Customer', 'script_font_missing', 'Arabic', '@fontsource/noto-sans-arabic'],
    ]);
    expect(r.fontWarnings[0].message).toContain('npm install @fontsource/noto-sans-thai');
    // Thai has no fallback font: its characters are missing glyphs too (so not ok); DejaVu draws the Arabic.
    expect(r.missingGlyphs.some((m) => m.fieldId === thai.fieldId)).toBe(true);
    expect(r.missingGlyphs.some((m) => m.fieldId === arabic.fieldId)).toBe(false);
    expect(r.ok).toBe(false);
  });

  (optionalCjkFaces('Noto Sans JP') ? it : it.skip)(
    'a missing CJK package is named only for characters no installed CJK family draws',
    () => {
      const lacking = createDefaultFontRegistry({ resolveOptional: without('@expo-google-fonts/noto-sans-kr') });
      const r = preflight([field({ name: 'Address', bindingKey: 'a' })], { a: '東京都 서울특별시' }, { fonts: lacking });
      expect(r.fontWarnings.map((w) => [w.script, w.package])).toEqual([['Korean', '@expo-google-fonts/noto-sans-kr']]);
      const han = preflight([field({ bindingKey: 'a' })], { a: '東京都' }, { fonts: lacking });
      expect(han.fontWarnings).toEqual([]);
    },
  );

  (all ? it : it.skip)('says nothing when the packages are installed', () => {
    const r = preflight([field({ bindingKey: 'v' })], { v: `${SAMPLES.thai} ${SAMPLES.emoji}` }, { fonts });
    expect(r.fontWarnings).toEqual([]);
    expect(r.ok).toBe(true);
  });
});
