import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_UNKNOWN_KEYS, unknownDataKeys } from '@/pdf/validate/index.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { pageText } from '../helpers/pdf-readback.js';
import { createTemplate } from './generate-fixtures.js';

describe('unknownDataKeys', () => {
  const fields = [
    { bindingKey: 'customer.name' },
    { bindingKey: 'customer.address.city' },
    { bindingKey: 'items' },
    { bindingKey: 'rows.0.sku' },
  ];
  it('names each key at the level where it stops matching a binding', () => {
    expect(unknownDataKeys(fields, { custmer: { name: 'x' } })).toEqual(['custmer']);
    expect(unknownDataKeys(fields, { customer: { nmae: 'x', address: { city: 'Paris', zip: '75001' } } })).toEqual([
      'customer.address.zip',
      'customer.nmae',
    ]);
    // Flat keys, values that are themselves objects or arrays, and indexed bindings are all bound.
    expect(
      unknownDataKeys(fields, {
        'customer.name': 'x',
        'customer.address': { city: 'y' },
        items: [{ any: 1 }],
        rows: [{ sku: 'a', qty: 2 }],
      }),
    ).toEqual([]);
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    expect(unknownDataKeys(fields, many)).toHaveLength(MAX_UNKNOWN_KEYS);
  });
  it('walks deep payloads without recursion', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 50_000; i++) deep = { customer: deep };
    expect(unknownDataKeys([{ bindingKey: 'customer.name' }], deep)).toEqual(['customer.customer']);
  });
});

forEachApi('unknown data keys', (api) => {
  let ada: TestUser;
  let templateId: string;
  beforeAll(async () => {
    ada = await registerUser(api().app, 'unknown-keys');
    ({ templateId } = await createTemplate(api().app, ada.headers));
  });
  const misspelt = { customer: { name: 'Ada Lovelace' }, amount: 12, emial: 'ada@example.com' };

  it('generate warns about keys no field is bound to, and still generates', async () => {
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: { ...ada.headers, accept: 'application/pdf' },
      payload: { data: misspelt },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await pageText(res.rawPayload)).toContain('Ada Lovelace');
    expect(JSON.parse(String(res.headers['x-pdf-warnings']))).toEqual([
      expect.objectContaining({ bindingKey: 'emial', code: 'unknown_key' }),
    ]);
  });

  it('strict mode answers 422 naming each key, and stores nothing', async () => {
    const before = (await api().app.inject({ method: 'GET', url: '/api/generated-pdfs', headers: ada.headers })).json().items.length;
    const res = await api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: ada.headers,
      payload: { data: misspelt, strict: true },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'payload_invalid', errors: [{ path: 'emial', code: 'unknown_key' }] });
    const after = (await api().app.inject({ method: 'GET', url: '/api/generated-pdfs', headers: ada.headers })).json().items.length;
    expect(after).toBe(before);
  });

  it('preflight lists them; with strict they make it not ok', async () => {
    const url = `/api/templates/${templateId}/preflight`;
    const lenient = (await api().app.inject({ method: 'POST', url, headers: ada.headers, payload: { data: misspelt } })).json();
    expect(lenient).toMatchObject({ ok: true, unknownKeys: ['emial'] });
    const strict = (
      await api().app.inject({ method: 'POST', url, headers: ada.headers, payload: { data: misspelt, strict: true } })
    ).json();
    expect(strict).toMatchObject({ ok: false, unknownKeys: ['emial'] });
  });
});
