import { PDFDocument, StandardFonts } from 'pdf-lib';
import { beforeAll, expect, it } from 'vitest';
import { loadTemplateVersion } from '@/services/templates/versions.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { uploadOk } from './upload-helpers.js';

/** A PDF of `pages` pages of one size, with AcroForm text fields at PDF-space rectangles. */
async function revision(pages: number, width: number, height: number, form: { name: string; page: number; x: number; y: number }[] = []) {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i += 1) doc.addPage([width, height]).drawText(`Rev page ${i + 1}`, { x: 40, y: height - 40, size: 12, font });
  for (const f of form)
    doc
      .getForm()
      .createTextField(f.name)
      .addToPage(doc.getPage(f.page - 1), { x: f.x, y: f.y, width: 200, height: 24 });
  return doc.save();
}

type Match = { name: string; to: { x: number; y: number } };
const by = (review: { fields: Match[] }, name: string): Match => review.fields.find((f) => f.name === name)!;

const text = (name: string, page: number, x: number, y: number) => ({
  name,
  type: 'text',
  page,
  position: { x, y },
  size: { width: 120, height: 20 },
  bindingKey: name,
});

forEachApi('replacing a template base PDF', (api) => {
  let ada: TestUser;
  let bob: TestUser;
  let templateId: string;
  let newFileId: string;

  beforeAll(async () => {
    ada = await registerUser(api().app, 'base-pdf');
    bob = await registerUser(api().app, 'base-pdf-bob');
    // v1: 3 pages of 600 × 800 with the form field `customer` on page 1.
    const first = await uploadOk(
      api().app,
      ada.headers,
      await revision(3, 600, 800, [{ name: 'customer', page: 1, x: 100, y: 500 }]),
      'v1.pdf',
    );
    const created = await api().app.inject({
      method: 'POST',
      url: '/api/templates',
      headers: ada.headers,
      payload: { fileId: first.id, name: 'Contract', importFormFields: true },
    });
    expect(created.statusCode).toBe(201);
    templateId = created.json().template.templateId;
    for (const f of [text('note', 2, 50, 50), text('footer', 1, 450, 700), text('annex', 3, 60, 60)]) {
      const res = await api().app.inject({ method: 'POST', url: `/api/templates/${templateId}/fields`, headers: ada.headers, payload: f });
      expect(res.statusCode).toBe(201);
    }
    expect((await api().app.inject({ method: 'POST', url: `/api/templates/${templateId}/publish`, headers: ada.headers })).statusCode).toBe(
      201,
    );
    // The revision: 2 pages of 500 × 700, `customer` now on page 2.
    newFileId = (
      await uploadOk(api().app, ada.headers, await revision(2, 500, 700, [{ name: 'customer', page: 2, x: 80, y: 300 }]), 'v2.pdf')
    ).id;
  });

  const replace = (payload: unknown, headers = ada.headers) =>
    api().app.inject({ method: 'POST', url: `/api/templates/${templateId}/base-pdf`, headers, payload: payload as object });
  const fieldsByName = async () => {
    const got = (await api().app.inject({ method: 'GET', url: `/api/templates/${templateId}`, headers: ada.headers })).json();
    return Object.fromEntries((got.fields as { name: string; page: number; position: { x: number; y: number } }[]).map((f) => [f.name, f]));
  };

  it('reviews without changing anything: matched by form-field name, else by position, off-page fields flagged', async () => {
    const res = await replace({ fileId: newFileId });
    expect(res.statusCode).toBe(200);
    const { review, template } = res.json();
    expect(review).toMatchObject({ applied: false, from: { pageCount: 3 }, to: { pageCount: 2 }, formFields: 1, fileName: 'v2.pdf' });
    const by = Object.fromEntries((review.fields as (Match & { note?: string })[]).map((f) => [f.name, f]));
    // customer: the widget (80, 300, 200 × 24) in PDF space on page 2 → top-left y = 700 − 300 − 24
    // (within its half-point border, as file inspection reads widget rectangles).
    expect(by.customer).toMatchObject({ matchedBy: 'form_field', status: 'moved_page', from: { page: 1 }, to: { page: 2 } });
    expect(Math.abs(by.customer.to.x - 80)).toBeLessThanOrEqual(1);
    expect(Math.abs(by.customer.to.y - 376)).toBeLessThanOrEqual(1);
    expect(by.customer.note).toContain('page 2');
    expect(by.note).toMatchObject({ matchedBy: 'position', status: 'kept', to: { page: 2, x: 50, y: 50 } });
    // footer ran past the 500-pt edge (450 + 120): moved inside, flagged.
    expect(by.footer).toMatchObject({ matchedBy: 'position', status: 'outside', to: { page: 1, x: 380, y: 680 } });
    // annex was on page 3, which the revision lacks: on the last page, flagged.
    expect(by.annex).toMatchObject({ status: 'outside', to: { page: 2, x: 60, y: 60 } });
    expect(by.annex.note).toContain('page 3 is not in the new PDF');
    expect(review.counts).toEqual({ kept: 1, moved: 0, moved_page: 1, outside: 2 });
    expect(template.pageCount).toBe(3);
    expect(template.baseReplacedAt).toBeNull();
    expect((await fieldsByName()).annex.page).toBe(3);
    const draft = await loadTemplateVersion(api().services, ada.id, templateId, 'draft');
    expect((await PDFDocument.load(draft.base)).getPageCount()).toBe(3);
  });

  it('answers bad input with a 4xx code: unknown or foreign file, missing file id, unknown keys', async () => {
    expect([(await replace({ fileId: 'nope' })).statusCode, (await replace({ fileId: 'nope' })).json().code]).toEqual([404, 'not_found']);
    const bobs = await uploadOk(api().app, bob.headers, await revision(1, 500, 700), 'bob.pdf');
    const foreign = await replace({ fileId: bobs.id });
    expect([foreign.statusCode, foreign.json().code]).toEqual([404, 'not_found']);
    // Bob cannot replace Ada's template's base with his own file either.
    const theirs = await replace({ fileId: bobs.id }, bob.headers);
    expect([theirs.statusCode, theirs.json().code]).toEqual([404, 'not_found']);
    const missing = await replace({});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors.map((e: { path: string }) => e.path)).toContain('body.fileId');
    expect((await replace({ fileId: newFileId, force: true })).statusCode).toBe(400);
    const pending = (
      await api().app.inject({
        method: 'POST',
        url: '/api/files/upload-url',
        headers: ada.headers,
        payload: { filename: 'p.pdf', contentType: 'application/pdf', size: 100 },
      })
    ).json();
    const notReady = await replace({ fileId: pending.fileId, apply: true });
    expect([notReady.statusCode, notReady.json().code]).toEqual([409, 'file_not_ready']);
  });

  it('applies: the draft prints on the new PDF with the fields moved; v1 still prints on the old one', async () => {
    const res = await replace({ fileId: newFileId, apply: true });
    expect(res.statusCode).toBe(200);
    const { review, template } = res.json();
    expect(review.applied).toBe(true);
    // Later than v1's publishing: the studio says the draft's PDF is not published yet.
    const [v1entry] = (await api().app.inject({ method: 'GET', url: `/api/templates/${templateId}/versions`, headers: ada.headers })).json()
      .items;
    expect(Date.parse(template.baseReplacedAt)).toBeGreaterThanOrEqual(Date.parse(v1entry.publishedAt));
    expect(template).toMatchObject({
      pageCount: 2,
      dimensions: { width: 500, height: 700 },
      fileName: 'v2.pdf',
      originalFileId: newFileId,
    });
    expect(template.pages).toEqual([
      { width: 500, height: 700, rotation: 0 },
      { width: 500, height: 700, rotation: 0 },
    ]);
    const f = await fieldsByName();
    const customer = by(review, 'customer').to;
    expect(f.customer).toMatchObject({ page: 2, position: { x: customer.x, y: customer.y } });
    expect(Math.abs(f.customer.position.y - 376)).toBeLessThanOrEqual(1);
    expect(f.note).toMatchObject({ page: 2, position: { x: 50, y: 50 } });
    expect(f.footer).toMatchObject({ page: 1, position: { x: 380, y: 680 } });
    expect(f.annex).toMatchObject({ page: 2, position: { x: 60, y: 60 } });

    const pdf = await api().app.inject({ method: 'GET', url: `/api/templates/${templateId}/pdf`, headers: ada.headers });
    expect((await PDFDocument.load(pdf.rawPayload)).getPageCount()).toBe(2);
    const v1 = await loadTemplateVersion(api().services, ada.id, templateId, 1);
    expect((await PDFDocument.load(v1.base)).getPageCount()).toBe(3);
    const generated = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: { ...ada.headers, accept: 'application/pdf' },
      payload: { data: { customer: 'Ada', note: 'n', footer: 'f', annex: 'a' }, version: 'draft' },
    });
    expect(generated.statusCode).toBe(200);
    const out = await PDFDocument.load(generated.rawPayload);
    expect(out.getPageCount()).toBe(2);
    expect(out.getPage(0).getSize()).toEqual({ width: 500, height: 700 });
  });
});
