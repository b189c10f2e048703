import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFDocument, TextAlignment, degrees } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { PdfError } from '@/pdf/errors.js';
import {
  BINDING_KEY_RE,
  BindingKeyAllocator,
  fontSizeFromDa,
  inspect,
  inspectResultSchema,
  sanitizeBindingKey,
} from '@/pdf/inspect/index.js';
import { fieldInputSchema } from '@/shared/domain/field.js';
import { buildPdf } from './raw-pdf.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/**
 * A form made for these tests, with known PDF-space rectangles:
 * page 1: MediaBox 600×800, CropBox [50 100 550 700] (so our origin is at PDF (50, 700));
 * page 2: 400×300 rotated 90°. Widgets get borderWidth 0: pdf-lib otherwise grows the rectangle
 * by half the border on each side.
 */
async function makeForm(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Inspect fixture');
  doc.setAuthor('Ada');
  doc.setSubject('Forms');
  doc.setKeywords(['alpha', 'beta']);
  doc.setCreator('tests');
  doc.setProducer('pdf-lib');
  doc.setCreationDate(new Date('2024-03-01T10:00:00Z'));
  doc.setModificationDate(new Date('2024-03-02T11:30:00Z'));
  const p1 = doc.addPage([600, 800]);
  p1.setCropBox(50, 100, 500, 600);
  const p2 = doc.addPage([400, 300]);
  p2.setRotation(degrees(90));
  const form = doc.getForm();

  const name = form.createTextField('customer.name');
  name.enableRequired();
  name.enableMultiline();
  name.setMaxLength(40);
  name.setAlignment(TextAlignment.Center);
  name.setText('Ada Lovelace');
  name.addToPage(p1, { x: 100, y: 500, width: 200, height: 20, borderWidth: 0 });
  name.setFontSize(14);

  const ro = form.createTextField('customer.id');
  ro.enableReadOnly();
  ro.addToPage(p1, { x: 100, y: 450, width: 80, height: 20, borderWidth: 0 });

  const agree = form.createCheckBox('Terms accepted?');
  agree.check();
  agree.addToPage(p1, { x: 100, y: 400, width: 12, height: 12, borderWidth: 0 });

  const colour = form.createRadioGroup('colour');
  colour.addOptionToPage('Red', p2, { x: 20, y: 20, width: 15, height: 15, borderWidth: 0 });
  colour.addOptionToPage('Green', p2, { x: 60, y: 20, width: 15, height: 15, borderWidth: 0 });
  colour.select('Green');

  const size = form.createDropdown('Größe');
  size.addOptions(['S', 'M', 'L']);
  size.select('M');
  size.addToPage(p1, { x: 300, y: 400, width: 60, height: 20, borderWidth: 0 });

  const langs = form.createOptionList('languages');
  langs.addOptions(['en', 'fr', 'de']);
  langs.enableMultiselect();
  langs.select(['en', 'de']);
  langs.addToPage(p1, { x: 300, y: 300, width: 60, height: 50, borderWidth: 0 });

  form.createButton('Company logo').addToPage('', p1, { x: 400, y: 600, width: 80, height: 40, borderWidth: 0 });
  form.createButton('Submit').addToPage('Send', p1, { x: 400, y: 150, width: 60, height: 20 });
  return doc.save();
}

