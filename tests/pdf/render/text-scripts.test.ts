import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileTemplate, createDefaultFontRegistry } from '@/pdf/index.js';
import { layoutText } from '@/pdf/render/text-layout.js';
import { optionalScriptFaces } from '@/pdf/fonts/script-fonts.js';
import { compareImages, extractText, hasPdftoppm, readFormFields, renderPageToPng } from '../../helpers/pdf-readback.js';
import { field, makeBase } from './support.js';

/**
 * Complex scripts (issue 11): Arabic, Hebrew, mixed RTL/LTR with digits, Devanagari and Thai are
 * shaped with HarfBuzz, ordered by the bidi algorithm, drawn with the Noto script fonts, and
 * extract back (pdf.js) as the logical input string.
 */

const installed = optionalScriptFaces('Noto Sans Arabic') !== undefined && optionalScriptFaces('Noto Sans Thai') !== undefined;
const d = installed ? describe : describe.skip;
const REF = path.resolve(__dirname, '../fixtures/reference');
const ARTIFACTS = path.resolve(__dirname, '../../../test-artifacts');

const SAMPLES = {
  arabic: 'مرحبا بالعالم',
  hebrew: 'שלום עולם',
  mixed: 'فاتورة رقم 2024 من ACME',
  devanagari: 'क्षत्रिय हिन्दी',
  thai: 'สวัสดีครับ ภาษาไทย',
} as const;

const RTL = new Set(['arabic', 'hebrew', 'mixed']);

/**
 * The field's text as pdf.js extracts it: each run comes back in logical order (pdf.js applies
 * the bidi algorithm within a run); the runs of a right-to-left line are read from the right.
 */
async function fieldText(bytes: Uint8Array, rtl: boolean): Promise<string> {
  const items = (await extractText(bytes)).filter((i) => !i.str.startsWith('Base page'));
  const ordered = [...items].sort((a, b) => (rtl ? b.x - a.x : a.x - b.x));
  let out = '';
  ordered.forEach((it, k) => {
    const prev = ordered[k - 1];
    // A space only where the runs are apart (a text rise for a mark also starts a new run).
    const gap = prev ? (rtl ? prev.x - (it.x + it.width) : it.x - (prev.x + prev.width)) : 0;
    out += (prev && gap > it.fontSize * 0.15 ? ' ' : '') + it.str;
  });
  return out.replace(/\s+/g, ' ').trim();
}

const fonts = createDefaultFontRegistry();
const chain = fonts.chain('Arial', false, false);
const who = { fieldId: 'f', name: 'f' };
const lay = (text: string, width = 1000, multiLine = false, direction: 'auto' | 'ltr' | 'rtl' = 'auto') =>
  layoutText({
    text,
    chain,
    fontSize: 12,
    minFontSize: 6,
    lineHeight: 1.2,
    width,
    height: 400,
    multiLine,
    overflow: 'clip',
    field: who,
    direction,
  });

