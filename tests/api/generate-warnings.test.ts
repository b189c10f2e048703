import { describe, expect, it } from 'vitest';
import type { FieldInput } from '@/shared/domain/field.js';
import { MAX_WARNINGS_HEADER_BYTES, warningsHeaders } from '@/api/generate/warnings-header.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { createTemplate } from './generate-fixtures.js';

/** 120 small text boxes in a grid on the one page, each too small for its value. */
const FIELD_COUNT = 120;
const FIELDS: FieldInput[] = Array.from({ length: FIELD_COUNT }, (_, i) => ({
  name: `Box ${i}`,
  type: 'text',
  page: 1,
  position: { x: 10 + (i % 6) * 100, y: 20 + Math.floor(i / 6) * 35 },
  size: { width: 90, height: 12 },
  bindingKey: `box${i}`,
}));
const DATA = Object.fromEntries(FIELDS.map((f) => [f.bindingKey, 'Much more text than a ninety point box can hold. '.repeat(4)]));

forEachApi('generation warnings in headers', (api) => {
  let user: TestUser;
  let templateId: string;
  const generate = (accept: string) =>
    api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: { ...user.headers, accept },
      payload: { data: DATA, version: 'draft' },
    });

  it('sets up a template of 120 fields', async () => {
    user = await registerUser(api().app, 'gen-warn');
    ({ templateId } = await createTemplate(api().app, user.headers, [], false));
    const saved = await api().app.inject({
      method: 'PUT',
      url: `/api/templates/${templateId}/fields`,
      headers: user.headers,
      payload: { fields: FIELDS },
    });
    expect(saved.statusCode, saved.body).toBe(200);
  });

  it('keeps x-pdf-warnings within its cap and counts every warning in x-pdf-warning-count', async () => {
    const res = await generate('application/pdf');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const header = String(res.headers['x-pdf-warnings']);
    expect(Buffer.byteLength(header)).toBeLessThanOrEqual(MAX_WARNINGS_HEADER_BYTES);
    const count = Number(res.headers['x-pdf-warning-count']);
    expect(count).toBeGreaterThanOrEqual(FIELD_COUNT);
    const first = JSON.parse(header) as { bindingKey: string; code: string }[];
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(count);
    for (const w of first) expect(w.bindingKey).toMatch(/^box\d+$/);
  });

  it('lists every warning in the JSON answer', async () => {
    const res = await generate('application/json');
    expect(res.statusCode, res.body).toBe(200);
    const { warnings } = res.json() as { warnings: { bindingKey: string }[] };
    expect(warnings.length).toBe(Number(res.headers['x-pdf-warning-count']));
    expect(new Set(warnings.map((w) => w.bindingKey)).size).toBe(FIELD_COUNT);
    expect(Buffer.byteLength(String(res.headers['x-pdf-warnings']))).toBeLessThanOrEqual(MAX_WARNINGS_HEADER_BYTES);
  });
});

describe('warningsHeaders', () => {
  it('writes characters outside ASCII as JSON escapes that parse back unchanged', () => {
    const warning = { fieldId: 'f1', bindingKey: 'name', code: 'overflow', message: 'Überlauf “name” 名前 🙂' };
    const headers = warningsHeaders([warning]);
    expect(headers['x-pdf-warnings']).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(headers['x-pdf-warnings'])).toEqual([warning]);
    expect(headers['x-pdf-warning-count']).toBe('1');
  });

  it('keeps none when the first warning alone is over the cap, and still counts it', () => {
    const headers = warningsHeaders([{ fieldId: 'f', bindingKey: 'k', code: 'overflow', message: 'x'.repeat(MAX_WARNINGS_HEADER_BYTES) }]);
    expect(headers).toEqual({ 'x-pdf-warning-count': '1', 'x-pdf-warnings': '[]' });
  });
});
