import { beforeAll, expect, it } from 'vitest';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { makePdf, multipartBody, uploadOk } from './upload-helpers.js';

/**
 * User B tries every files/templates/fields route on user A's resources: all 404 (exactly like an
 * unknown id, same code), and A's data is unchanged afterwards, checked through A's own GETs.
 */
forEachApi('authorization matrix (files, templates, fields)', (api) => {
  let a: TestUser;
  let b: TestUser;
  let fileId: string;
  let pendingId: string;
  let templateId: string;
  let fieldId: string;

  beforeAll(async () => {
    a = await registerUser(api().app, 'owner');
    b = await registerUser(api().app, 'intruder');
    fileId = (await uploadOk(api().app, a.headers, await makePdf({ pages: 1, formField: 'name' }))).id;
    pendingId = (
      await api().app.inject({
        method: 'POST',
        url: '/api/files/upload-url',
        headers: a.headers,
        payload: { filename: 'p.pdf', contentType: 'application/pdf', size: 10 },
      })
    ).json().fileId;
    const t = (
      await api().app.inject({
        method: 'POST',
        url: '/api/templates',
        headers: a.headers,
        payload: { fileId, name: 'Private', importFormFields: true },
      })
    ).json();
    templateId = t.template.templateId;
    fieldId = t.fields[0].fieldId;
    await api().app.inject({ method: 'POST', url: `/api/templates/${templateId}/publish`, headers: a.headers });
  });

  async function snapshot(user: TestUser) {
    const get = async (url: string) => {
      const res = await api().app.inject({ method: 'GET', url, headers: user.headers });
      return { status: res.statusCode, body: String(res.headers['content-type']).includes('json') ? res.json() : res.rawPayload.length };
    };
    return {
      file: await get(`/api/files/${fileId}`),
      pending: await get(`/api/files/${pendingId}`),
      files: await get('/api/files'),
      stats: await get('/api/files/stats'),
      template: await get(`/api/templates/${templateId}`),
      templates: await get('/api/templates'),
      tstats: await get('/api/templates/stats'),
      versions: await get(`/api/templates/${templateId}/versions`),
      fields: await get(`/api/templates/${templateId}/fields`),
      pdf: await get(`/api/templates/${templateId}/pdf`),
      content: await get(`/api/files/${fileId}/content`),
    };
  }

  it('every route answers 404 to another user, the same as for an unknown id, and changes nothing', async () => {
    const before = await snapshot(a);
    const mp = multipartBody('x.pdf', await makePdf());
    const field = { name: 'x', type: 'text', page: 1, position: { x: 1, y: 1 }, size: { width: 10, height: 10 }, bindingKey: 'x' };
    const routes = (f: string, t: string, fl: string) =>
      [
        { method: 'GET', url: `/api/files/${f}` },
        { method: 'GET', url: `/api/files/${f}/content` },
        { method: 'GET', url: `/api/files/${f}/download` },
        { method: 'POST', url: `/api/files/${f}/confirm` },
        { method: 'DELETE', url: `/api/files/${f}` },
        { method: 'POST', url: '/api/templates', payload: { fileId: f, name: 'stolen' } },
        { method: 'GET', url: `/api/templates/${t}` },
        { method: 'PATCH', url: `/api/templates/${t}`, payload: { name: 'pwned' } },
        { method: 'POST', url: `/api/templates/${t}/duplicate`, payload: {} },
        { method: 'POST', url: `/api/templates/${t}/archive` },
        { method: 'GET', url: `/api/templates/${t}/pdf` },
        { method: 'POST', url: `/api/templates/${t}/publish` },
        { method: 'GET', url: `/api/templates/${t}/versions` },
        { method: 'GET', url: `/api/templates/${t}/fields` },
        { method: 'POST', url: `/api/templates/${t}/fields`, payload: field },
        { method: 'PATCH', url: `/api/templates/${t}/fields/${fl}`, payload: { name: 'pwned' } },
        { method: 'PUT', url: `/api/templates/${t}/fields/positions`, payload: { updates: [{ fieldId: fl, position: { x: 2, y: 2 } }] } },
        { method: 'PUT', url: `/api/templates/${t}/fields`, payload: { fields: [{ ...field, fieldId: fl }], deleteMissing: true } },
        { method: 'POST', url: `/api/templates/${t}/import-form-fields` },
        { method: 'DELETE', url: `/api/templates/${t}/fields/${fl}` },
        { method: 'DELETE', url: `/api/templates/${t}` },
      ] as const;

    const theirs = routes(fileId, templateId, fieldId);
    const unknown = routes('00000000-0000-4000-8000-000000000000', 'no-such-template', '00000000-0000-4000-8000-000000000001');
    for (let i = 0; i < theirs.length; i++) {
      const res = await api().app.inject({ ...theirs[i], headers: b.headers } as never);
      const ref = await api().app.inject({ ...unknown[i], headers: b.headers } as never);
      expect({ route: `${theirs[i].method} ${theirs[i].url}`, status: res.statusCode }).toEqual({
        route: `${theirs[i].method} ${theirs[i].url}`,
        status: 404,
      });
      expect(res.json().code).toBe(ref.json().code);
      expect(res.body).not.toContain(a.id);
    }
    // The pending upload of A cannot be confirmed by B either.
    expect((await api().app.inject({ method: 'POST', url: `/api/files/${pendingId}/confirm`, headers: b.headers })).statusCode).toBe(404);
    // B's own lists do not show A's things; B's fields of A's template are not reachable even through B's own template.
    expect((await api().app.inject({ method: 'GET', url: '/api/files', headers: b.headers })).json().total).toBe(0);
    expect((await api().app.inject({ method: 'GET', url: '/api/templates', headers: b.headers })).json().items).toEqual([]);
    const own = await uploadOk(api().app, b.headers, await makePdf());
    const bt = (
      await api().app.inject({ method: 'POST', url: '/api/templates', headers: b.headers, payload: { fileId: own.id, name: 'B' } })
    ).json().template.templateId;
    const viaOwn = [
      await api().app.inject({
        method: 'PATCH',
        url: `/api/templates/${bt}/fields/${fieldId}`,
        headers: b.headers,
        payload: { name: 'pwned' },
      }),
      await api().app.inject({ method: 'DELETE', url: `/api/templates/${bt}/fields/${fieldId}`, headers: b.headers }),
    ];
    expect(viaOwn.map((r) => r.statusCode)).toEqual([404, 404]);
    const positions = await api().app.inject({
      method: 'PUT',
      url: `/api/templates/${bt}/fields/positions`,
      headers: b.headers,
      payload: { updates: [{ fieldId, position: { x: 2, y: 2 } }] },
    });
    expect([positions.statusCode, positions.json().code]).toEqual([400, 'fields_not_in_template']);
    const upsert = await api().app.inject({
      method: 'PUT',
      url: `/api/templates/${bt}/fields`,
      headers: b.headers,
      payload: { fields: [{ ...field, fieldId }] },
    });
    expect([upsert.statusCode, upsert.json().code]).toEqual([400, 'fields_not_in_template']);
    // No token at all: 401 everywhere.
    expect((await api().app.inject({ method: 'GET', url: `/api/templates/${templateId}` })).statusCode).toBe(401);
    expect((await api().app.inject({ method: 'POST', url: '/api/files', headers: mp.headers, payload: mp.payload })).statusCode).toBe(401);

    expect(await snapshot(a)).toEqual(before);
  });
});
