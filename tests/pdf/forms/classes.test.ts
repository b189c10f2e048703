import type { PDFDropdown, PDFOptionList, PDFRadioGroup, PDFRef, PDFTextField } from 'pdf-lib';
import { PDFDict, PDFDocument, PDFForm, PDFName, PDFString } from 'pdf-lib';
import fontkit from '@pdf-lib/fontkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PdfError } from '@/pdf/errors.js';
import { compileTemplate, type EngineField } from '@/pdf/index.js';
import { inspect } from '@/pdf/inspect/index.js';
import { findText, pageText } from '../../helpers/pdf-readback.js';
import { pageCounts } from '../readers.js';
import { field } from '../render/support.js';
import { inkIn, render, widgetRects } from './support.js';

/**
 * One fixture per class of form-filling defect found on real forms; each test fails on the code
 * before the fix. Outputs are read back with pdf-lib (fields), pdf.js (text) and poppler (pixels,
 * errors).
 */

const own = (acroFormName: string, type: EngineField['type'], bindingKey: string, extra: Partial<EngineField['advanced']> = {}) =>
  field({ type, bindingKey, advanced: { acroFormName, ...extra } as EngineField['advanced'] });

async function imported(base: Uint8Array): Promise<EngineField[]> {
  return (await inspect(base)).suggestedFields.map((s, i) => ({ fieldId: `imp${i}`, ...s }) as EngineField);
}

async function errorOf(work: Promise<unknown>): Promise<PdfError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PdfError);
  return err as PdfError;
}

afterEach(() => vi.restoreAllMocks());

describe('class 5: line breaks in multi-line values', () => {
  async function base(): Promise<Uint8Array> {
    const doc = await PDFDocument.create();
    const page = doc.addPage([400, 400]);
    const tf = doc.getForm().createTextField('notes');
    tf.enableMultiline();
    tf.addToPage(page, { x: 20, y: 200, width: 300, height: 120 });
    tf.setFontSize(10);
    doc.getForm().createTextField('single').addToPage(page, { x: 20, y: 100, width: 300, height: 20 });
    return doc.save();
  }

  it('an AcroForm multi-line field takes "\\n" (no font_missing_glyph U+000A); flattened lines are text', async () => {
    const compiled = await compileTemplate(await base(), [
      own('notes', 'text', 'notes', { multiLine: true }),
      own('single', 'text', 'single'),
    ]);
    const payload = { notes: 'First line\nSecond line\r\nThird line', single: 'one\ntwo' };
    const fillable = await compiled.generate(payload, { flatten: false });
    const form = (await PDFDocument.load(fillable.bytes)).getForm();
    expect(form.getTextField('notes').getText()).toBe('First line\nSecond line\nThird line');
    expect(form.getTextField('single').getText()).toBe('one two');
    const flat = await compiled.generate(payload);
    const text = await pageText(flat.bytes);
    for (const line of ['First line', 'Second line', 'Third line', 'one two']) expect(text).toContain(line);
  });

  it('our own multi-line field in fillable output takes line breaks', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([400, 400]);
    const compiled = await compileTemplate(await doc.save(), [
      field({ bindingKey: 'memo', size: { width: 300, height: 100 }, advanced: { multiLine: true } as EngineField['advanced'] }),
    ]);
    const out = await compiled.generate({ memo: 'alpha\nbeta' }, { flatten: false });
    const tf = (await PDFDocument.load(out.bytes)).getForm().getFields()[0] as PDFTextField;
    expect(tf.getText()).toBe('alpha\nbeta');
    expect(tf.isMultiline()).toBe(true);
  });
});

