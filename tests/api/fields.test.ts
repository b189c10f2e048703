import { beforeAll, expect, it } from 'vitest';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { field, makePdf, uploadOk } from './upload-helpers.js';

forEachApi('fields API', (api) => {
  let ada: TestUser;
  let templateId: string;
  let otherTemplateId: string;
  beforeAll(async () => {
    ada = await registerUser(api().app, 'fields');
    // Page 1: 300×400, page 2: 300×400 (Letter-free sizes so bounds are easy to reason about).
    const file = await uploadOk(api().app, ada.headers, await makePdf({ pages: 2, width: 300, height: 400, formField: 'signature_name' }));
    const mk = async (name: string) =>
      (await api().app.inject({ method: 'POST', url: '/api/templates', headers: ada.headers, payload: { fileId: file.id, name } })).json()
        .template.templateId as string;
    templateId = await mk('Fields');
    otherTemplateId = await mk('Other');
  });
  const url = (suffix = '') => `/api/templates/${templateId}/fields${suffix}`;

  it('creates, lists, patches (nested merge) and deletes fields', async () => {
    const created = await api().app.inject({
      method: 'POST',
      url: url(),
      headers: ada.headers,
      payload: field('customer.name', { style: { fontSize: 14 } }),
    });
    expect(created.statusCode).toBe(201);
    const f = created.json().field;
    expect(f).toMatchObject({
      templateId,
      name: 'customer.name',
      bindingKey: 'customer.name',
      style: { fontSize: 14, fontFamily: 'Arial' },
      layout: { layerOrder: 0 },
    });

    const patched = await api().app.inject({
      method: 'PATCH',
      url: url(`/${f.fieldId}`),
      headers: ada.headers,
      payload: { style: { bold: true }, position: { x: 100, y: 200 } },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().field).toMatchObject({ position: { x: 100, y: 200 }, style: { bold: true, fontSize: 14 } });

    const list = (await api().app.inject({ method: 'GET', url: url(), headers: ada.headers })).json();
    expect(list.items.map((x: { fieldId: string }) => x.fieldId)).toEqual([f.fieldId]);

    expect((await api().app.inject({ method: 'DELETE', url: url(`/${f.fieldId}`), headers: ada.headers })).statusCode).toBe(204);
    expect((await api().app.inject({ method: 'DELETE', url: url(`/${f.fieldId}`), headers: ada.headers })).statusCode).toBe(404);
    expect(
      (await api().app.inject({ method: 'PATCH', url: url(`/${f.fieldId}`), headers: ada.headers, payload: { name: 'x' } })).statusCode,
    ).toBe(404);
  });

  it('refuses bad fields with every error by path (schema, page, bounds)', async () => {
    const bad = await api().app.inject({
      method: 'POST',
      url: url(),
      headers: ada.headers,
      payload: { name: '', type: 'hologram', page: 0, position: { x: 1 }, size: { width: -1, height: 5 }, bindingKey: '1bad key' },
    });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.name', 'body.type', 'body.page', 'body.position.y', 'body.size.width', 'body.bindingKey']),
    );

    const page = await api().app.inject({ method: 'POST', url: url(), headers: ada.headers, payload: field('p3', { page: 3 }) });
    expect([page.statusCode, page.json().code]).toEqual([400, 'field_out_of_page']);
    expect(page.json().errors).toEqual([expect.objectContaining({ path: 'body.page', code: 'page_out_of_range' })]);

    const outside = await api().app.inject({
      method: 'POST',
      url: url(),
      headers: ada.headers,
      payload: field('wide', { position: { x: 250, y: 390 }, size: { width: 100, height: 20 } }),
    });
    expect(outside.statusCode).toBe(400);
    expect(
      outside
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['body.size.height', 'body.size.width']);
    const negative = await api().app.inject({
      method: 'POST',
      url: url(),
      headers: ada.headers,
      payload: field('neg', { position: { x: -5, y: 0 } }),
    });
    expect(negative.json().errors.map((e: { path: string }) => e.path)).toEqual(['body.position.x']);

    const made = (
      await api().app.inject({
        method: 'POST',
        url: url(),
        headers: ada.headers,
        payload: field('edge', { position: { x: 200, y: 380 }, size: { width: 100, height: 20 } }),
      })
    ).json().field;
    const move = await api().app.inject({
      method: 'PATCH',
      url: url(`/${made.fieldId}`),
      headers: ada.headers,
      payload: { size: { width: 101, height: 20 } },
    });
    expect(move.statusCode).toBe(400);
    expect(
      (
        await api().app.inject({
          method: 'PATCH',
          url: url(`/${made.fieldId}`),
          headers: ada.headers,
          payload: { templateId: otherTemplateId },
        })
      ).statusCode,
    ).toBe(400);
    await api().app.inject({ method: 'DELETE', url: url(`/${made.fieldId}`), headers: ada.headers });
  });

  it('batch positions: all or nothing; fields of other templates → 400 with their ids', async () => {
    const a = (await api().app.inject({ method: 'POST', url: url(), headers: ada.headers, payload: field('a') })).json().field;
    const b = (await api().app.inject({ method: 'POST', url: url(), headers: ada.headers, payload: field('b') })).json().field;
    const foreign = (
      await api().app.inject({ method: 'POST', url: `/api/templates/${otherTemplateId}/fields`, headers: ada.headers, payload: field('x') })
    ).json().field;

    const ok = await api().app.inject({
      method: 'PUT',
      url: url('/positions'),
      headers: ada.headers,
      payload: {
        updates: [
          { fieldId: a.fieldId, position: { x: 10, y: 10 } },
          { fieldId: b.fieldId, page: 2, layerOrder: 3 },
        ],
      },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().updated).toBe(2);
    const after = (await api().app.inject({ method: 'GET', url: url(), headers: ada.headers })).json().items;
    expect(after.find((f: { fieldId: string }) => f.fieldId === a.fieldId).position).toEqual({ x: 10, y: 10 });
    expect(after.find((f: { fieldId: string }) => f.fieldId === b.fieldId)).toMatchObject({ page: 2, layout: { layerOrder: 3 } });

    const mixed = await api().app.inject({
      method: 'PUT',
      url: url('/positions'),
      headers: ada.headers,
      payload: {
        updates: [
          { fieldId: a.fieldId, position: { x: 99, y: 99 } },
          { fieldId: foreign.fieldId, position: { x: 1, y: 1 } },
        ],
      },
    });
    expect([mixed.statusCode, mixed.json().code]).toEqual([400, 'fields_not_in_template']);
    expect(mixed.json().errors).toEqual([
      expect.objectContaining({ path: 'body.updates.1.fieldId', message: expect.stringContaining(foreign.fieldId) }),
    ]);
    const outside = await api().app.inject({
      method: 'PUT',
      url: url('/positions'),
      headers: ada.headers,
      payload: {
        updates: [
          { fieldId: a.fieldId, position: { x: 99, y: 99 } },
          { fieldId: b.fieldId, position: { x: 290, y: 0 } },
        ],
      },
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().errors[0].path).toBe('body.updates.1.size.width');
    // Nothing changed by the refused batches.
    expect((await api().services.repos.fields.get(a.fieldId)).position).toEqual({ x: 10, y: 10 });
    expect((await api().services.repos.fields.get(foreign.fieldId)).position).toEqual({ x: 40, y: 40 });
  });

  it('batch upsert: creates with client ids, replaces, deleteMissing; refuses foreign ids', async () => {
    const existing = (await api().app.inject({ method: 'GET', url: url(), headers: ada.headers })).json().items;
    expect(existing.length).toBeGreaterThan(0);
    const newId = '7b0e4f8a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
    const res = await api().app.inject({
      method: 'PUT',
      url: url(),
      headers: ada.headers,
      payload: {
        fields: [{ ...field('kept', { page: 2 }), fieldId: existing[0].fieldId }, { ...field('fresh'), fieldId: newId }, field('noid')],
        deleteMissing: true,
      },
    });
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items.map((f: { name: string }) => f.name).sort()).toEqual(['fresh', 'kept', 'noid']);
    expect(items.find((f: { name: string }) => f.name === 'fresh').fieldId).toBe(newId);
    const list = (await api().app.inject({ method: 'GET', url: url(), headers: ada.headers })).json().items;
    expect(list).toHaveLength(3);
    expect(list.find((f: { fieldId: string }) => f.fieldId === existing[0].fieldId)).toMatchObject({ name: 'kept', page: 2 });

    const foreign = (
      await api().app.inject({ method: 'GET', url: `/api/templates/${otherTemplateId}/fields`, headers: ada.headers })
    ).json().items[0];
    const steal = await api().app.inject({
      method: 'PUT',
      url: url(),
      headers: ada.headers,
      payload: { fields: [field('ok'), { ...field('stolen'), fieldId: foreign.fieldId }] },
    });
    expect([steal.statusCode, steal.json().code]).toEqual([400, 'fields_not_in_template']);
    expect(steal.json().errors[0]).toMatchObject({ path: 'body.fields.1.fieldId' });
    expect((await api().app.inject({ method: 'GET', url: url(), headers: ada.headers })).json().items).toHaveLength(3);
    expect((await api().services.repos.fields.get(foreign.fieldId)).templateId).toBe(otherTemplateId);

    const bounds = await api().app.inject({
      method: 'PUT',
      url: url(),
      headers: ada.headers,
      payload: { fields: [field('big', { size: { width: 1000, height: 10 } })] },
    });
    expect(bounds.statusCode).toBe(400);
    expect(bounds.json().errors[0].path).toBe('body.fields.0.size.width');
  });

  it('imports the base PDF AcroForm fields once', async () => {
    const first = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${otherTemplateId}/import-form-fields`,
      headers: ada.headers,
    });
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((f: { advanced: { acroFormName: string } }) => f.advanced.acroFormName)).toEqual(['signature_name']);
    const second = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${otherTemplateId}/import-form-fields`,
      headers: ada.headers,
    });
    expect(second.json().items).toEqual([]);
    // Unlinked from the PDF's form field (the studio's "draw at this box instead"), it is still the
    // same field: importing again must not bring a duplicate of it back.
    const imported = first.json().items[0];
    const { acroFormName: _link, ...advanced } = imported.advanced;
    const { fieldId, name, type, page, position, size, bindingKey, style, layout, validation } = imported;
    const unlink = await api().app.inject({
      method: 'PUT',
      url: `/api/templates/${otherTemplateId}/fields`,
      headers: ada.headers,
      payload: { fields: [{ fieldId, name, type, page, position, size, bindingKey, style, layout, advanced, validation }] },
    });
    expect(unlink.statusCode, unlink.body).toBe(200);
    expect((await api().services.repos.fields.get(fieldId)).advanced.acroFormName).toBeUndefined();
    const third = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${otherTemplateId}/import-form-fields`,
      headers: ada.headers,
    });
    expect(third.json().items).toEqual([]);
    const all = (await api().app.inject({ method: 'GET', url: `/api/templates/${otherTemplateId}/fields`, headers: ada.headers })).json()
      .items;
    expect(all.filter((f: { name: string }) => f.name === imported.name)).toHaveLength(1);
  });
});
