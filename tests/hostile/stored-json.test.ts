import { expect, it } from 'vitest';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { createTemplate } from '../api/generate-fixtures.js';

/** JSON that is stored or queued: deep nesting and NUL are refused with 400 naming the place, never 500. */

/** `{"a":{"a":…}}` nested `depth` levels, as raw JSON text (building it as an object is fine; stringifying it is not). */
const deepObject = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

forEachApi('deep and NUL JSON in stored records', (api) => {
  let user: TestUser;
  let templateId: string;
  const send = (method: 'POST' | 'PATCH', url: string, payload: string) =>
    api().app.inject({ method, url, headers: { ...user.headers, 'content-type': 'application/json' }, payload });

  it('sets up a user and a template', async () => {
    user = await registerUser(api().app, 'hostile-json');
    ({ templateId } = await createTemplate(api().app, user.headers));
  });

  it('refuses a job record nested 100,000 levels with 400, and leaves no job row', async () => {
    const res = await send('POST', `/api/templates/${templateId}/jobs`, `{"records":[${deepObject(100_000)}]}`);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
    expect(res.json().code).toBe('validation_failed');
    expect(res.json().errors[0].path).toMatch(/^body\.records\.0\.a\.a/);
    expect(res.json().errors[0].message).toContain('nested deeper than 64');
    const jobs = await api().app.inject({ method: 'GET', url: '/api/jobs', headers: user.headers });
    expect(jobs.statusCode).toBe(200);
    expect(jobs.json().items).toEqual([]);
  });

  it('refuses NUL in a job record with 400 naming the value; a record 60 levels deep is accepted', async () => {
    const nul = await send('POST', `/api/templates/${templateId}/jobs`, JSON.stringify({ records: [{ customer: { name: 'a\u0000b' } }] }));
    expect(nul.statusCode, nul.body.slice(0, 300)).toBe(400);
    expect(nul.json().errors[0]).toMatchObject({ path: 'body.records.0.customer.name' });
    const record = JSON.parse(deepObject(60)) as Record<string, unknown>;
    Object.assign(record, { customer: { name: 'Ada' }, amount: 1 });
    const ok = await send('POST', `/api/templates/${templateId}/jobs`, JSON.stringify({ records: [record] }));
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(202);
  });

  it('refuses profile preferences nested 100,000 levels and NUL in profile fields with 400, never 500', async () => {
    const deep = await send('PATCH', '/api/profile', `{"preferences":${deepObject(100_000)}}`);
    expect(deep.statusCode, deep.body.slice(0, 300)).toBe(400);
    expect(deep.json().errors[0].path).toMatch(/^body\.preferences\.a/);
    for (const [body, path] of [
      [{ company: 'ACME\u0000' }, 'body.company'],
      [{ preferences: { theme: 'dark\u0000' } }, 'body.preferences.theme'],
    ] as const) {
      const res = await send('PATCH', '/api/profile', JSON.stringify(body));
      expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
      expect(res.json().errors[0].path).toBe(path);
    }
    const name = await send('PATCH', '/api/profile', JSON.stringify({ name: 'Ada\u0000' }));
    expect(name.statusCode, name.body.slice(0, 300)).toBe(400);
    expect(name.json().errors[0].path).toBe('name');
    const fine = await send('PATCH', '/api/profile', JSON.stringify({ company: 'ACME', preferences: { theme: 'dark' } }));
    expect(fine.statusCode, fine.body.slice(0, 300)).toBe(200);
  });

  it('refuses NUL in a registration name and an API-key name with 400', async () => {
    const reg = await api().app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: `nul-${Date.now()}@example.com`, password: 'correct horse battery', name: 'Eve\u0000' },
    });
    expect(reg.statusCode, reg.body.slice(0, 300)).toBe(400);
    expect(reg.json().errors[0].path).toBe('body.name');
    const key = await send('POST', '/api/api-keys', JSON.stringify({ name: 'ci\u0000' }));
    expect(key.statusCode, key.body.slice(0, 300)).toBe(400);
    expect(key.json().errors[0].path).toBe('name');
  });
});
