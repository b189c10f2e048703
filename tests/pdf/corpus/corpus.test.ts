import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PdfError, type PdfErrorCode } from '@/pdf/errors.js';
import { inspect, type InspectResult, type InspectedField } from '@/pdf/inspect/index.js';
import { fieldInputSchema } from '@/shared/domain/field.js';
import { corpusDir, listPdfs } from '../../helpers/corpus.js';

/**
 * Every file of the shared real-world corpus is inspected within a time bound and gives either a
 * result or a specific typed error. Ground truth for the AcroForm files (names, types, pages,
 * rectangles) was taken independently of pdf-lib with qpdf 11 (`qpdf --json=2`: each field's widget
 * /Rect and its page's CropBox, converted to top-left coordinates by hand) and page counts with
 * poppler's pdfinfo; encrypted_new/encrypted_old need a user password (pdfinfo and qpdf both answer
 * "Incorrect password" with an empty one).
 */

const loc = corpusDir('pdf-lib');
const PER_FILE_MS = 30_000;

type Expectation = { pages: number; fields: number; suggested?: number } | { error: PdfErrorCode; needsPassword?: boolean };

/** Whole-corpus expectations: page count (pdfinfo) and AcroForm field count (qpdf unique names). */
const EXPECTED: Record<string, Expectation> = {
  'create_form.pdf': { pages: 1, fields: 8, suggested: 11 },
  'dod_character.pdf': { pages: 1, fields: 14, suggested: 14 },
  'encrypted_new.pdf': { error: 'pdf_encrypted', needsPassword: true },
  'encrypted_old.pdf': { error: 'pdf_encrypted', needsPassword: true },
  'fancy_fields.pdf': { pages: 1, fields: 15, suggested: 20 },
  // Its widgets are orphans no longer reachable from /AcroForm (qpdf warns so): no fields to import.
  'flatten_form.pdf': { pages: 1, fields: 0 },
  'form_to_flatten.pdf': { pages: 1, fields: 9, suggested: 15 },
  // poppler cannot open it (no page tree at the root ref); pdf-lib recovers the catalog by scanning.
  'invalid_root_ref.pdf': { pages: 1, fields: 0 },
  'linearized_with_object_streams.pdf': { pages: 206, fields: 0 },
  'normal.pdf': { pages: 2, fields: 1 },
  'sample_form.pdf': { pages: 1, fields: 29, suggested: 29 },
  'standard_fonts_demo.pdf': { pages: 5, fields: 0 },
  'stuff_following_header.pdf': { pages: 1, fields: 0 },
  'us_constitution.pdf': { pages: 19, fields: 0 },
  'with_annots.pdf': { pages: 2, fields: 1 },
  'with_combed_fields.pdf': { pages: 13, fields: 726, suggested: 715 },
  'with_comments.pdf': { pages: 1, fields: 15, suggested: 15 },
  'with_cropbox.pdf': { pages: 2, fields: 0 },
  'with_invalid_stream_EOL.pdf': { pages: 2, fields: 0 },
  'with_newline_whitespace_in_indirect_object_numbers.pdf': { pages: 21, fields: 0 },
  'with_null_parent_entry.pdf': { pages: 1, fields: 0 },
  'with_rotated_image_button.pdf': { pages: 1, fields: 7, suggested: 7 },
  'with_signature.pdf': { pages: 1, fields: 1, suggested: 1 },
  'with_update_sections.pdf': { pages: 1, fields: 12, suggested: 12 },
  'with_viewer_prefs.pdf': { pages: 5, fields: 0 },
  'with_xfa_fields.pdf': { pages: 2, fields: 116, suggested: 116 },
};

async function outcome(bytes: Uint8Array): Promise<InspectResult | PdfError> {
  try {
    return await inspect(bytes, { limits: { maxBytes: 100 * 1024 * 1024, maxPages: 2000, timeoutMs: PER_FILE_MS } });
  } catch (err) {
    if (err instanceof PdfError) return err;
    throw err; // anything else is a crash: the test fails with it
  }
}