d('complex scripts', () => {
  it('Arabic letters are joined: the shaped glyphs differ from the isolated forms', () => {
    // Noto Sans Arabic draws dots as marks of their own: each letter's cluster starts with its base glyph.
    const base = (text: string) => lay(text).lines[0].glyphs.filter((g) => g.text !== '');
    const joined = base('بلد');
    const isolated = ['ب', 'ل', 'د'].map((c) => base(c)[0].gid);
    expect(joined.every((g) => g.face.id.includes('noto-sans-arabic'))).toBe(true);
    expect(joined.map((g) => g.text)).toEqual(['د', 'ل', 'ب']);
    // Visual order is right to left: the first glyph drawn (leftmost) is the final form of د.
    const visual = joined.map((g) => g.gid);
    expect(visual[2]).not.toBe(isolated[0]); // initial beh ≠ isolated beh
    expect(visual[1]).not.toBe(isolated[1]); // medial lam ≠ isolated lam
    expect(visual[0]).not.toBe(isolated[2]); // final dal ≠ isolated dal
  });

  it('a Devanagari conjunct takes fewer glyphs than code points; the reph/matra clusters keep their text', () => {
    const text = 'क्षि';
    const gs = lay(text).lines[0].glyphs;
    expect(gs.length).toBeLessThan([...text].length);
    expect(gs.map((g) => g.text).join('')).toBe(text);
  });

  it('Latin text keeps the per-code-point path (no glyph ids, no levels)', () => {
    const gs = lay('Invoice 42 — Zoë').lines[0].glyphs;
    expect(gs.every((g) => g.gid === undefined && g.level === undefined)).toBe(true);
  });

  it('mixed RTL/LTR with digits is in visual order: Latin and digits read left to right inside the Arabic line', () => {
    const gs = lay(SAMPLES.mixed).lines[0].glyphs;
    const latin = gs.filter((g) => g.cp >= 0x30 && g.cp < 0x7b && g.cp !== 32).map((g) => String.fromCodePoint(g.cp));
    // "ACME" comes first from the left (end of the RTL sentence), then "2024".
    expect(latin.join('')).toBe('ACME2024');
  });

  for (const [name, text] of Object.entries(SAMPLES))
    it(`${name}: flattened and fillable outputs extract back as the logical string`, async () => {
      const base = await makeBase();
      const f = field({ bindingKey: 'v', size: { width: 300, height: 30 }, style: { fontFamily: 'Arial', fontSize: 16 } });
      const t = await compileTemplate(base, [f], { fonts });
      const got = await fieldText((await t.generate({ v: text })).bytes, RTL.has(name));
      // Mixed text is several pdf.js runs (one per font and direction), and whether a space at a
      // run's edge is reported inside a run or as a gap varies: the order of everything else must hold.
      if (name === 'mixed') expect(got.replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
      else expect(got).toBe(text);
      // Fillable: the field's value stays the logical string (its shaped appearance: scripts-output.test.ts).
      const form = await readFormFields((await t.generate({ v: text }, { flatten: false })).bytes);
      expect(form.find((x) => x.type === 'text')?.value).toBe(text);
    });

  it("a field's direction overrides the first strong character", () => {
    const rtl = lay('abc 123', 1000, false, 'rtl').lines[0];
    expect(rtl.rtl).toBe(true);
    // Rule W7: digits after Latin count as Latin, so the run stays "abc 123" (drawn from the right edge).
    expect(rtl.glyphs.map((g) => String.fromCodePoint(g.cp)).join('')).toBe('abc 123');
    const ltr = lay(SAMPLES.hebrew, 1000, false, 'ltr').lines[0];
    expect(ltr.rtl).toBeFalsy();
    expect(lay(SAMPLES.hebrew).lines[0].rtl).toBe(true);
  });

  it('an RTL paragraph in a left-aligned field is drawn against the right edge', async () => {
    const base = await makeBase();
    const f = field({ bindingKey: 'v', position: { x: 50, y: 50 }, size: { width: 300, height: 30 }, style: { fontSize: 16 } });
    const t = await compileTemplate(base, [f], { fonts });
    const items = await extractText((await t.generate({ v: SAMPLES.hebrew })).bytes);
    const right = Math.max(...items.map((i) => i.x + i.width));
    expect(right).toBeGreaterThan(50 + 300 - 8);
  });

  it('a long Thai paragraph wraps on word boundaries (Intl.Segmenter)', () => {
    const para = 'ภาษาไทยเป็นภาษาที่ไม่มีการเว้นวรรคระหว่างคำ การตัดบรรทัดจึงต้องใช้พจนานุกรมเพื่อหาขอบเขตของคำ';
    const words = new Set([...new Intl.Segmenter('th', { granularity: 'word' }).segment(para)].map((s) => s.index).concat([para.length]));
    const lines = lay(para, 120, true).lines;
    expect(lines.length).toBeGreaterThan(2);
    let offset = 0;
    for (const l of lines) {
      const t = l.glyphs.map((g) => g.text ?? String.fromCodePoint(g.cp)).join('');
      offset = para.indexOf(t, offset) + t.length;
      while (para[offset] === ' ') offset++;
      expect(words.has(offset), `break after "${t}"`).toBe(true);
    }
  });

  (hasPdftoppm() ? it : it.skip)('renders every script as the checked reference image (poppler)', async () => {
    const base = await makeBase();
    const fs = Object.keys(SAMPLES).map((k, i) =>
      field({ bindingKey: k, position: { x: 40, y: 40 + i * 40 }, size: { width: 320, height: 32 }, style: { fontSize: 18 } }),
    );
    const t = await compileTemplate(base, fs, { fonts });
    const { bytes } = await t.generate(SAMPLES);
    const img = await renderPageToPng(bytes, 1, 100);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'text-scripts.png'), img.png);
    const cmp = compareImages(img, path.join(REF, 'text-scripts.png'));
    expect(cmp.ratio).toBeLessThan(0.002);
  });
});
