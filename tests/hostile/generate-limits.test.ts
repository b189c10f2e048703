import { expect, it } from 'vitest';
import type { FieldInput } from '@/shared/domain/field.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { pageText } from '../helpers/pdf-readback.js';
import { createTemplate } from '../api/generate-fixtures.js';
import { dataUrl, jpegDeclaring, pngDeclaring, strokes } from './bombs.js';

/** Hostile values sent to POST /api/templates/:id/generate: bounded work, typed 4xx, never 5xx. */
const FIELDS: FieldInput[] = [
  {
    name: 'Notes',
    type: 'text',
    page: 1,
    position: { x: 50, y: 100 },
    size: { width: 400, height: 200 },
    bindingKey: 'notes',
    advanced: { multiLine: true, overflow: 'shrink' },
  },
  { name: 'Logo', type: 'image', page: 1, position: { x: 50, y: 320 }, size: { width: 100, height: 50 }, bindingKey: 'logo' },
  { name: 'Sign', type: 'signature', page: 1, position: { x: 50, y: 400 }, size: { width: 200, height: 60 }, bindingKey: 'sign' },
];

forEachApi('hostile generate payloads', (api) => {
  let user: TestUser;
  let templateId: string;
  const generate = (data: Record<string, unknown>, accept = 'application/json') =>
    api().app.inject({
      method: 'POST',
      url: `/api/templates/${templateId}/generate`,
      headers: { ...user.headers, accept },
      payload: { data },
    });

  it('sets up a user and a template', async () => {
    user = await registerUser(api().app, 'hostile-gen');
    ({ templateId } = await createTemplate(api().app, user.headers, FIELDS));
  });

  it('refuses a 4 MB single-line value with 422 value_too_long naming the field', async () => {
    const res = await generate({ notes: 'W'.repeat(4 * 1024 * 1024) });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(422);
    const body = res.json();
    expect(body.code).toBe('payload_invalid');
    expect(body.errors).toEqual([expect.objectContaining({ path: 'notes', code: 'value_too_long' })]);
  });

  it('refuses data nested 100,000 levels with 400 (generate and preflight), never 500', async () => {
    const deep = `{"data":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    for (const route of ['generate', 'preflight']) {
      const res = await api().app.inject({
        method: 'POST',
        url: `/api/templates/${templateId}/${route}`,
        headers: { ...user.headers, 'content-type': 'application/json' },
        payload: deep,
      });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
      expect(res.json().errors[0].message).toContain('nested deeper than 64');
    }
  });

  it('renders a 100,000-character value under the bound', async () => {
    const notes = 'lorem ipsum dolor sit amet '.repeat(4000).slice(0, 100_000);
    const res = await generate({ notes }, 'application/pdf');
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(await pageText(res.rawPayload)).toContain('lorem ipsum');
  });

  it('refuses image bombs with 422 image_too_large (PNG 8000×8000 and 50000×50000, JPEG 65500×65500)', async () => {
    for (const logo of [
      dataUrl(pngDeclaring(8000, 8000), 'png'),
      dataUrl(pngDeclaring(50_000, 50_000), 'png'),
      dataUrl(jpegDeclaring(65_500, 65_500), 'jpeg'),
    ]) {
      const res = await generate({ logo });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({ code: 'image_too_large', bindingKey: 'logo' });
    }
  });

  it('refuses a signature of 200,000 points with 422 naming the field; 5,000 points render', async () => {
    const res = await generate({ sign: strokes(200_000) });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(422);
    expect(res.json().errors).toEqual([expect.objectContaining({ path: 'sign', code: 'type' })]);
    const ok = await generate({ sign: strokes(5000) }, 'application/pdf');
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(200);
  });
});