describe('class 6: dropdowns and list boxes choose exactly the given values', () => {
  async function base(oldDropdown: string | undefined): Promise<Uint8Array> {
    const doc = await PDFDocument.create();
    const page = doc.addPage([400, 400]);
    const form = doc.getForm();
    const dd = form.createDropdown('country');
    dd.addOptions(['France', 'Germany', 'Spain']);
    dd.addToPage(page, { x: 20, y: 300, width: 150, height: 20 });
    if (oldDropdown) dd.acroField.dict.set(PDFName.of('V'), PDFString.of(oldDropdown));
    const lb = form.createOptionList('colours');
    lb.addOptions(['Red', 'Green', 'Blue']);
    lb.select('Red');
    lb.addToPage(page, { x: 20, y: 150, width: 150, height: 80 });
    const multi = form.createOptionList('tags');
    multi.addOptions(['a', 'b', 'c']);
    multi.enableMultiselect();
    multi.addToPage(page, { x: 200, y: 150, width: 150, height: 80 });
    return doc.save();
  }
  const fields = () => [own('country', 'dropdown', 'country'), own('colours', 'dropdown', 'colours'), own('tags', 'dropdown', 'tags')];

  it.each([
    ['a valid old value', 'Germany'],
    ['an old value that is no option', 'Atlantis'],
  ])('with %s, the dropdown holds only the new one and stays single-select', async (_, old) => {
    const compiled = await compileTemplate(await base(old), fields());
    const out = await compiled.generate({ country: 'Spain', colours: 'Blue', tags: ['a', 'c'] }, { flatten: false });
    const form = (await PDFDocument.load(out.bytes)).getForm();
    const dd = form.getField('country') as PDFDropdown;
    expect(dd.getSelected()).toEqual(['Spain']);
    expect(dd.isMultiselect()).toBe(false);
    const lb = form.getField('colours') as PDFOptionList;
    expect(lb.getSelected()).toEqual(['Blue']);
    expect(lb.isMultiselect()).toBe(false);
    expect((form.getField('tags') as PDFOptionList).getSelected()).toEqual(['a', 'c']);
    expect(await findText((await compiled.generate({ country: 'Spain', colours: 'Blue' })).bytes, 'Spain')).toBeDefined();
  });

  it('a value that is no option, or several for a single-select field → payload_invalid', async () => {
    const compiled = await compileTemplate(await base(undefined), fields());
    expect((await errorOf(compiled.generate({ colours: 'Purple' }))).code).toBe('payload_invalid');
    expect((await errorOf(compiled.generate({ country: 'Mars' }))).code).toBe('payload_invalid');
    expect((await errorOf(compiled.generate({ colours: ['Red', 'Blue'] }))).code).toBe('payload_invalid');
  });
});

describe('class 7: two radio groups with one name', () => {
  async function base(): Promise<Uint8Array> {
    const doc = await PDFDocument.create();
    const page = doc.addPage([400, 400]);
    const form = doc.getForm();
    const a = form.createRadioGroup('choice');
    a.addOptionToPage('yes', page, { x: 20, y: 300, width: 15, height: 15 });
    a.addOptionToPage('no', page, { x: 60, y: 300, width: 15, height: 15 });
    const b = form.createRadioGroup('choiceB');
    b.addOptionToPage('red', page, { x: 20, y: 200, width: 15, height: 15 });
    b.addOptionToPage('blue', page, { x: 60, y: 200, width: 15, height: 15 });
    // Producers do write this: the second group's partial name equals the first's.
    b.acroField.dict.set(PDFName.of('T'), PDFString.of('choice'));
    return doc.save();
  }

  it('the second group is filled with the option inspect suggested for it', async () => {
    const bytes = await base();
    const fields = await imported(bytes);
    const keys = [...new Set(fields.filter((f) => f.type === 'radio').map((f) => f.bindingKey))];
    expect(keys).toHaveLength(2);
    const [first, second] = keys;
    const compiled = await compileTemplate(bytes, fields);
    const out = await compiled.generate({ [first]: 'no', [second]: 'blue' }, { flatten: false });
    const groups = (await PDFDocument.load(out.bytes)).getForm().getFields() as PDFRadioGroup[];
    const selected = Object.fromEntries(groups.map((g) => [g.getOptions().join('/'), g.getSelected()]));
    expect(selected).toEqual({ 'yes/no': 'no', 'red/blue': 'blue' });
  });
});

