import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { compileTemplate, PdfError, preflight } from '@/pdf/index.js';
import type { FieldInput } from '@/shared/domain/field.js';
import { extractText, joinLines, pageText } from '../../helpers/pdf-readback.js';
import { field, makeBase } from './support.js';

const STEMS = ['indemnify', 'the', 'party', 'notwithstanding', 'of', 'liability', 'agreement', 'a'];
/** `count` distinct words (each ends in its index) in paragraphs of 90 words. */
function clause(count: number): { text: string; words: string[] } {
  const words = Array.from({ length: count }, (_, i) => `${STEMS[i % STEMS.length]}${i + 1}`);
  const paragraphs: string[] = [];
  for (let i = 0; i < count; i += 90) paragraphs.push(words.slice(i, i + 90).join(' '));
  return { text: paragraphs.join('\n'), words };
}

/** A 400 × 200 pt multi-line clause at (40, 100) that continues. */
function clauseField(advanced: FieldInput['advanced'] = {}, extra: Parameters<typeof field>[0] = {}) {
  return field({
    name: 'Clause',
    bindingKey: 'clause',
    position: { x: 40, y: 100 },
    size: { width: 400, height: 200 },
    style: { fontSize: 11, verticalAlign: 'middle' },
    advanced: { multiLine: true, overflow: 'continue', ...advanced },
    ...extra,
  });
}

/** The words of every page in reading order, with the page and baseline of each line. */
async function wordsOf(bytes: Uint8Array, pages: number, skip: RegExp = /^Base page|^Page \d|^REF/) {
  const words: string[] = [];
  const lines: { page: number; baseline: number; x: number; width: number }[] = [];
  for (let p = 1; p <= pages; p++) {
    for (const line of joinLines(await extractText(bytes, p))) {
      if (skip.test(line.str)) continue;
      words.push(...line.str.split(/\s+/).filter(Boolean));
      lines.push({ page: p, baseline: line.baseline, x: line.x, width: line.width });
    }
  }
  return { words, lines };
}

