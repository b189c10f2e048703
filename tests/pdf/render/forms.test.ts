import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument, PDFTextField } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { compileTemplate, type EngineField } from '@/pdf/index.js';
import { inspect } from '@/pdf/inspect/index.js';
import {
  crop,
  decodeBarcode,
  extractText,
  findText,
  hasPdftoppm,
  pageText,
  readFormFields,
  renderPageToPng,
} from '../../helpers/pdf-readback.js';
import { field, makeBase, TOL } from './support.js';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus/pdf-lib');

/** A base with its own AcroForm: text, checkbox, radio group (2 widgets), dropdown. */
async function formBase(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const form = doc.getForm();
  form.createTextField('applicant.name').addToPage(page, { x: 100, y: 700, width: 200, height: 20 });
  form.createCheckBox('agree').addToPage(page, { x: 100, y: 650, width: 15, height: 15 });
  const rg = form.createRadioGroup('plan');
  rg.addOptionToPage('basic', page, { x: 100, y: 600, width: 15, height: 15 });
  rg.addOptionToPage('pro', page, { x: 150, y: 600, width: 15, height: 15 });
  const dd = form.createDropdown('country');
  dd.addOptions(['France', 'Germany', 'Ελλάδα']);
  dd.addToPage(page, { x: 100, y: 550, width: 120, height: 20 });
  return doc.save();
}

/** A form field's first widget rectangle, in PDF user space. */
const baseRect = (doc: PDFDocument, name: string) => doc.getForm().getField(name).acroField.getWidgets()[0].getRectangle();

const own = (acroFormName: string, type: 'text' | 'checkbox' | 'radio' | 'dropdown', bindingKey: string) =>
  field({ type, bindingKey, advanced: { acroFormName } });

