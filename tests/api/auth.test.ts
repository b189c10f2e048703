import { expect, it } from 'vitest';
import { buildApp } from '@/api/app.js';
import { forEachApi, registerUser } from '../helpers/api.js';

forEachApi('auth and account API', (api) => {
  it('registers, returns tokens and never the password hash', async () => {
    const res = await api().app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: {
        email: 'Ada@Example.com',
        password: 'correct horse battery',
        name: 'Ada',
        profile: { company: 'Acme', timezone: 'Europe/Paris', language: 'fr' },
      },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toMatchObject({
      email: 'ada@example.com',
      name: 'Ada',
      role: 'user',
      profile: { company: 'Acme', timezone: 'Europe/Paris', language: 'fr' },
    });
    expect(body.accessToken.split('.')).toHaveLength(3);
    expect(res.body).not.toMatch(/password|scrypt/i);
    const dup = await api().app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'ada@example.com', password: 'another password', name: 'Eve' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.headers['content-type']).toContain('application/problem+json');
    expect(dup.json().code).toBe('email_taken');
  });

  it('rejects bad registration input with every field error', async () => {
    const res = await api().app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'not-an-email', password: 'short', profile: { timezone: 'Mars/Olympus' } },
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.password', 'body.name', 'body.profile.timezone']));
  });

  it('logs in, rejects wrong passwords and unknown emails alike', async () => {
    const u = await registerUser(api().app, 'login');
    const ok = await api().app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: u.email.toUpperCase(), password: 'correct horse battery' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.id).toBe(u.id);
    const wrong = await api().app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: u.email, password: 'wrong password' },
    });
    const unknown = await api().app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'nobody@example.com', password: 'wrong password' },
    });
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrong.json().code).toBe('invalid_credentials');
    expect(unknown.json().code).toBe('invalid_credentials');
  });

  it('me requires a valid token', async () => {
    const u = await registerUser(api().app, 'me');
    const me = await api().app.inject({ method: 'GET', url: '/api/auth/me', headers: u.headers });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe(u.email);
    expect((await api().app.inject({ method: 'GET', url: '/api/auth/me' })).json().code).toBe('unauthorized');
    // Change a character well inside the signature (the last one may only carry padding bits).
    const sigStart = u.accessToken.lastIndexOf('.') + 5;
    const tampered = u.accessToken.slice(0, sigStart) + (u.accessToken[sigStart] === 'x' ? 'y' : 'x') + u.accessToken.slice(sigStart + 1);
    const bad = await api().app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${tampered}` } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('token_invalid');
  });

  it('rotates refresh tokens and detects reuse', async () => {
    const u = await registerUser(api().app, 'refresh');
    const first = await api().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: u.refreshToken } });
    expect(first.statusCode).toBe(200);
    const next = first.json().refreshToken;
    expect(next).not.toBe(u.refreshToken);
    // The client moves on with its new token; the old one presented again is a replay.
    const moved = await api().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: next } });
    expect(moved.statusCode).toBe(200);
    const latest = moved.json().refreshToken;
    const replay = await api().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: u.refreshToken } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('refresh_token_reused');
    // Reuse revoked the whole family, including the token issued by the legitimate rotation.
    const after = await api().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: latest } });
    expect(after.statusCode).toBe(401);
  });

  it('logout revokes the session', async () => {
    const u = await registerUser(api().app, 'logout');
    expect(
      (await api().app.inject({ method: 'POST', url: '/api/auth/logout', payload: { refreshToken: u.refreshToken } })).statusCode,
    ).toBe(204);
    const res = await api().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: u.refreshToken } });
    expect(res.statusCode).toBe(401);
  });

  it('updates the profile', async () => {
    const u = await registerUser(api().app, 'profile');
    const res = await api().app.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: u.headers,
      payload: { name: 'New Name', company: 'Globex', preferences: { theme: 'dark' } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ name: 'New Name', profile: { company: 'Globex', preferences: { theme: 'dark' } } });
    const bad = await api().app.inject({
      method: 'PATCH',
      url: '/api/profile',
      headers: u.headers,
      payload: { timezone: 'Nowhere/Never' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('API keys: shown once, authenticate, list without secret, revoke', async () => {
    const u = await registerUser(api().app, 'keys');
    const created = await api().app.inject({ method: 'POST', url: '/api/api-keys', headers: u.headers, payload: { name: 'server' } });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json();
    expect(key).toMatch(/^pds_/);
    const me = await api().app.inject({ method: 'GET', url: '/api/auth/me', headers: { 'x-api-key': key } });
    expect(me.json().user.id).toBe(u.id);
    const list = await api().app.inject({ method: 'GET', url: '/api/api-keys', headers: u.headers });
    expect(list.json().items).toHaveLength(1);
    expect(list.body).not.toContain(key);
    const other = await registerUser(api().app, 'other');
    expect((await api().app.inject({ method: 'DELETE', url: `/api/api-keys/${id}`, headers: other.headers })).statusCode).toBe(404);
    expect((await api().app.inject({ method: 'DELETE', url: `/api/api-keys/${id}`, headers: u.headers })).statusCode).toBe(204);
    const after = await api().app.inject({ method: 'GET', url: '/api/auth/me', headers: { 'x-api-key': key } });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('api_key_invalid');
  });

  it("an API key's lastUsedAt is recorded by the time the request using it is answered, even when the write is slow", async () => {
    // The same services, with the lastUsedAt write taking 300 ms (a loaded database): a write left
    // running after the reply (fire-and-forget) would show up here as lastUsedAt null.
    const { services } = api();
    const apiKeys = new Proxy(services.repos.apiKeys, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (prop !== 'touch') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: Parameters<typeof target.touch>) => {
          await new Promise((r) => setTimeout(r, 300));
          return target.touch(...args);
        };
      },
    });
    const app = await buildApp({
      config: services.config,
      checks: [],
      services: { ...services, repos: { ...services.repos, apiKeys } },
      logger: false,
    });
    try {
      const u = await registerUser(app, 'touch');
      const created = await app.inject({ method: 'POST', url: '/api/api-keys', headers: u.headers, payload: { name: 'server' } });
      expect(created.statusCode, created.body).toBe(201);
      const before = Date.now();
      expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { 'x-api-key': created.json().key } })).statusCode).toBe(200);
      const [listed] = (await app.inject({ method: 'GET', url: '/api/api-keys', headers: u.headers })).json().items;
      expect(listed.lastUsedAt).not.toBeNull();
      expect(new Date(listed.lastUsedAt).getTime()).toBeGreaterThanOrEqual(before);
    } finally {
      await app.close();
    }
  });

  it('admin users list is for admins only', async () => {
    const u = await registerUser(api().app, 'plain');
    expect((await api().app.inject({ method: 'GET', url: '/api/admin/users', headers: u.headers })).statusCode).toBe(403);
    const admin = await registerUser(api().app, 'boss');
    await api().services.repos.users.setRole(admin.id, 'admin');
    const login = await api().app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: admin.email, password: 'correct horse battery' },
    });
    const headers = { authorization: `Bearer ${login.json().accessToken}` };
    const res = await api().app.inject({ method: 'GET', url: '/api/admin/users?search=PLAIN&limit=5', headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((x: { id: string }) => x.id)).toContain(u.id);
    expect(res.json().total).toBeGreaterThanOrEqual(1);
  });

  it('audits every mutation and lists only the caller’s rows', async () => {
    const u = await registerUser(api().app, 'audited');
    await api().app.inject({ method: 'PATCH', url: '/api/profile', headers: u.headers, payload: { company: 'Initech' } });
    const res = await api().app.inject({ method: 'GET', url: '/api/audit-logs', headers: u.headers });
    const actions = res.json().items.map((x: { action: string }) => x.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.register', 'profile.update']));
    expect(res.json().items.every((x: { requestId: string | null }) => typeof x.requestId === 'string')).toBe(true);
    const other = await registerUser(api().app, 'snoop');
    const theirs = await api().app.inject({ method: 'GET', url: '/api/audit-logs', headers: other.headers });
    expect(theirs.json().items.map((x: { resourceId: string }) => x.resourceId)).not.toContain(u.id);
  });

  it('answers unknown routes and malformed JSON with problem+json', async () => {
    const nf = await api().app.inject({ method: 'GET', url: '/api/nope' });
    expect(nf.statusCode).toBe(404);
    expect(nf.json().code).toBe('route_not_found');
    const bad = await api().app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });
});
