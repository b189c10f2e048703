import { beforeAll, expect, it } from 'vitest';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';
import { createTemplate } from './generate-fixtures.js';

/*
 * API key scopes: a generate-only key generates and reads nothing else; no key manages keys unless
 * made to. Before scopes every key could create and revoke keys.
 */

const DATA = { customer: { name: 'Ada' }, email: 'ada@example.com', amount: 10 };

forEachApi('API key scopes', (api) => {
  let ada: TestUser;
  let templateId: string;
  const keyWith = async (scopes?: string[]) => {
    const res = await api().app.inject({ method: 'POST', url: '/api/api-keys', headers: ada.headers, payload: { name: 'k', scopes } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { key: string; scopes: string[] };
  };
  const call = (key: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    api().app.inject({ method, url, headers: { 'x-api-key': key }, payload: payload as never });

  beforeAll(async () => {
    ada = await registerUser(api().app, 'scopes');
    ({ templateId } = await createTemplate(api().app, ada.headers));
  });

  it('a generate-only key generates and preflights, and may not read or change anything else', async () => {
    const { key, scopes } = await keyWith(['generate']);
    expect(scopes).toEqual(['generate']);
    const gen = await call(key, 'POST', `/api/templates/${templateId}/generate`, { data: DATA });
    expect(gen.statusCode, gen.body).toBe(200);
    expect((await call(key, 'POST', `/api/templates/${templateId}/preflight`, { data: DATA })).statusCode).toBe(200);
    for (const [method, url, body] of [
      ['GET', '/api/templates', undefined],
      ['PATCH', `/api/templates/${templateId}`, { name: 'changed' }],
      ['POST', '/api/api-keys', { name: 'more' }],
    ] as const) {
      const res = await call(key, method, url, body);
      expect([res.statusCode, res.json().code], `${method} ${url}`).toEqual([403, 'insufficient_scope']);
    }
  });

  it('a read-only key reads and cannot generate', async () => {
    const { key } = await keyWith(['read']);
    expect((await call(key, 'GET', `/api/templates/${templateId}`)).statusCode).toBe(200);
    expect((await call(key, 'POST', `/api/templates/${templateId}/generate`, { data: DATA })).json().code).toBe('insufficient_scope');
  });

  it('a default key does everything but manage keys; a keys key cannot hand out scopes it lacks', async () => {
    const plain = await keyWith();
    expect(plain.scopes).toEqual(['read', 'generate', 'write']);
    expect((await call(plain.key, 'GET', '/api/templates')).statusCode).toBe(200);
    expect((await call(plain.key, 'GET', '/api/api-keys')).json().code).toBe('insufficient_scope');
    expect((await call(plain.key, 'GET', '/api/jobs/webhook-secret')).json().code).toBe('insufficient_scope');
    const manager = await keyWith(['keys', 'read']);
    const child = await call(manager.key, 'POST', '/api/api-keys', { name: 'child', scopes: ['read'] });
    expect(child.statusCode, child.body).toBe(201);
    const wider = await call(manager.key, 'POST', '/api/api-keys', { name: 'wider', scopes: ['write'] });
    expect([wider.statusCode, wider.json().code]).toEqual([403, 'insufficient_scope']);
    const list = await call(manager.key, 'GET', '/api/api-keys');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.find((k: { name: string }) => k.name === 'child').scopes).toEqual(['read']);
  });

  it('refusals with credentials and document downloads are in the audit log', async () => {
    const { key } = await keyWith(['generate']);
    const refused = await call(key, 'GET', `/api/templates/${templateId}`);
    expect(refused.statusCode).toBe(403);
    const denied = (await api().services.repos.auditLogs.listByRequest(String(refused.headers['x-request-id'])))[0];
    expect(denied).toMatchObject({ action: 'access.denied', actorId: ada.id, resourceType: 'templates', resourceId: templateId });
    expect(denied.details).toMatchObject({ status: 403, code: 'insufficient_scope', route: '/api/templates/:id', via: 'api_key' });
    // A bad token is recorded too (no actor: whose it is is unknown); a request without credentials is not.
    const bad = await api().app.inject({ method: 'GET', url: '/api/templates', headers: { authorization: 'Bearer not.a.token' } });
    expect((await api().services.repos.auditLogs.listByRequest(String(bad.headers['x-request-id'])))[0]).toMatchObject({
      action: 'access.denied',
      actorId: null,
      details: { status: 401, code: 'token_invalid' },
    });
    const anonymous = await api().app.inject({ method: 'GET', url: '/api/templates' });
    expect(await api().services.repos.auditLogs.listByRequest(String(anonymous.headers['x-request-id']))).toEqual([]);

    const pdf = await api().app.inject({ method: 'GET', url: `/api/templates/${templateId}/pdf`, headers: ada.headers });
    expect(pdf.statusCode).toBe(200);
    expect((await api().services.repos.auditLogs.listByRequest(String(pdf.headers['x-request-id'])))[0]).toMatchObject({
      action: 'templates.download',
      actorId: ada.id,
      resourceId: templateId,
    });
  });

  it('an unknown scope is a 400 naming it', async () => {
    const res = await api().app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: ada.headers,
      payload: { name: 'x', scopes: ['admin'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('scopes');
  });
});
