import { describe, expect, it } from 'vitest';
import { compileTemplate } from '@/pdf/index.js';
import { DEFAULT_MAX_VALUE_LENGTH, validate } from '@/pdf/validate/index.js';
import { layoutText } from '@/pdf/render/text-layout.js';
import { defaultFontRegistry } from '@/pdf/fonts/registry.js';
import { pageText } from '../../helpers/pdf-readback.js';
import { field, makeBase } from './support.js';

/** Long values: fitting is linear (no per-glyph re-summing) and every value has a length bound. */
describe('text fitting of long values', () => {
  const chain = defaultFontRegistry().chain('Helvetica', false, false);
  const id = { fieldId: 'f', name: 'Long' };

  it('ellipsizes a 100,000-character single line to the prefix that fits', () => {
    const text = 'abcdefghij'.repeat(10_000);
    const lay = layoutText({
      text,
      chain,
      fontSize: 10,
      minFontSize: 6,
      lineHeight: 1.2,
      width: 200,
      height: 20,
      multiLine: false,
      overflow: 'ellipsis',
      field: id,
    });
    expect(lay.lines).toHaveLength(1);
    const line = lay.lines[0];
    expect(line.glyphs.at(-1)!.cp).toBe(0x2026);
    expect((line.width * 10) / 1000).toBeLessThanOrEqual(200 + 0.01);
    // The longest prefix: one more character would not fit beside the ellipsis.
    const kept = line.glyphs.length - 1;
    expect(String.fromCodePoint(...line.glyphs.slice(0, kept).map((g) => g.cp))).toBe(text.slice(0, kept));
    const cp = text.codePointAt(kept)!;
    expect(line.width + chain.pick(cp)!.advance(cp)).toBeGreaterThan(20_000);
  });

  it('wraps a 100,000-character word into lines no wider than the box, losing no character', () => {
    const text = 'x'.repeat(100_000);
    const lay = layoutText({
      text,
      chain,
      fontSize: 10,
      minFontSize: 10,
      lineHeight: 1.2,
      width: 100,
      height: 1e9,
      multiLine: true,
      overflow: 'clip',
      field: id,
    });
    const total = lay.lines.reduce((a, l) => a + l.glyphs.length, 0);
    expect(total).toBe(100_000);
    for (const l of lay.lines) expect((l.width * 10) / 1000).toBeLessThanOrEqual(100 + 0.01);
    expect(lay.lines.length).toBeGreaterThan(100);
  });

  it('renders a 100,000-character value (under the bound) and the PDF reads back', async () => {
    const f = field({ bindingKey: 'long', size: { width: 300, height: 200 }, advanced: { multiLine: true, overflow: 'shrink' } });
    const t = await compileTemplate(await makeBase(), [f]);
    const words = 'lorem ipsum dolor sit amet '.repeat(4000).slice(0, 100_000);
    expect(validate([f], { long: words })).toEqual([]);
    const doc = await t.generate({ long: words });
    expect(doc.warnings.map((w) => w.code)).toContain('overflow');
    expect(await pageText(doc.bytes)).toContain('lorem ipsum');
  });

  it('refuses a 4 MB single-line value with value_too_long naming the field, before any layout', () => {
    const f = field({ name: 'Notes', bindingKey: 'notes' });
    const issues = validate([f], { notes: 'a'.repeat(4 * 1024 * 1024) });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'value_too_long', bindingKey: 'notes', name: 'Notes', kind: 'payload' });
    expect(issues[0].message).toContain(String(DEFAULT_MAX_VALUE_LENGTH));
    expect(validate([f], { notes: 'a'.repeat(50) }, { maxValueLength: 10 })[0]?.code).toBe('value_too_long');
    expect(validate([f], { notes: 'a'.repeat(10) }, { maxValueLength: 10 })).toEqual([]);
  });
});