const results = new Map<string, InspectResult>();
async function inspectCorpus(name: string): Promise<InspectResult> {
  let r = results.get(name);
  if (!r) {
    const o = await outcome(new Uint8Array(fs.readFileSync(path.join(loc.dir!, name))));
    if (o instanceof PdfError) throw o;
    r = o;
    results.set(name, r);
  }
  return r;
}

function fieldOf(r: InspectResult, name: string): InspectedField {
  const f = r.fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name}; have ${r.fields.map((x) => x.name).join(', ')}`);
  return f;
}

function expectRect(actual: { x: number; y: number; width: number; height: number } | null, [x, y, w, h]: number[]): void {
  expect(actual).not.toBeNull();
  expect(actual!.x).toBeCloseTo(x, 1);
  expect(actual!.y).toBeCloseTo(y, 1);
  expect(actual!.width).toBeCloseTo(w, 1);
  expect(actual!.height).toBeCloseTo(h, 1);
}

if (!loc.dir) {
  describe('corpus (pdf-lib assets)', () => {
    it.skip(`skipped: ${loc.skipReason}`, () => {});
  });
} else {
  const files = listPdfs(loc.dir).map((f) => path.basename(f));

  describe('corpus: every file gives a result or a typed error, in bounded time', () => {
    it('the expectation table covers exactly the files present', () => {
      expect(files.filter((f) => !(f in EXPECTED))).toEqual([]);
    });

    it.each(files)(
      '%s',
      async (name) => {
        const t0 = performance.now();
        const o = await outcome(new Uint8Array(fs.readFileSync(path.join(loc.dir!, name))));
        expect(performance.now() - t0).toBeLessThan(PER_FILE_MS);
        const exp = EXPECTED[name];
        if (!exp) return; // reported by the coverage test above
        if ('error' in exp) {
          expect(o).toBeInstanceOf(PdfError);
          expect((o as PdfError).code).toBe(exp.error);
          if (exp.needsPassword) expect((o as PdfError).message).toMatch(/password/);
          return;
        }
        if (o instanceof PdfError) throw o;
        results.set(name, o);
        expect(o.pageCount).toBe(exp.pages);
        expect(o.pages).toHaveLength(exp.pages);
        expect(o.fields).toHaveLength(exp.fields);
        if (exp.suggested !== undefined) expect(o.suggestedFields).toHaveLength(exp.suggested);
        for (const s of o.suggestedFields) expect(fieldInputSchema.safeParse(s).success).toBe(true);
        // Binding keys are unique per AcroForm field (widgets of one field share theirs).
        const keyOwner = new Map<string, string>();
        for (const s of o.suggestedFields) {
          const owner = keyOwner.get(s.bindingKey);
          if (owner !== undefined) expect(owner).toBe(s.advanced.acroFormName);
          keyOwner.set(s.bindingKey, s.advanced.acroFormName!);
        }
      },
      PER_FILE_MS * 2,
    );

    it.each(files)(
      'the first half of %s (truncated) → a result or a typed error, never a crash',
      async (name) => {
        const full = fs.readFileSync(path.join(loc.dir!, name));
        const o = await outcome(new Uint8Array(full.subarray(0, Math.floor(full.length / 2))));
        if (o instanceof PdfError) expect(['pdf_corrupt', 'pdf_encrypted', 'pdf_too_large']).toContain(o.code);
        else expect(o.pageCount).toBeGreaterThan(0);
      },
      PER_FILE_MS * 2,
    );
  });

  describe('corpus: AcroForm fields with the right names, types and places (qpdf ground truth)', () => {
    it('create_form: text, radio (4 buttons), checkboxes, dropdown, list box', async () => {
      const r = await inspectCorpus('create_form.pdf');
      const hero = fieldOf(r, 'favorite.superhero');
      expect(hero).toMatchObject({ type: 'text', page: 1, value: 'One Punch Man' });
      expectRect(hero.rect, [54.5, 59.5, 201, 51]);
      const rocket = fieldOf(r, 'favorite.rocket');
      expect(rocket.type).toBe('radio');
      expect(rocket.value).toBe('Saturn IV');
      expect(rocket.options).toEqual(['Falcon Heavy', 'Saturn IV', 'Delta IV Heavy', 'Space Launch System']);
      expectRect(rocket.widgets.find((w) => w.onValue === 'Saturn IV')!.rect, [54.5, 219.5, 51, 51]);
      expect(fieldOf(r, 'gundam.exia')).toMatchObject({ type: 'checkbox', value: true });
      expect(fieldOf(r, 'gundam.kyrios')).toMatchObject({ type: 'checkbox', value: false });
      expectRect(fieldOf(r, 'gundam.dynames').rect, [274.5, 379.5, 51, 51]);
      const planet = fieldOf(r, 'favorite.planet');
      expect(planet).toMatchObject({ type: 'dropdown', value: 'Pluto', options: ['Venus', 'Earth', 'Mars', 'Pluto'] });
      expectRect(planet.rect, [54.5, 479.5, 201, 51]);
      expect(fieldOf(r, 'favorite.person')).toMatchObject({ type: 'listbox', value: 'Ada Lovelace' });
      expectRect(fieldOf(r, 'favorite.person').rect, [54.5, 579.5, 201, 101]);
      // Suggestions: one radio field per button, sharing the group's key, each with its own option.
      const radios = r.suggestedFields.filter((s) => s.type === 'radio');
      expect(radios.map((s) => s.advanced.options)).toEqual([['Falcon Heavy'], ['Saturn IV'], ['Delta IV Heavy'], ['Space Launch System']]);
      expect(new Set(radios.map((s) => s.bindingKey))).toEqual(new Set(['favorite.rocket']));
      const heroField = r.suggestedFields.find((s) => s.bindingKey === 'favorite.superhero')!;
      expect(heroField).toMatchObject({
        type: 'text',
        page: 1,
        position: { x: 54.5, y: 59.5 },
        size: { width: 201, height: 51 },
        advanced: { acroFormName: 'favorite.superhero' },
      });
      expect(r.suggestedFields.find((s) => s.bindingKey === 'favorite.person')).toMatchObject({
        type: 'dropdown',
        advanced: { options: ['Julius Caesar', 'Ada Lovelace', 'Cleopatra', 'Aaron Burr', 'Mark Antony'] },
      });
    });

    it('dod_character: multi-line text, an image button (3 stacked widgets → 1 image field)', async () => {
      const r = await inspectCorpus('dod_character.pdf');
      expectRect(fieldOf(r, 'CharacterName 2').rect, [47.52, 65.2, 208.44, 20.88]);
      const back = fieldOf(r, 'Backstory');
      expect(back).toMatchObject({ type: 'text', multiline: true });
      expectRect(back.rect, [34.78, 385.2, 164.44, 370.08]);
      expect(fieldOf(r, 'CHARACTER IMAGE')).toMatchObject({ type: 'button' });
      expect(fieldOf(r, 'CHARACTER IMAGE').widgets).toHaveLength(3);
      const img = r.suggestedFields.filter((s) => s.advanced.acroFormName === 'CHARACTER IMAGE');
      expect(img).toHaveLength(1);
      expect(img[0]).toMatchObject({
        type: 'image',
        bindingKey: 'CHARACTER_IMAGE',
        position: { x: 36.48, y: 130.5 },
        size: { width: 162.69, height: 218.1 },
      });
      expect(r.suggestedFields.find((s) => s.advanced.acroFormName === 'Backstory')).toMatchObject({ advanced: { multiLine: true } });
    });

    it('fancy_fields: emoji names, radio with 4 options, multi-widget choice fields, push buttons skipped', async () => {
      const r = await inspectCorpus('fancy_fields.pdf');
      expectRect(fieldOf(r, 'First Name 🚀').rect, [102.98, 55, 31.86, 75.03]);
      expect(fieldOf(r, 'Prefix ⚽️')).toMatchObject({ type: 'text', value: 'Ms.', textAlign: 'center' });
      const hist = fieldOf(r, 'Historical Figures 🐺');
      expect(hist.type).toBe('radio');
      expect(hist.widgets).toHaveLength(4);
      expect(hist.options).toContain('Ada Lovelace 💻');
      expectRect(hist.widgets.find((w) => w.onValue === 'Ada Lovelace 💻')!.rect, [59.35, 446.84, 18, 18]);
      expect(fieldOf(r, 'Choose A Gundam 🤖')).toMatchObject({ type: 'dropdown' });
      expect(fieldOf(r, 'Which Are Planets? 🌎')).toMatchObject({ type: 'listbox' });
      expect(fieldOf(r, 'Which Are Planets? 🌎').widgets).toHaveLength(4);
      expect(r.skipped.map((s) => s.name).sort()).toEqual(['Eject 📼', 'Launch 🚀', 'Play ▶️', 'Submit 📝']);
      expect(r.suggestedFields.find((s) => s.advanced.acroFormName === 'Are You A Fairy? 🌿')).toMatchObject({
        type: 'checkbox',
        bindingKey: 'Are_You_A_Fairy',
        position: { x: 346.47, y: 161.46 },
      });
    });

    it('sample_form: maxLength, radio, signature, checkbox; Print button skipped', async () => {
      const r = await inspectCorpus('sample_form.pdf');
      expect(r.metadata.title).toBe('Example of an Interactive PDF Form');
      expectRect(fieldOf(r, 'Name_Last').rect, [30.12, 372.36, 242.64, 18.72]);
      expect(fieldOf(r, 'Name_Last')).toMatchObject({ fontSize: 10 });
      expect(fieldOf(r, 'STATE')).toMatchObject({ type: 'text', maxLength: 2, value: 'WA' });
      expect(fieldOf(r, 'Sex')).toMatchObject({ type: 'radio', options: ['MALE', 'FEMALE'], value: 'MALE' });
      expectRect(fieldOf(r, 'Sex').widgets[1].rect, [339.36, 606.36, 7.08, 6.96]);
      expect(fieldOf(r, 'EMPLOYEE SIGNATURE')).toMatchObject({ type: 'signature', value: false });
      expectRect(fieldOf(r, 'EMPLOYEE SIGNATURE').rect, [338.59, 689.76, 240.44, 18.72]);
      expect(fieldOf(r, 'HIGH SCHOOL DIPLOMA')).toMatchObject({ type: 'checkbox', value: true });
      expectRect(fieldOf(r, 'HIGH SCHOOL DIPLOMA').rect, [29.4, 645.24, 7.32, 7.32]);
      expect(r.skipped).toEqual([{ name: 'Print', reason: expect.stringMatching(/push button/) }]);
      expect(r.suggestedFields.find((s) => s.bindingKey === 'STATE')).toMatchObject({
        advanced: { maxLength: 2 },
        validation: { maxLength: 2 },
      });
      expect(r.suggestedFields.find((s) => s.bindingKey === 'EMPLOYEE_SIGNATURE')).toMatchObject({ type: 'signature' });
    });

    it('form_to_flatten: a text field with two widgets, read-only checkbox, list box and dropdown', async () => {
      const r = await inspectCorpus('form_to_flatten.pdf');
      const text1 = fieldOf(r, 'Text1');
      expect(text1.widgets.map((w) => w.rect.x)).toEqual([148.9, 334.06]);
      expect(r.suggestedFields.filter((s) => s.advanced.acroFormName === 'Text1').map((s) => [s.name, s.bindingKey])).toEqual([
        ['Text1 #1', 'Text1'],
        ['Text1 #2', 'Text1'],
      ]);
      expect(fieldOf(r, 'Check Box4')).toMatchObject({ type: 'checkbox', readOnly: true });
      expect(fieldOf(r, 'Check Box3')).toMatchObject({ readOnly: false });
      expect(fieldOf(r, 'List Box6').type).toBe('listbox');
      expect(fieldOf(r, 'Dropdown7').type).toBe('dropdown');
      expect(fieldOf(r, 'Group2').widgets).toHaveLength(4);
      expectRect(fieldOf(r, 'Date8_af_date').rect, [370.31, 222.71, 113.75, 22]);
    });

    it('with_combed_fields: comb flag and maxLength, XFA-style names to clean keys, fields on page 2 of a landscape page', async () => {
      const r = await inspectCorpus('with_combed_fields.pdf');
      const rt1 = fieldOf(r, 'form1[0].Page1[0].BeforeYouBegin[0].BusinessInfo[0].AccountNumber[0].BusinessNumber_RT1[0]');
      expect(rt1).toMatchObject({ type: 'text', comb: true, maxLength: 9, page: 1, fontSize: 8 });
      expectRect(rt1.rect, [262, 300, 133, 17]);
      const oi = fieldOf(
        r,
        'form1[0].Page2[0].InventoryUnstamped[0].Unstamped[0].InventoryUnstamped[0].ChartUnstamped1[0].OpeningInventoryHeader[0].OI_Flowering[0]',
      );
      expect(oi.page).toBe(2);
      expectRect(oi.rect, [298, 169, 79, 16]);
      expect(r.pages[1]).toMatchObject({ width: 792, height: 612, rotation: 0 });
      const s = r.suggestedFields.find((f) => f.advanced.acroFormName === rt1.name)!;
      expect(s.bindingKey).toBe('form1.Page1.BeforeYouBegin.BusinessInfo.AccountNumber.BusinessNumber_RT1');
      expect(s.advanced.maxLength).toBe(9);
      expect(new Set(r.suggestedFields.map((f) => f.bindingKey)).size).toBe(
        r.suggestedFields.filter((f) => f.type !== 'radio').length +
          new Set(r.suggestedFields.filter((f) => f.type === 'radio').map((f) => f.bindingKey)).size,
      );
    });

    it('with_rotated_image_button: page rotated 90°, rectangles in unrotated coordinates, QR button → image', async () => {
      const r = await inspectCorpus('with_rotated_image_button.pdf');
      expect(r.pages[0]).toMatchObject({ width: 297, height: 420, rotation: 90 });
      expectRect(fieldOf(r, 'FULLNAME').rect, [27, 154.68, 22.5, 112.5]);
      expectRect(fieldOf(r, 'QR').rect, [34.12, 21.38, 75, 112.5]);
      expect(r.suggestedFields.find((s) => s.advanced.acroFormName === 'QR')).toMatchObject({ type: 'image', bindingKey: 'QR' });
    });

    it('with_signature: an empty (unsigned: no /V, as qpdf reports) signature field', async () => {
      const r = await inspectCorpus('with_signature.pdf');
      expect(fieldOf(r, 'Signature1')).toMatchObject({ type: 'signature', value: false });
      expectRect(fieldOf(r, 'Signature1').rect, [149.24, 138.76, 337.46, 119.45]);
    });

    it('with_update_sections: read-only fields after incremental updates', async () => {
      const r = await inspectCorpus('with_update_sections.pdf');
      expect(fieldOf(r, 'SSN')).toMatchObject({ type: 'text', readOnly: true });
      expectRect(fieldOf(r, 'SSN').rect, [50.4, 633.47, 144, 14]);
    });

    it('with_xfa_fields: XFA reported (hybrid: AcroForm fields still listed) with a note', async () => {
      const r = await inspectCorpus('with_xfa_fields.pdf');
      expect(r.xfa).toBe(true);
      expect(r.xfaOnly).toBe(false);
      expect(r.notes.join(' ')).toMatch(/XFA/);
      expect(r.metadata.title).toBe('2019 Form 1040');
      const c = fieldOf(r, 'topmostSubform[0].Page1[0].FilingStatus[0].c1_01[1]');
      expect(c.type).toBe('checkbox');
      expectRect(c.rect, [138.8, 68, 8, 8]);
    });
  });
}
