import { PDFDocument, PDFName, PDFNumber, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { compileTemplate, type EngineField } from '@/pdf/index.js';
import { inspect } from '@/pdf/inspect/index.js';
import { extractText, joinLines, type TextItem } from '../../helpers/pdf-readback.js';
import { field } from './support.js';

/**
 * A page with /UserUnit 2 (one user-space unit is 2 pt): 300 × 400 units is a 600 × 800 pt page.
 * Inspect reports it in points, fields placed in points land where the page's percentages say, at
 * their size in points, and the page's own form widgets are imported and filled in points too.
 * pdf.js reports text in user-space units; the test converts with the unit itself.
 */

const UNIT = 2;

async function base(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([300, 400]);
  page.node.set(PDFName.of('UserUnit'), PDFNumber.of(UNIT));
  // A form field in user-space units: x 30..130, y 300..320 (top-left: 80..100 units from the top).
  doc.getForm().createTextField('applicant').addToPage(page, { x: 30, y: 300, width: 100, height: 20, borderWidth: 0 });
  return doc.save();
}

/** pdf.js's runs of a line containing `s`, in points from the top-left (user units × UNIT). */
async function textInPoints(bytes: Uint8Array, s: string): Promise<TextItem> {
  const line = joinLines(await extractText(bytes)).find((l) => l.str.includes(s));
  if (!line) throw new Error(`"${s}" not found`);
  return { ...line, x: line.x * UNIT, baseline: line.baseline * UNIT, width: line.width * UNIT, fontSize: line.fontSize * UNIT };
}

describe('/UserUnit: sizes and coordinates in points', () => {
  it('inspect reports the page and its widget in points', async () => {
    const r = await inspect(await base());
    expect(r.pages[0]).toMatchObject({ width: 600, height: 800, userUnit: 2, cropBox: { x: 0, y: 0, width: 300, height: 400 } });
    expect(r.fields[0].widgets[0].rect).toEqual({ x: 60, y: 160, width: 200, height: 40 });
    expect(r.suggestedFields[0]).toMatchObject({ position: { x: 60, y: 160 }, size: { width: 200, height: 40 } });
  });

  it("a field placed at page percentages lands there at its size in points; the page's widget is filled in its box", async () => {
    const bytes = await base();
    const imported = (await inspect(bytes)).suggestedFields.map((s, i) => ({ fieldId: `imp${i}`, ...s }) as EngineField);
    // 25 % across and 50 % down the 600 × 800 pt page, 20 pt text.
    const placed = field({
      bindingKey: 'note',
      position: { x: 150, y: 400 },
      size: { width: 300, height: 40 },
      style: { fontSize: 20 },
    });
    const compiled = await compileTemplate(bytes, [placed, ...imported]);
    const payload = { note: 'Quarter across', [imported[0].bindingKey]: 'Ada Lovelace' };
    const flat = (await compiled.generate(payload)).bytes;
    const note = await textInPoints(flat, 'Quarter across');
    expect(note.fontSize).toBeCloseTo(20, 0);
    expect(note.x).toBeGreaterThanOrEqual(150);
    expect(note.x).toBeLessThan(150 + 10);
    expect(note.baseline).toBeGreaterThan(400);
    expect(note.baseline).toBeLessThan(440);
    // The page's own widget, filled: its value inside the widget's box (60..260 × 160..200 pt).
    const value = await textInPoints(flat, 'Ada Lovelace');
    expect(value.x).toBeGreaterThanOrEqual(60);
    expect(value.x + value.width).toBeLessThanOrEqual(260);
    expect(value.baseline).toBeGreaterThan(160);
    expect(value.baseline).toBeLessThanOrEqual(200);

    // Fillable: our field is a widget whose /Rect is in user-space units (75..225 × 180..200), its
    // /DA size 10 units = 20 pt.
    const form = (await PDFDocument.load((await compiled.generate(payload, { flatten: false })).bytes)).getForm();
    expect(form.getTextField('applicant').getText()).toBe('Ada Lovelace');
    const note2 = form.getTextField(placed.name.replace(/\./g, '_'));
    expect(note2.getText()).toBe('Quarter across');
    expect(note2.acroField.getWidgets()[0].getRectangle()).toEqual({ x: 75, y: 180, width: 150, height: 20 });
    expect(note2.acroField.getDefaultAppearance()).toMatch(/ 10 Tf/);
  });

  it('the same on a page without a form (output appended as an incremental update)', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([300, 400]).node.set(PDFName.of('UserUnit'), PDFNumber.of(UNIT));
    const placed = field({ bindingKey: 'note', position: { x: 450, y: 200 }, size: { width: 120, height: 30 }, style: { fontSize: 14 } });
    const base = await doc.save();
    const out = (await (await compileTemplate(base, [placed])).generate({ note: 'Three quarters' })).bytes;
    expect(Buffer.from(out.subarray(0, base.length)).equals(Buffer.from(base))).toBe(true);
    const note = await textInPoints(out, 'Three quarters');
    expect(note.fontSize).toBeCloseTo(14, 0);
    expect(note.x).toBeGreaterThanOrEqual(450);
    expect(note.x).toBeLessThan(460);
    expect(note.baseline).toBeGreaterThan(200);
    expect(note.baseline).toBeLessThan(230);
  });
});