describe('class 8: flattening fidelity', () => {
  /** A checkbox whose /AP /N state dictionary is an indirect object (as Acrobat and others write it). */
  async function checkboxBase(): Promise<Uint8Array> {
    const doc = await PDFDocument.create();
    const page = doc.addPage([300, 300]);
    const cb = doc.getForm().createCheckBox('agree');
    cb.addToPage(page, { x: 100, y: 150, width: 40, height: 40 });
    const w = cb.acroField.getWidgets()[0];
    const ap = w.dict.lookup(PDFName.of('AP'), PDFDict);
    ap.set(PDFName.of('N'), doc.context.register(ap.lookup(PDFName.of('N'), PDFDict)));
    return doc.save();
  }

  it('a checked checkbox is visible when flattened, and poppler reports no error', async () => {
    const bytes = await checkboxBase();
    const compiled = await compileTemplate(bytes, [own('agree', 'checkbox', 'agree')]);
    const rect = (await widgetRects(bytes, 'agree'))[0];
    const inner = { x: rect.x + 6, y: rect.y + 6, width: rect.width - 12, height: rect.height - 12 };
    const checked = await compiled.generate({ agree: true });
    const unchecked = await compiled.generate({ agree: false });
    expect(inkIn(await render(checked.bytes), inner)).toBeGreaterThan(0.05);
    expect(inkIn(await render(unchecked.bytes), inner)).toBeLessThan(0.01);
    expect((await pageCounts(checked.bytes)).popplerErrors).toBe('');
  });

  it('flattened output keeps no /Annots entry pointing at a removed widget', async () => {
    const bytes = await checkboxBase();
    const out = await (await compileTemplate(bytes, [own('agree', 'checkbox', 'agree')])).generate({ agree: true });
    const doc = await PDFDocument.load(out.bytes);
    const annots = doc.getPage(0).node.Annots();
    for (const a of annots?.asArray() ?? []) expect(doc.context.lookup(a as PDFRef)).toBeInstanceOf(PDFDict);
    expect(doc.catalog.lookup(PDFName.of('AcroForm'))).toBeUndefined();
    expect((await pageCounts(out.bytes)).popplerErrors).toBe('');
  });

  it('fillable output keeps the configured font size (not auto size 0)', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([400, 400]);
    const compiled = await compileTemplate(await doc.save(), [
      field({ bindingKey: 'name', style: { fontSize: 15 } as EngineField['style'] }),
    ]);
    const out = await compiled.generate({ name: 'Ada' }, { flatten: false });
    const tf = (await PDFDocument.load(out.bytes)).getForm().getFields()[0] as PDFTextField;
    const da = tf.acroField.getDefaultAppearance() ?? '';
    expect(da).toMatch(/ 15 Tf/);
  });

  it("checkStyle 'cross' draws a cross in fillable output, not pdf-lib's check mark", async () => {
    const doc = await PDFDocument.create();
    doc.addPage([300, 300]);
    const box = { position: { x: 100, y: 100 }, size: { width: 40, height: 40 } };
    const compiled = await compileTemplate(await doc.save(), [
      field({ type: 'checkbox', bindingKey: 'x', ...box, advanced: { checkStyle: 'cross' } as EngineField['advanced'] }),
    ]);
    const out = await compiled.generate({ x: true }, { flatten: false });
    const img = await render(out.bytes);
    // A cross inks all four corners of the box's inside; a check mark leaves the top-left one empty.
    const corner = (dx: number, dy: number) => inkIn(img, { x: 100 + dx, y: 100 + dy, width: 8, height: 8 });
    for (const [dx, dy] of [
      [8, 8],
      [24, 8],
      [8, 24],
      [24, 24],
    ])
      expect(corner(dx, dy)).toBeGreaterThan(0.05);
  });

  it('unselected radio buttons in fillable output show their circle', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([300, 300]);
    const compiled = await compileTemplate(await doc.save(), [
      field({
        type: 'radio',
        bindingKey: 'plan',
        position: { x: 50, y: 100 },
        size: { width: 100, height: 30 },
        advanced: { options: ['basic', 'pro'] } as EngineField['advanced'],
      }),
    ]);
    const out = await compiled.generate({ plan: 'basic' }, { flatten: false });
    const img = await render(out.bytes);
    // The second (unselected) cell: x 100..150.
    expect(inkIn(img, { x: 100, y: 100, width: 50, height: 30 })).toBeGreaterThan(0.01);
  });
});