describe('inspect: a generated form', async () => {
  const result = await inspect(await makeForm());

  it('matches its own schema', () => {
    expect(inspectResultSchema.safeParse(result).success).toBe(true);
  });

  it('pages: visible box size and rotation', () => {
    expect(result.pageCount).toBe(2);
    expect(result.pages[0]).toMatchObject({
      page: 1,
      width: 500,
      height: 600,
      rotation: 0,
      cropBox: { x: 50, y: 100, width: 500, height: 600 },
      mediaBox: { width: 600, height: 800 },
    });
    expect(result.pages[1]).toMatchObject({ page: 2, width: 400, height: 300, rotation: 90 });
  });

  it('metadata, with ISO dates', () => {
    expect(result.metadata).toEqual({
      title: 'Inspect fixture',
      author: 'Ada',
      subject: 'Forms',
      keywords: 'alpha beta',
      creator: 'tests',
      producer: 'pdf-lib',
      creationDate: '2024-03-01T10:00:00.000Z',
      modificationDate: '2024-03-02T11:30:00.000Z',
    });
    expect(result.encrypted).toBe(false);
    expect(result.xfa).toBe(false);
    expect(result.pdfVersion).toMatch(/^1\.\d$/);
  });

  it('a text field: place in our coordinates (crop box offset), flags, value, DA size, alignment', () => {
    const f = result.fields.find((x) => x.name === 'customer.name')!;
    // PDF rect x=100 y=500 w=200 h=20; crop box origin (50, 100), height 600 → top-left x=50, y=100+600-520=180.
    expect(f).toMatchObject({
      type: 'text',
      page: 1,
      rect: { x: 50, y: 180, width: 200, height: 20 },
      value: 'Ada Lovelace',
      required: true,
      multiline: true,
      maxLength: 40,
      readOnly: false,
      fontSize: 14,
      textAlign: 'center',
    });
    expect(result.fields.find((x) => x.name === 'customer.id')).toMatchObject({ readOnly: true, required: false });
  });

  it('checkbox, radio (on page 2, rotated), dropdown, multi-select list box, buttons', () => {
    expect(result.fields.find((x) => x.name === 'Terms accepted?')).toMatchObject({
      type: 'checkbox',
      value: true,
      rect: { x: 50, y: 288, width: 12, height: 12 },
    });
    const colour = result.fields.find((x) => x.name === 'colour')!;
    expect(colour).toMatchObject({ type: 'radio', page: 2, options: ['Red', 'Green'], value: 'Green' });
    // Rotation does not change our coordinates: unrotated page, height 300: y = 300 - 20 - 15.
    expect(colour.widgets.map((w) => [w.onValue, w.rect])).toEqual([
      ['Red', { x: 20, y: 265, width: 15, height: 15 }],
      ['Green', { x: 60, y: 265, width: 15, height: 15 }],
    ]);
    expect(result.fields.find((x) => x.name === 'Größe')).toMatchObject({
      type: 'dropdown',
      options: ['S', 'M', 'L'],
      value: 'M',
      multiSelect: false,
    });
    expect(result.fields.find((x) => x.name === 'languages')).toMatchObject({ type: 'listbox', value: ['en', 'de'], multiSelect: true });
    expect(result.fields.find((x) => x.name === 'Company logo')).toMatchObject({ type: 'button' });
  });

  it('suggested fields: valid FieldInputs with our coordinates, keys, options, flags', () => {
    for (const s of result.suggestedFields) {
      expect(fieldInputSchema.safeParse(s).success).toBe(true);
      expect(s.bindingKey).toMatch(BINDING_KEY_RE);
    }
    const byName = Object.fromEntries(result.suggestedFields.map((s) => [s.name, s]));
    expect(byName['customer.name']).toMatchObject({
      type: 'text',
      page: 1,
      position: { x: 50, y: 180 },
      size: { width: 200, height: 20 },
      bindingKey: 'customer.name',
      style: { fontSize: 14, textAlign: 'center' },
      advanced: { acroFormName: 'customer.name', required: true, multiLine: true, maxLength: 40 },
      validation: { required: true, maxLength: 40 },
    });
    expect(byName['Terms accepted?']).toMatchObject({ type: 'checkbox', bindingKey: 'Terms_accepted' });
    expect(byName['colour = Red']).toMatchObject({
      type: 'radio',
      page: 2,
      bindingKey: 'colour',
      advanced: { options: ['Red'], acroFormName: 'colour' },
    });
    expect(byName['colour = Green']).toMatchObject({ type: 'radio', bindingKey: 'colour', advanced: { options: ['Green'] } });
    expect(byName['Größe']).toMatchObject({ type: 'dropdown', bindingKey: 'Grosse', advanced: { options: ['S', 'M', 'L'] } });
    expect(byName['languages']).toMatchObject({ type: 'dropdown', advanced: { options: ['en', 'fr', 'de'] } });
    expect(byName['Company logo']).toMatchObject({
      type: 'image',
      bindingKey: 'Company_logo',
      position: { x: 350, y: 60 },
      size: { width: 80, height: 40 },
    });
    expect(byName['Submit']).toBeUndefined();
    expect(result.skipped).toEqual([{ name: 'Submit', reason: expect.stringMatching(/push button/) }]);
    expect(result.notes.join(' ')).toMatch(/Radio groups/);
  });

  it('maxFields bounds the work and says so', async () => {
    const cut = await inspect(await makeForm(), { maxFields: 3 });
    expect(cut.fields).toHaveLength(3);
    expect(cut.truncated).toBe(true);
    expect(cut.notes.join(' ')).toMatch(/more fields than the limit of 3/);
  });
});