describe("/UserUnit: an imported field's /DA font size is in the page's units", () => {
  /** The base form, its widget's /DA saying 9 units (18 pt on this page). */
  async function withDa(): Promise<Uint8Array> {
    const doc = await PDFDocument.load(await base());
    doc.getForm().getTextField('applicant').setFontSize(9);
    return doc.save();
  }
  const imported = async (bytes: Uint8Array, style: Partial<EngineField['style']> = {}) =>
    (await inspect(bytes)).suggestedFields.map((s, i) => ({ fieldId: `imp${i}`, ...s, style: { ...s.style, ...style } }) as EngineField);

  it('inspect reports the size in points', async () => {
    const r = await inspect(await withDa());
    expect(r.fields[0].fontSize).toBe(18);
    expect(r.suggestedFields[0].style.fontSize).toBe(18);
  });

  it('flattened, the value is drawn at the size the form shows (18 pt) inside its widget', async () => {
    const bytes = await withDa();
    const fields = await imported(bytes);
    const flat = (await (await compileTemplate(bytes, fields)).generate({ [fields[0].bindingKey]: 'Ada' })).bytes;
    const value = await textInPoints(flat, 'Ada');
    expect(value.fontSize).toBeCloseTo(18, 0);
    expect(value.x).toBeGreaterThanOrEqual(60);
    expect(value.baseline).toBeGreaterThan(160);
    expect(value.baseline).toBeLessThanOrEqual(200);
  });

  it("fillable, our own appearance (a right-to-left field) is drawn in the widget's units: 9, not 18", async () => {
    const bytes = await withDa();
    const fields = await imported(bytes, { direction: 'rtl' });
    const out = (await (await compileTemplate(bytes, fields)).generate({ [fields[0].bindingKey]: 'Ada' }, { flatten: false })).bytes;
    const tf = (await PDFDocument.load(out)).getForm().getTextField('applicant');
    expect(tf.getText()).toBe('Ada');
    const widget = tf.acroField.getWidgets()[0];
    const ap = widget.dict.context.lookup(widget.getNormalAppearance() as never);
    expect(ap).toBeInstanceOf(PDFRawStream);
    const ops = new TextDecoder('latin1').decode(decodePDFRawStream(ap as PDFRawStream).decode());
    const sizes = [...ops.matchAll(/([\d.]+) Tf/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBeGreaterThan(0);
    for (const size of sizes) expect(size).toBeCloseTo(9, 1);
  });
});
