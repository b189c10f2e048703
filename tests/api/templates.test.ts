import { PDFDocument } from 'pdf-lib';
import { beforeAll, expect, it } from 'vitest';
import { purgeExpiredTemplates } from '@/services/templates/undo.js';
import { loadTemplateVersion } from '@/services/templates/versions.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { corpusDir, readCorpusFile } from '../helpers/corpus.js';
import { makePdf, uploadOk } from './upload-helpers.js';

const field = (name: string, x = 50, y = 50) => ({
  name,
  type: 'text',
  page: 1,
  position: { x, y },
  size: { width: 120, height: 20 },
  bindingKey: name,
});

forEachApi('templates API', (api) => {
  let ada: TestUser;
  let fileId: string;
  beforeAll(async () => {
    ada = await registerUser(api().app, 'templates');
    fileId = (
      await uploadOk(api().app, ada.headers, await makePdf({ pages: 2, width: 600, height: 800, formField: 'customer' }), 'contract.pdf')
    ).id;
  });

  const create = async (body: Record<string, unknown>, headers = ada.headers) =>
    api().app.inject({ method: 'POST', url: '/api/templates', headers, payload: { fileId, ...body } });

  it('creates a template from an upload (own base copy, AcroForm import), survives deleting the upload', async () => {
    const res = await create({ name: 'Contract', description: 'NDA', importFormFields: true });
    expect(res.statusCode).toBe(201);
    const { template, fields } = res.json();
    expect(template).toMatchObject({
      name: 'Contract',
      description: 'NDA',
      originalFileId: fileId,
      pageCount: 2,
      dimensions: { width: 600, height: 800 },
      status: 'draft',
      publishedVersion: null,
    });
    expect(template.pages).toHaveLength(2);
    expect(fields).toHaveLength(1);
    expect(fields[0]).toMatchObject({ type: 'text', page: 1, bindingKey: 'customer', advanced: { acroFormName: 'customer' } });
    // AcroForm rect (100, 500, 200×24) in PDF space → top-left origin: y = 800 - 500 - 24.
    expect(fields[0].position.x).toBeCloseTo(100, -1);
    expect(fields[0].position.y).toBeCloseTo(276, -1);

    const got = await api().app.inject({ method: 'GET', url: `/api/templates/${template.templateId}`, headers: ada.headers });
    expect(got.json().fields.map((f: { fieldId: string }) => f.fieldId)).toEqual([fields[0].fieldId]);

    // The template keeps its own copy of the PDF.
    const temp = await uploadOk(api().app, ada.headers, await makePdf({ pages: 1 }), 'temp.pdf');
    const t2 = (
      await api().app.inject({ method: 'POST', url: '/api/templates', headers: ada.headers, payload: { fileId: temp.id, name: 'Temp' } })
    ).json().template;
    expect((await api().app.inject({ method: 'DELETE', url: `/api/files/${temp.id}`, headers: ada.headers })).statusCode).toBe(204);
    const pdf = await api().app.inject({ method: 'GET', url: `/api/templates/${t2.templateId}/pdf`, headers: ada.headers });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((await PDFDocument.load(pdf.rawPayload)).getPageCount()).toBe(1);
  });

  it('imports the fields of a real AcroForm (corpus sample_form.pdf)', async (ctx) => {
    if (!corpusDir('pdf-lib').dir) return ctx.skip();
    const file = await uploadOk(api().app, ada.headers, readCorpusFile('pdf-lib', 'sample_form.pdf'), 'sample_form.pdf');
    const res = await api().app.inject({
      method: 'POST',
      url: '/api/templates',
      headers: ada.headers,
      payload: { fileId: file.id, name: 'Sample form', importFormFields: true },
    });
    expect(res.statusCode).toBe(201);
    const { template, fields } = res.json();
    expect(fields.length).toBe((file.metadata as { formFields: unknown[] }).formFields.length);
    // Importing again adds nothing: every AcroForm field is already there.
    const again = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${template.templateId}/import-form-fields`,
      headers: ada.headers,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().items).toEqual([]);
  });

  it('refuses unknown and unprocessed files', async () => {
    const unknown = await create({ fileId: '00000000-0000-4000-8000-000000000000', name: 'X' });
    expect(unknown.statusCode).toBe(404);
    const pending = (
      await api().app.inject({
        method: 'POST',
        url: '/api/files/upload-url',
        headers: ada.headers,
        payload: { filename: 'p.pdf', contentType: 'application/pdf', size: 100 },
      })
    ).json();
    const res = await create({ fileId: pending.fileId, name: 'X' });
    expect([res.statusCode, res.json().code]).toEqual([409, 'file_not_ready']);
    const bad = await create({ name: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toContain('body.name');
  });

  it('lists (cursor, status filter, search), patches, duplicates, archives, deletes; stats', async () => {
    const u = await registerUser(api().app, 'tpl-list');
    const f = await uploadOk(api().app, u.headers, await makePdf(), 'a.pdf');
    const ids: string[] = [];
    for (const name of ['Invoice A', 'Receipt', 'Invoice B']) {
      const res = await api().app.inject({ method: 'POST', url: '/api/templates', headers: u.headers, payload: { fileId: f.id, name } });
      ids.push(res.json().template.templateId);
    }
    const p1 = (await api().app.inject({ method: 'GET', url: '/api/templates?limit=2', headers: u.headers })).json();
    expect(p1.items.map((t: { name: string }) => t.name)).toEqual(['Invoice B', 'Receipt']);
    expect(p1.nextCursor).toBeTruthy();
    const p2 = (
      await api().app.inject({
        method: 'GET',
        url: `/api/templates?limit=2&cursor=${encodeURIComponent(p1.nextCursor)}`,
        headers: u.headers,
      })
    ).json();
    expect(p2.items.map((t: { name: string }) => t.name)).toEqual(['Invoice A']);
    const search = (await api().app.inject({ method: 'GET', url: '/api/templates?search=invoice&limit=1', headers: u.headers })).json();
    expect(search.items.map((t: { name: string }) => t.name)).toEqual(['Invoice B']);
    const search2 = (
      await api().app.inject({
        method: 'GET',
        url: `/api/templates?search=invoice&limit=5&cursor=${encodeURIComponent(search.nextCursor)}`,
        headers: u.headers,
      })
    ).json();
    expect(search2.items.map((t: { name: string }) => t.name)).toEqual(['Invoice A']);

    const patched = await api().app.inject({
      method: 'PATCH',
      url: `/api/templates/${ids[1]}`,
      headers: u.headers,
      payload: { name: 'Receipt v2', description: 'paid' },
    });
    expect(patched.json().template).toMatchObject({ name: 'Receipt v2', description: 'paid' });
    expect(
      (await api().app.inject({ method: 'PATCH', url: `/api/templates/${ids[1]}`, headers: u.headers, payload: { userId: 'someone' } }))
        .statusCode,
    ).toBe(400);

    await api().app.inject({ method: 'POST', url: `/api/templates/${ids[0]}/fields`, headers: u.headers, payload: field('total') });
    const dup = await api().app.inject({ method: 'POST', url: `/api/templates/${ids[0]}/duplicate`, headers: u.headers, payload: {} });
    expect(dup.statusCode).toBe(201);
    const copy = dup.json();
    expect(copy.template).toMatchObject({ name: 'Invoice A (copy)', status: 'draft' });
    expect(copy.template.templateId).not.toBe(ids[0]);
    expect(copy.fields).toHaveLength(1);
    expect(copy.fields[0].templateId).toBe(copy.template.templateId);
    expect(
      (await api().app.inject({ method: 'GET', url: `/api/templates/${copy.template.templateId}/pdf`, headers: u.headers })).statusCode,
    ).toBe(200);

    const archived = await api().app.inject({ method: 'POST', url: `/api/templates/${ids[2]}/archive`, headers: u.headers });
    expect(archived.json().template.status).toBe('archived');
    const onlyArchived = (await api().app.inject({ method: 'GET', url: '/api/templates?status=archived', headers: u.headers })).json();
    expect(onlyArchived.items.map((t: { templateId: string }) => t.templateId)).toEqual([ids[2]]);
    await api().app.inject({ method: 'POST', url: `/api/templates/${ids[0]}/publish`, headers: u.headers });
    expect((await api().app.inject({ method: 'GET', url: '/api/templates/stats', headers: u.headers })).json()).toMatchObject({
      active: 1,
      total: 4,
    });

    const del = await api().app.inject({ method: 'DELETE', url: `/api/templates/${ids[0]}`, headers: u.headers });
    expect(del.statusCode).toBe(204);
    expect((await api().app.inject({ method: 'GET', url: `/api/templates/${ids[0]}`, headers: u.headers })).statusCode).toBe(404);
    // Restorable until the undo period is over: then the cleanup removes the items and the blobs.
    const afterUndo = new Date(Date.now() + (api().services.config.limits.templateUndoDays + 1) * 86_400_000);
    await purgeExpiredTemplates(api().services, afterUndo);
    expect(await api().services.repos.fields.listByTemplate(ids[0])).toEqual([]);
    expect(await api().services.repos.templates.getItem({ templateId: ids[0] }, { includeExpired: true })).toBeUndefined();
    expect((await api().services.blobs.list('files', { prefix: `templates/${ids[0]}/` })).items).toEqual([]);
    // The copy is untouched.
    expect(
      (await api().app.inject({ method: 'GET', url: `/api/templates/${copy.template.templateId}/pdf`, headers: u.headers })).statusCode,
    ).toBe(200);
  });

  it('versions: publish twice → 1, 2; draft edits never change a published snapshot', async () => {
    const t = (await create({ name: 'Versioned' })).json().template;
    const id = t.templateId;
    const first = (
      await api().app.inject({ method: 'POST', url: `/api/templates/${id}/fields`, headers: ada.headers, payload: field('name') })
    ).json().field;

    // Nothing published yet: the default is the draft.
    const draft0 = await loadTemplateVersion(api().services, ada.id, id);
    expect(draft0.version).toBe('draft');
    expect(draft0.fields.map((f) => f.bindingKey)).toEqual(['name']);
    expect((await PDFDocument.load(draft0.base)).getPageCount()).toBe(2);

    const v1 = await api().app.inject({ method: 'POST', url: `/api/templates/${id}/publish`, headers: ada.headers });
    expect(v1.statusCode).toBe(201);
    expect(v1.json()).toMatchObject({ version: 1, fieldCount: 1 });
    const got = (await api().app.inject({ method: 'GET', url: `/api/templates/${id}`, headers: ada.headers })).json();
    expect(got.template).toMatchObject({ status: 'active', publishedVersion: 1 });

    // Draft edits after publishing.
    await api().app.inject({
      method: 'PATCH',
      url: `/api/templates/${id}/fields/${first.fieldId}`,
      headers: ada.headers,
      payload: { position: { x: 300, y: 300 } },
    });
    await api().app.inject({ method: 'POST', url: `/api/templates/${id}/fields`, headers: ada.headers, payload: field('email', 10, 10) });
    await api().app.inject({ method: 'PATCH', url: `/api/templates/${id}`, headers: ada.headers, payload: { name: 'Versioned (edited)' } });

    const latest = await loadTemplateVersion(api().services, ada.id, id);
    expect(latest.version).toBe(1);
    expect(latest.template.name).toBe('Versioned');
    expect(latest.fields).toHaveLength(1);
    expect(latest.fields[0].position).toEqual({ x: 50, y: 50 });
    const draft = await loadTemplateVersion(api().services, ada.id, id, 'draft');
    expect(draft.fields).toHaveLength(2);
    expect(draft.template.name).toBe('Versioned (edited)');

    const v2 = (await api().app.inject({ method: 'POST', url: `/api/templates/${id}/publish`, headers: ada.headers })).json();
    expect(v2).toMatchObject({ version: 2, fieldCount: 2 });
    const versions = (await api().app.inject({ method: 'GET', url: `/api/templates/${id}/versions`, headers: ada.headers })).json();
    expect(versions.items.map((v: { version: number; fieldCount: number }) => [v.version, v.fieldCount])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    // One version's frozen fields, for the studio to compare its draft with (v1: the field where it was).
    const v1Fields = await api().app.inject({ method: 'GET', url: `/api/templates/${id}/versions/1`, headers: ada.headers });
    expect(v1Fields.statusCode).toBe(200);
    expect(v1Fields.json()).toMatchObject({ version: 1, fieldCount: 1, fields: [{ fieldId: first.fieldId, position: { x: 50, y: 50 } }] });
    for (const url of [`/api/templates/${id}/versions/9`, `/api/templates/${id}/versions/0`]) {
      const bad = await api().app.inject({ method: 'GET', url, headers: ada.headers });
      expect([bad.statusCode, bad.json().code]).toEqual(url.endsWith('/9') ? [404, 'not_found'] : [400, 'validation_failed']);
    }
    expect((await loadTemplateVersion(api().services, ada.id, id)).version).toBe(2);
    const one = await loadTemplateVersion(api().services, ada.id, id, 1);
    expect(one.fields.map((f) => f.position)).toEqual([{ x: 50, y: 50 }]);
    await expect(loadTemplateVersion(api().services, ada.id, id, 3)).rejects.toMatchObject({ status: 404 });
    const eve = await registerUser(api().app, 'tpl-eve');
    await expect(loadTemplateVersion(api().services, eve.id, id)).rejects.toMatchObject({ status: 404 });

    // Two publishes at once never share a number.
    const both = await Promise.all(
      [1, 2].map(() => api().app.inject({ method: 'POST', url: `/api/templates/${id}/publish`, headers: ada.headers })),
    );
    const numbers = both.filter((r) => r.statusCode === 201).map((r) => r.json().version);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const r of both.filter((x) => x.statusCode !== 201)) expect(r.json().code).toBe('publish_conflict');
  });
});