describe('inspect: XFA, encryption, bad input', () => {
  it('a dynamic XFA-only form is refused with a typed error saying it must be converted', async () => {
    const bytes = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R /NeedsRendering true >>',
      '<< /Type /Pages /Count 1 /Kids [3 0 R] >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>',
      '<< /Fields [] /XFA 5 0 R >>',
      '<< /Length 44 >>\nstream\n<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"/>\nendstream',
    ]);
    const err = (await inspect(bytes).catch((e: unknown) => e)) as PdfError;
    expect(err).toBeInstanceOf(PdfError);
    expect(err.code).toBe('pdf_xfa_only');
    expect(err.message).toMatch(/XFA/);
    expect(err.message).toMatch(/Convert it/);
  });

  it('suggested fields lie within their page: an overhanging widget is clipped to it, one wholly outside is skipped with the reason', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([300, 400]);
    const form = doc.getForm();
    // PDF space, origin bottom-left: overhangs the right edge by 40 and the top edge by 10.
    form.createTextField('overhang').addToPage(page, { x: 200, y: 380, width: 140, height: 30, borderWidth: 0 });
    form.createTextField('outside').addToPage(page, { x: 100, y: 500, width: 100, height: 20, borderWidth: 0 });
    const r = await inspect(await doc.save());
    expect(r.fields.map((f) => f.name).sort()).toEqual(['outside', 'overhang']);
    expect(r.suggestedFields.map((f) => f.name)).toEqual(['overhang']);
    // Top-left origin: the visible part is x 200..300, y 0..20.
    expect(r.suggestedFields[0]).toMatchObject({ position: { x: 200, y: 0 }, size: { width: 100, height: 20 } });
    expect(r.skipped).toEqual(expect.arrayContaining([{ name: 'outside', reason: expect.stringMatching(/outside the visible page/) }]));
  });

  it('a hybrid form (AcroForm + XFA) lists its fields; inspecting never changes the caller bytes', async () => {
    const bytes = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>',
      '<< /Type /Pages /Count 1 /Kids [3 0 R] >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [6 0 R] >>',
      '<< /Fields [6 0 R] /XFA 5 0 R /DA (/Helv 9 Tf 0 g) >>',
      '<< /Length 44 >>\nstream\n<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"/>\nendstream',
      '<< /Type /Annot /Subtype /Widget /FT /Tx /T (t) /V (hello) /Rect [10 700 110 720] /P 3 0 R >>',
    ]);
    const before = Buffer.from(bytes).toString('latin1');
    const r = await inspect(bytes);
    expect(r).toMatchObject({ xfa: true, xfaOnly: false });
    expect(r.fields).toEqual([
      expect.objectContaining({
        name: 't',
        type: 'text',
        value: 'hello',
        page: 1,
        rect: { x: 10, y: 72, width: 100, height: 20 },
        fontSize: 9,
      }),
    ]);
    expect(r.notes.join(' ')).toMatch(/also carries an XFA form/);
    expect(Buffer.from(bytes).toString('latin1')).toBe(before);
  });

  it('an owner-password-only PDF is inspected (decrypted) and says it was encrypted', async () => {
    const r = await inspect(new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'owner-only-aes-128.pdf'))));
    expect(r).toMatchObject({ encrypted: true, encryption: { version: 4, revision: 4 }, metadata: { title: 'Owner-only fixture' } });
    expect(r.fields.map((f) => [f.name, f.type, f.value])).toEqual([
      ['applicant.name', 'text', 'Jane'],
      ['agree', 'checkbox', true],
    ]);
    expect(r.notes.join(' ')).toMatch(/owner password/);
  });

  it('a PDF that needs a user password → pdf_encrypted', async () => {
    await expect(inspect(new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'user-password-aes-256.pdf'))))).rejects.toMatchObject({
      code: 'pdf_encrypted',
    });
  });

  it('bad bytes → the loader typed errors', async () => {
    await expect(inspect(new Uint8Array())).rejects.toBeInstanceOf(PdfError);
    await expect(inspect(new Uint8Array(Buffer.from('<html></html>')))).rejects.toMatchObject({ code: 'pdf_not_pdf' });
  });

  it('a PDF without a form has no fields and no AcroForm is invented', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([300, 300]);
    const r = await inspect(await doc.save());
    expect(r).toMatchObject({ pageCount: 1, fields: [], suggestedFields: [], skipped: [], truncated: false });
  });
});

describe('binding keys from field names', () => {
  it.each([
    ['customer.name', 'customer.name'],
    ['form1[0].Page2[1].Name[0]', 'form1.Page2_1.Name'],
    ['form1[0].#pageSet[0].Page1[0].ClearData_EN[0]', 'form1.pageSet.Page1.ClearData_EN'],
    ['Prénom du client', 'Prenom_du_client'],
    ['Feat+Traits', 'Feat_Traits'],
    ['1st line', '_1st_line'],
    ['address.2nd', 'address.2nd'],
    ['🚀', 'field'],
    ['a..b', 'a.b'],
    ['-x-', 'x'],
  ])('%s → %s', (name, key) => {
    expect(sanitizeBindingKey(name)).toBe(key);
    expect(key).toMatch(BINDING_KEY_RE);
  });

  it('unique: duplicates get a suffix, and no key is a dotted prefix of another', () => {
    const a = new BindingKeyAllocator();
    expect(['Name', 'Name', 'Name!', 'a', 'a.b', 'x.y', 'x'].map((n) => a.allocate(n))).toEqual([
      'Name',
      'Name_2',
      'Name_3',
      'a',
      'a_b',
      'x.y',
      'x_2',
    ]);
  });

  it('long names stay within 200 characters and valid', () => {
    const key = sanitizeBindingKey(`${'segment.'.repeat(40)}end`);
    expect(key.length).toBeLessThanOrEqual(200);
    expect(key).toMatch(BINDING_KEY_RE);
  });

  it('font size from a /DA string', () => {
    expect(fontSizeFromDa('/Helv 12 Tf 0 g')).toBe(12);
    expect(fontSizeFromDa('0 g /TiRo 9.5 Tf')).toBe(9.5);
    expect(fontSizeFromDa('/Helv 0 Tf 0 g')).toBeUndefined();
    expect(fontSizeFromDa('0 g')).toBeUndefined();
  });
});