describe("multi-line text with overflow 'continue'", () => {
  it('a long clause continues on copies of its page: every word exactly once, in order, each page from the top of the box', async () => {
    const { text, words } = clause(700);
    const ref = field({ bindingKey: 'ref', position: { x: 40, y: 40 }, advanced: { repeatOnContinuation: true } });
    const t = await compileTemplate(await makeBase(), [clauseField(), ref]);
    const { bytes, pageCount, warnings } = await t.generate({ clause: text, ref: 'REF-7' });
    expect(warnings).toEqual([]);
    expect(pageCount).toBeGreaterThanOrEqual(2);
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(pageCount);
    const read = await wordsOf(bytes, pageCount);
    expect(read.words).toEqual(words);
    for (let p = 1; p <= pageCount; p++) {
      const on = read.lines.filter((l) => l.page === p);
      expect(on.length).toBeGreaterThan(0);
      // Inside the box (100..300 pt from the top), starting at its top; the last page may be partly empty.
      expect(Math.min(...on.map((l) => l.baseline))).toBeLessThan(100 + 15);
      expect(Math.max(...on.map((l) => l.baseline))).toBeLessThan(300);
      for (const l of on) expect(l.x + l.width).toBeLessThanOrEqual(440 + 0.5);
      expect(await pageText(bytes, p)).toContain('REF-7');
      expect(await pageText(bytes, p)).toContain('Base page 1');
    }
    // 200 pt of box at 11 pt × 1.2 holds 15 lines: every page but the last is full.
    for (let p = 1; p < pageCount; p++) expect(read.lines.filter((l) => l.page === p)).toHaveLength(15);
  });

  it('continues in the continuation box of a blank page, wrapped at the narrower box so every line fits both', async () => {
    const { text, words } = clause(700);
    const t = await compileTemplate(await makeBase(), [
      clauseField({ continuation: { page: 'blank', box: { x: 60, y: 50, width: 480, height: 740 } } }),
    ]);
    const { bytes, pageCount } = await t.generate({ clause: text });
    // 15 lines in the field's box, then 56 (740 pt at 13.2 pt a line) on each blank page.
    expect(pageCount).toBe(3);
    const read = await wordsOf(bytes, 3);
    expect(read.words).toEqual(words);
    const page2 = read.lines.filter((l) => l.page === 2);
    expect(page2).toHaveLength(56);
    expect(Math.min(...page2.map((l) => l.x))).toBeCloseTo(60, 0);
    expect(Math.min(...page2.map((l) => l.baseline))).toBeLessThan(50 + 15);
    for (const l of page2) expect(l.width).toBeLessThanOrEqual(400 + 0.5);
    expect(await pageText(bytes, 2)).not.toContain('Base page');
    expect(await pageText(bytes, 3)).not.toContain('Base page');
  });

  it('text that fits is drawn as wrapped text in its box, on its one page', async () => {
    const t = await compileTemplate(await makeBase(), [clauseField()]);
    const { bytes, pageCount, warnings } = await t.generate({ clause: clause(40).text });
    expect([pageCount, warnings]).toEqual([1, []]);
    expect((await wordsOf(bytes, 1)).words).toEqual(clause(40).words);
    // A narrower continuation box does not narrow text that never goes there.
    const narrow = await compileTemplate(await makeBase(), [
      clauseField({ continuation: { page: 'same', box: { x: 40, y: 500, width: 100, height: 300 } } }),
    ]);
    const n = await narrow.generate({ clause: clause(40).text });
    expect(n.pageCount).toBe(1);
    expect(Math.max(...(await wordsOf(n.bytes, 1)).lines.map((l) => l.width))).toBeGreaterThan(300);
  });

  it('page numbers count its pages; in fillable output it is page content and the other fields stay form fields', async () => {
    const numbers = field({
      bindingKey: 'n',
      position: { x: 400, y: 800 },
      advanced: { pageNumber: 'Page {page} of {pages}', repeatOnContinuation: true },
    });
    const name = field({ name: 'Signer', bindingKey: 'signer', position: { x: 40, y: 700 } });
    const t = await compileTemplate(await makeBase(2), [clauseField(), numbers, name]);
    const { text, words } = clause(500);
    const { bytes, pageCount } = await t.generate({ clause: text, signer: 'Ada' }, { flatten: false });
    expect(pageCount).toBeGreaterThanOrEqual(3);
    const form = (await PDFDocument.load(bytes)).getForm();
    expect(form.getTextField('Signer').getText()).toBe('Ada');
    expect(form.getFields().map((f) => f.getName())).not.toContain('Clause');
    // The clause's pages come before the base's page 2.
    expect((await wordsOf(bytes, pageCount - 1, /^Base page|^Page \d/)).words).toEqual(words);
    for (let p = 1; p < pageCount; p++) expect(await pageText(bytes, p)).toContain(`Page ${p} of ${pageCount}`);
    expect(await pageText(bytes, pageCount)).toContain('Base page 2');
  });

  it('preflight says how many lines continue and how many pages they add; generation refuses more pages than the bound', async () => {
    const f = clauseField();
    const { text } = clause(700);
    const [report] = preflight([f], { clause: text }).continuedTexts;
    expect(report).toMatchObject({ bindingKey: 'clause' });
    expect(report.lines - report.continuationLines).toBe(15);
    const t = await compileTemplate(await makeBase(), [f]);
    const { pageCount } = await t.generate({ clause: text });
    expect(report.continuationPages).toBe(pageCount - 1);
    expect(preflight([f], { clause: text }).overflows).toEqual([]);
    const bounded = preflight([f], { clause: text }, { maxPages: pageCount - 1, basePages: 1 });
    expect(bounded.ok).toBe(false);
    expect(bounded.renderErrors).toEqual([expect.objectContaining({ fieldId: f.fieldId, code: 'document_too_many_pages' })]);
    expect(preflight([f], { clause: text }, { maxPages: pageCount, basePages: 1 }).ok).toBe(true);
    const err = await t.generate({ clause: text }, { limits: { maxPages: pageCount - 1 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PdfError);
    expect((err as PdfError).code).toBe('document_too_many_pages');
    expect((err as PdfError).details).toMatchObject({
      fieldId: f.fieldId,
      bindingKey: 'clause',
      pages: pageCount,
      maxPages: pageCount - 1,
    });
  });
});