describe('class 9: NeedAppearances, missing appearances, XFA', () => {
  /** A text field holding a value with no appearance stream, and /NeedAppearances true. */
  async function needsAppearances(): Promise<Uint8Array> {
    const doc = await PDFDocument.create();
    const page = doc.addPage([400, 400]);
    const form = doc.getForm();
    const tf = form.createTextField('prefilled');
    tf.addToPage(page, { x: 20, y: 300, width: 200, height: 20 });
    tf.setText('Kept value');
    form.createTextField('other').addToPage(page, { x: 20, y: 200, width: 200, height: 20 });
    const cb = form.createCheckBox('tick');
    cb.addToPage(page, { x: 20, y: 100, width: 30, height: 30 });
    for (const f of form.getFields()) for (const w of f.acroField.getWidgets()) w.dict.delete(PDFName.of('AP'));
    form.acroForm.dict.set(PDFName.of('NeedAppearances'), doc.context.obj(true));
    return doc.save({ updateFieldAppearances: false });
  }

  it('fields without appearances get them: values shown when flattened, streams present when fillable', async () => {
    const bytes = await needsAppearances();
    const compiled = await compileTemplate(bytes, [own('other', 'text', 'other'), own('tick', 'checkbox', 'tick')]);
    const flat = await compiled.generate({ other: 'New value', tick: true });
    const text = await pageText(flat.bytes);
    expect(text).toContain('Kept value');
    expect(text).toContain('New value');
    const tick = (await widgetRects(bytes, 'tick'))[0];
    expect(
      inkIn(await render(flat.bytes), { x: tick.x + 5, y: tick.y + 5, width: tick.width - 10, height: tick.height - 10 }),
    ).toBeGreaterThan(0.05);
    const fillable = await compiled.generate({ other: 'New value', tick: true }, { flatten: false });
    const form = (await PDFDocument.load(fillable.bytes)).getForm();
    for (const f of form.getFields()) for (const w of f.acroField.getWidgets()) expect(w.getNormalAppearance()).toBeDefined();
  });

  it('a hybrid form (AcroForm + XFA) is filled through the AcroForm and its XFA dropped', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([400, 400]);
    doc.getForm().createTextField('name').addToPage(page, { x: 20, y: 300, width: 200, height: 20 });
    const xfa = doc.context.register(doc.context.stream('<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"/>'));
    doc.getForm().acroForm.dict.set(PDFName.of('XFA'), xfa);
    doc.catalog.set(PDFName.of('NeedsRendering'), doc.context.obj(true));
    const bytes = await doc.save({ updateFieldAppearances: false });
    expect((await inspect(bytes)).xfa).toBe(true);
    const warn = vi.spyOn(console, 'warn');
    const out = await (await compileTemplate(bytes, [own('name', 'text', 'name')])).generate({ name: 'Grace' }, { flatten: false });
    const back = await PDFDocument.load(out.bytes);
    expect(back.catalog.lookup(PDFName.of('AcroForm'), PDFDict).has(PDFName.of('XFA'))).toBe(false);
    expect(back.catalog.has(PDFName.of('NeedsRendering'))).toBe(false);
    expect(back.getForm().getTextField('name').getText()).toBe('Grace');
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('class 10: filling is linear in fields', () => {
  async function base(n: number): Promise<Uint8Array> {
    const doc = await PDFDocument.create();
    const page = doc.addPage([600, 800]);
    for (let i = 0; i < n; i++)
      doc
        .getForm()
        .createTextField(`f${i}`)
        .addToPage(page, { x: 20 + (i % 5) * 110, y: 20 + Math.floor(i / 5) * 12, width: 100, height: 10 });
    return doc.save();
  }

  it('the form is scanned a fixed number of times per document, whatever the number of fields', async () => {
    const scans: number[] = [];
    for (const n of [5, 60]) {
      const fields = Array.from({ length: n }, (_, i) => own(`f${i}`, 'text', `k${i}`));
      const compiled = await compileTemplate(await base(n), fields);
      const payload = Object.fromEntries(fields.map((f, i) => [f.bindingKey, `v${i}`]));
      await compiled.generate(payload); // the first document resolves the template's fields once
      const spy = vi.spyOn(PDFForm.prototype, 'getFields');
      const out = await compiled.generate(payload);
      scans.push(spy.mock.calls.length);
      spy.mockRestore();
      expect(await findText(out.bytes, `v${n - 1}`)).toBeDefined();
    }
    expect(scans[1]).toBe(scans[0]);
    expect(scans[0]).toBeLessThanOrEqual(6);
  });
  it('form appearances and page text share one subset of the face, and no font file is parsed per document', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([400, 300]);
    const comb = doc.getForm().createTextField('comb');
    comb.setMaxLength(6);
    comb.enableCombing();
    comb.addToPage(page, { x: 20, y: 220, width: 180, height: 24 });
    doc.getForm().createTextField('plain').addToPage(page, { x: 20, y: 160, width: 180, height: 24 });
    const fields = [
      own('comb', 'text', 'comb'),
      own('plain', 'text', 'plain'),
      field({ bindingKey: 'flat', position: { x: 20, y: 200 }, size: { width: 200, height: 20 } }),
    ];
    const compiled = await compileTemplate(await doc.save(), fields);
    const payload = { comb: 'fi2026', plain: 'office fifty', flat: 'page text' };
    await compiled.generate(payload);
    const create = vi.spyOn(fontkit, 'create');
    for (const flatten of [true, false]) {
      const out = await compiled.generate(payload, { flatten });
      const fontFiles = [...(await PDFDocument.load(out.bytes)).context.enumerateIndirectObjects()].filter(
        ([, o]) => o instanceof PDFDict && o.has(PDFName.of('FontFile2')),
      );
      expect(fontFiles, flatten ? 'flattened' : 'fillable').toHaveLength(1);
      if (flatten) {
        // Per code point, not fontkit's layout: "fi" is two glyphs and extracts as typed.
        const text = (await pageText(out.bytes)).replace(/\s/g, '');
        expect(text).toContain('fi2026');
        expect(text).toContain('officefifty');
        expect(text).toContain('pagetext');
      } else {
        const back = (await PDFDocument.load(out.bytes)).getForm();
        expect(back.getTextField('comb').getText()).toBe('fi2026');
        expect(back.getTextField('plain').getText()).toBe('office fifty');
      }
    }
    expect(create).not.toHaveBeenCalled();
  });
});
