import { beforeAll, describe, expect, it } from 'vitest';
import { fieldDefinitionIssues } from '@/pdf/validate/index.js';
import { defaultFontRegistry } from '@/pdf/fonts/registry.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { field, makePdf, uploadOk } from './upload-helpers.js';

describe('fieldDefinitionIssues', () => {
  const fonts = defaultFontRegistry();
  it('names each setting generation could not honour, and nothing for a sound field', () => {
    const codes = (f: Parameters<typeof fieldDefinitionIssues>[0]) => fieldDefinitionIssues(f, { fonts }).map((i) => `${i.path}:${i.code}`);
    expect(
      codes({ validation: { pattern: '^[A-Z]{2}\\d+$', minDate: '2020-01-01', maxDate: '2030-12-31' }, style: { fontFamily: 'Arial' } }),
    ).toEqual([]);
    expect(codes({ validation: { pattern: '([' } })).toEqual(['validation.pattern:invalid_pattern']);
    expect(codes({ validation: { pattern: '(?<=a)b' } })).toEqual(['validation.pattern:invalid_pattern']); // no look-behind in RE2
    expect(codes({ validation: { minDate: 'yesterday', maxDate: '2020-13-45' } })).toEqual([
      'validation.minDate:invalid_date',
      'validation.maxDate:invalid_date',
    ]);
    expect(codes({ validation: { minDate: '2030-01-01', maxDate: '2020-01-01', min: 5, max: 1, minLength: 9, maxLength: 3 } })).toEqual([
      'validation.maxDate:invalid_range',
      'validation.max:invalid_range',
      'validation.maxLength:invalid_range',
    ]);
    expect(codes({ advanced: { date: { pattern: 'dd.MM.yyyy', timezone: 'Mars/Olympus', locale: 'not a locale!' } } })).toEqual([
      'advanced.date.timezone:invalid_timezone',
      'advanced.date.locale:invalid_locale',
    ]);
    expect(codes({ advanced: { number: { locale: 'de-DE', currency: 'ZZZ' } } })).toEqual(['advanced.number.currency:invalid_currency']);
    expect(codes({ style: { fontFamily: 'Comic Sans Nowhere' } })).toEqual(['style.fontFamily:font_unknown']);
  });
});

forEachApi('field definitions', (api) => {
  let ada: TestUser;
  let templateId: string;
  beforeAll(async () => {
    ada = await registerUser(api().app, 'definitions');
    const file = await uploadOk(api().app, ada.headers, await makePdf({ pages: 1, width: 300, height: 400 }));
    templateId = (
      await api().app.inject({ method: 'POST', url: '/api/templates', headers: ada.headers, payload: { fileId: file.id, name: 'Rules' } })
    ).json().template.templateId;
  });
  const url = (suffix = '') => `/api/templates/${templateId}/fields${suffix}`;

  it('refuses a field with a broken rule or an unknown setting at save, naming the property', async () => {
    const res = await api().app.inject({
      method: 'POST',
      url: url(),
      headers: ada.headers,
      payload: field('code', { validation: { type: 'pattern', pattern: '([' }, style: { fontFamily: 'Nope Sans' } }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'field_definition_invalid' });
    expect(res.json().errors.map((i: { path: string; code: string }) => `${i.path}:${i.code}`)).toEqual([
      'body.validation.pattern:invalid_pattern',
      'body.style.fontFamily:font_unknown',
    ]);

    const bulk = await api().app.inject({
      method: 'PUT',
      url: url(),
      headers: ada.headers,
      payload: {
        fields: [field('ok'), field('when', { type: 'date', advanced: { date: { pattern: 'yyyy', timezone: 'Nowhere/Never' } } })],
      },
    });
    expect(bulk.statusCode).toBe(400);
    expect(bulk.json().errors.map((i: { path: string }) => i.path)).toEqual(['body.fields.1.advanced.date.timezone']);
    // Nothing of the refused batch was written.
    expect((await api().app.inject({ method: 'GET', url: url(), headers: ada.headers })).json().items).toEqual([]);
  });

  it('checks a patch against the field it produces (nested maps merge)', async () => {
    const created = await api().app.inject({
      method: 'POST',
      url: url(),
      headers: ada.headers,
      payload: field('born', { type: 'date', validation: { type: 'date', minDate: '2000-01-01' } }),
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().field.fieldId;
    const bad = await api().app.inject({
      method: 'PATCH',
      url: url(`/${id}`),
      headers: ada.headers,
      payload: { validation: { maxDate: '1990-01-01' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toMatchObject([{ path: 'body.validation.maxDate', code: 'invalid_range' }]);
    const good = await api().app.inject({
      method: 'PATCH',
      url: url(`/${id}`),
      headers: ada.headers,
      payload: { validation: { maxDate: '2030-01-01' } },
    });
    expect(good.statusCode).toBe(200);
    expect(good.json().field.validation).toMatchObject({ minDate: '2000-01-01', maxDate: '2030-01-01' });
  });

  it('refuses to publish a template holding a field stored before these checks', async () => {
    // Written straight through the repository, as a field saved by an earlier version would be.
    const legacy = await api().services.repos.fields.create({ ...field('legacy', { validation: { pattern: '([' } }), templateId } as never);
    const res = await api().app.inject({ method: 'POST', url: `/api/templates/${templateId}/publish`, headers: ada.headers });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'field_definition_invalid',
      errors: [{ path: `fields.${legacy.fieldId}.validation.pattern` }],
    });
    const template = (await api().app.inject({ method: 'GET', url: `/api/templates/${templateId}`, headers: ada.headers })).json().template;
    expect(template.publishedVersion ?? null).toBeNull();

    await api().app.inject({ method: 'DELETE', url: url(`/${legacy.fieldId}`), headers: ada.headers });
    expect((await api().app.inject({ method: 'POST', url: `/api/templates/${templateId}/publish`, headers: ada.headers })).statusCode).toBe(
      201,
    );
  });
});