describe('AcroForm output', () => {
  it('flatten:false turns our fields into form fields with values, at their places', async () => {
    const base = await makeBase();
    const name = field({ name: 'Full name', bindingKey: 'customer.name', position: { x: 60, y: 100 }, size: { width: 200, height: 22 } });
    const amount = field({
      name: 'Amount',
      type: 'number',
      bindingKey: 'amount',
      position: { x: 60, y: 140 },
      advanced: { number: { locale: 'en-US', decimals: 2 } },
    });
    const agree = field({
      name: 'Agree',
      type: 'checkbox',
      bindingKey: 'agree',
      position: { x: 60, y: 180 },
      size: { width: 15, height: 15 },
    });
    const planA = field({
      name: 'Plan A',
      type: 'radio',
      bindingKey: 'plan',
      position: { x: 60, y: 220 },
      size: { width: 15, height: 15 },
      advanced: { options: ['basic'] },
    });
    const planB = field({
      name: 'Plan B',
      type: 'radio',
      bindingKey: 'plan',
      position: { x: 100, y: 220 },
      size: { width: 15, height: 15 },
      advanced: { options: ['pro'] },
    });
    const size = field({
      name: 'Size',
      type: 'dropdown',
      bindingKey: 'size',
      position: { x: 60, y: 260 },
      size: { width: 80, height: 20 },
      advanced: { options: ['S', 'M', 'L'] },
    });
    const qr = field({ type: 'barcode', bindingKey: 'qr', position: { x: 300, y: 100 }, size: { width: 80, height: 80 } });
    const t = await compileTemplate(base, [name, amount, agree, planA, planB, size, qr]);
    const { bytes } = await t.generate(
      { customer: { name: 'Zoë Ελένη' }, amount: 12.5, agree: true, plan: 'pro', size: 'M', qr: 'x' },
      { flatten: false },
    );
    const fields = await readFormFields(bytes);
    const by = (n: string) => fields.find((f) => f.name === n)!;
    expect(by('Full name')).toMatchObject({ type: 'text', value: 'Zoë Ελένη' });
    expect(by('Full name').rect!.x).toBeCloseTo(60, 0);
    expect(Math.abs(by('Full name').rect!.y - 100)).toBeLessThan(TOL);
    expect(by('Amount')).toMatchObject({ type: 'text', value: '12.50' });
    expect(by('Agree')).toMatchObject({ type: 'checkbox', value: true });
    expect(by('plan')).toMatchObject({ type: 'radio', value: 'pro' });
    expect(by('Size')).toMatchObject({ type: 'dropdown', value: ['M'] });
    // the barcode stays drawn (decoded back from the rendered page)
    if (hasPdftoppm()) {
      const img = await renderPageToPng(bytes, 1, 144);
      expect(decodeBarcode(crop(img, 560, 160, 240, 240), 'qrcode')).toBe('x');
    }
  });

  it("fills the base PDF's own form fields by name and flattens them (default)", async () => {
    const base = await formBase();
    const t = await compileTemplate(base, [
      own('applicant.name', 'text', 'name'),
      own('agree', 'checkbox', 'agree'),
      own('plan', 'radio', 'plan'),
      own('country', 'dropdown', 'country'),
    ]);
    const flat = await t.generate({ name: 'Jean Dupont', agree: true, plan: 'pro', country: 'Ελλάδα' });
    expect(await readFormFields(flat.bytes)).toEqual([]);
    const text = await pageText(flat.bytes);
    expect(text).toContain('Jean Dupont');
    expect(text).toContain('Ελλάδα');
    const hit = (await findText(flat.bytes, 'Jean Dupont'))!;
    expect(hit.x).toBeGreaterThan(100);
    expect(hit.x).toBeLessThan(106);
    expect(hit.baseline).toBeGreaterThan(842 - 720);
    expect(hit.baseline).toBeLessThan(842 - 700);

    const fillable = await t.generate({ name: 'Jean Dupont', agree: true, plan: 'pro', country: 'Germany' }, { flatten: false });
    const fields = await readFormFields(fillable.bytes);
    expect(fields.find((f) => f.name === 'applicant.name')?.value).toBe('Jean Dupont');
    expect(fields.find((f) => f.name === 'agree')?.value).toBe(true);
    expect(fields.find((f) => f.name === 'plan')?.value).toBe('pro');
    expect(fields.find((f) => f.name === 'country')?.value).toEqual(['Germany']);
    await expect(t.generate({ plan: 'enterprise' })).rejects.toMatchObject({ code: 'payload_invalid' });
  });

  it('an imported field moved, resized or put on another page takes its widget there (flattened and fillable); one left alone stays put', async () => {
    const doc = await PDFDocument.load(await formBase());
    doc.addPage([595, 842]);
    const base = await doc.save();
    const { suggestedFields } = await inspect(base);
    const imported = new Map(suggestedFields.map((s, i) => [s.name, { fieldId: `imp${i}`, ...s } as EngineField]));
    const pick = (name: string) => imported.get(name)!;
    expect(pick('applicant.name').advanced.acroFormWidget).toBe(0);
    expect(pick('plan = pro').advanced.acroFormWidget).toBe(1);
    const name = { ...pick('applicant.name'), position: { x: 300, y: 400 }, size: { width: 250, height: 30 } }; // moved and resized
    const agree = { ...pick('agree'), page: 2, position: { x: 50, y: 60 } }; // to page 2, same size
    const country = pick('country'); // left alone
    const t = await compileTemplate(base, [name, agree, country, pick('plan = basic'), pick('plan = pro')]);
    const data = {
      [name.bindingKey]: 'Jean Dupont',
      [agree.bindingKey]: true,
      [country.bindingKey]: 'Germany',
      [pick('plan = pro').bindingKey]: 'pro',
    };

    const flat = await t.generate(data);
    expect(await readFormFields(flat.bytes)).toEqual([]);
    const hit = (await findText(flat.bytes, 'Jean Dupont'))!;
    expect(hit.x).toBeGreaterThan(300);
    expect(hit.x).toBeLessThan(306);
    expect(hit.baseline).toBeGreaterThan(400); // baselines are read top-down, like our boxes
    expect(hit.baseline).toBeLessThan(430);
    const germany = (await findText(flat.bytes, 'Germany'))!;
    expect(germany.x).toBeGreaterThan(100); // the dropdown's own place: PDF y 550–570
    expect(germany.x).toBeLessThan(110);
    expect(germany.baseline).toBeGreaterThan(842 - 570);
    expect(germany.baseline).toBeLessThan(842 - 550);

    const fillable = await PDFDocument.load((await t.generate(data, { flatten: false })).bytes);
    const form = fillable.getForm();
    const rectOf = (fieldName: string, widget = 0) => form.getField(fieldName).acroField.getWidgets()[widget].getRectangle();
    expect(rectOf('applicant.name')).toEqual({ x: 300, y: 842 - 400 - 30, width: 250, height: 30 });
    expect(rectOf('country')).toEqual(baseRect(doc, 'country'));
    expect(form.getTextField('applicant.name').getText()).toBe('Jean Dupont');
    // The checkbox now hangs on page 2 (its /Annots and /P), and no longer on page 1.
    const agreeWidget = form.getField('agree').acroField.getWidgets()[0];
    const agreeRef = fillable.context.getObjectRef(agreeWidget.dict)!;
    const annots = (i: number) => fillable.getPage(i).node.Annots()?.asArray() ?? [];
    expect(annots(1)).toContain(agreeRef);
    expect(annots(0)).not.toContain(agreeRef);
    expect(agreeWidget.P()).toBe(fillable.getPage(1).ref);
    expect(agreeWidget.getRectangle()).toEqual({
      x: 50,
      y: 842 - 60 - agree.size.height,
      width: agree.size.width,
      height: agree.size.height,
    });
    expect(form.getCheckBox('agree').isChecked()).toBe(true);
  });

  it('widgets stacked on the moved one (imported as one field) move with it: the value is no longer shown at the old place', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([595, 842]);
    const tf = doc.getForm().createTextField('ref');
    for (let i = 0; i < 2; i++) tf.addToPage(page, { x: 100, y: 700, width: 200, height: 20 }); // some producers do this
    const base = await doc.save();
    const { suggestedFields } = await inspect(base);
    expect(suggestedFields).toHaveLength(1);
    const moved = { fieldId: 'ref', ...suggestedFields[0], position: { x: 300, y: 400 } } as EngineField;
    const t = await compileTemplate(base, [moved]);
    const flat = await t.generate({ [moved.bindingKey]: 'REF-42' });
    // Both widgets draw the value (stacked, they always did), and both now at the new place only.
    const hits = (await extractText(flat.bytes)).filter((t) => t.str.includes('REF-42'));
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(h.x).toBeGreaterThan(300);
    const fillable = await PDFDocument.load((await t.generate({ [moved.bindingKey]: 'REF-42' }, { flatten: false })).bytes);
    for (const w of fillable.getForm().getField('ref').acroField.getWidgets()) expect(w.getRectangle().x).toBe(300);
  });

  it('a field linked by name only (no widget index) fills the widget where the PDF has it, whatever its box says', async () => {
    const t = await compileTemplate(await formBase(), [
      field({ bindingKey: 'name', position: { x: 300, y: 400 }, advanced: { acroFormName: 'applicant.name' } }),
    ]);
    const { bytes } = await t.generate({ name: 'Jean Dupont' }, { flatten: false });
    const base = await PDFDocument.load(await formBase());
    expect(baseRect(await PDFDocument.load(bytes), 'applicant.name')).toEqual(baseRect(base, 'applicant.name'));
  });

  const corpus = existsSync(path.join(CORPUS, 'sample_form.pdf')) ? it : it.skip;
  corpus('fills a real form (corpus sample_form.pdf) by field name', async () => {
    const base = new Uint8Array(readFileSync(path.join(CORPUS, 'sample_form.pdf')));
    const doc = await PDFDocument.load(base);
    const textField = doc
      .getForm()
      .getFields()
      .find((f): f is PDFTextField => f instanceof PDFTextField && f.getMaxLength() === undefined)!;
    const t = await compileTemplate(base, [own(textField.getName(), 'text', 'v')]);
    const { bytes } = await t.generate({ v: 'Filled 123' }, { flatten: false });
    expect((await readFormFields(bytes)).find((f) => f.name === textField.getName())?.value).toBe('Filled 123');
    const flat = await t.generate({ v: 'Filled 456' });
    expect(await pageText(flat.bytes)).toContain('Filled 456');
  });
});
