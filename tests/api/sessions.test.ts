import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROTATION_GRACE_MS } from '@/shared/database/prisma/refresh-tokens-repository.js';
import { forEachApi, registerUser, type TestUser } from '../helpers/api.js';

/*
 * Access tokens end with their session: at logout, "log out everywhere", a password change, a
 * revoked family and a deleted user — not only at their expiry. Each of these answered 200 before
 * access tokens carried their session.
 */

const PASSWORD = 'correct horse battery';

forEachApi('sessions', (api) => {
  const me = (authorization: string) => api().app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization } });
  const login = (email: string, password = PASSWORD) =>
    api().app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  const bearer = (token: string) => `Bearer ${token}`;

  it('logout ends the access tokens of that session, not those of another', async () => {
    const ada = await registerUser(api().app, 'logout');
    const other = (await login(ada.email)).json();
    expect((await me(bearer(ada.accessToken))).statusCode).toBe(200);
    const out = await api().app.inject({ method: 'POST', url: '/api/auth/logout', payload: { refreshToken: ada.refreshToken } });
    expect(out.statusCode).toBe(204);
    const after = await me(bearer(ada.accessToken));
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('token_invalid');
    expect((await me(bearer(other.accessToken))).statusCode).toBe(200);
  });

  it('log out everywhere ends every session; API keys keep working', async () => {
    const ada = await registerUser(api().app, 'everywhere');
    const second = (await login(ada.email)).json();
    const key = (await api().app.inject({ method: 'POST', url: '/api/api-keys', headers: ada.headers, payload: { name: 'server' } })).json()
      .key;
    const res = await api().app.inject({ method: 'POST', url: '/api/auth/logout-all', headers: ada.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().revoked).toBe(2);
    expect((await me(bearer(ada.accessToken))).statusCode).toBe(401);
    expect((await me(bearer(second.accessToken))).statusCode).toBe(401);
    const refresh = await api().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: second.refreshToken } });
    expect(refresh.statusCode).toBe(401);
    expect((await api().app.inject({ method: 'GET', url: '/api/auth/me', headers: { 'x-api-key': key } })).statusCode).toBe(200);
    // An API key cannot end the user's sessions or change the password.
    const byKey = await api().app.inject({ method: 'POST', url: '/api/auth/logout-all', headers: { 'x-api-key': key } });
    expect([byKey.statusCode, byKey.json().code]).toEqual([403, 'forbidden']);
  });

  describe('changing the password', () => {
    let ada: TestUser;
    beforeAll(async () => {
      ada = await registerUser(api().app, 'password');
    });

    it('refuses a wrong current password and changes nothing', async () => {
      const res = await api().app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: ada.headers,
        payload: { currentPassword: 'not it at all', newPassword: 'another long secret' },
      });
      expect([res.statusCode, res.json().code]).toEqual([401, 'invalid_credentials']);
      expect((await me(bearer(ada.accessToken))).statusCode).toBe(200);
      expect((await login(ada.email)).statusCode).toBe(200);
    });

    it('sets the new one, ends every other session and answers a new one', async () => {
      const other = (await login(ada.email)).json();
      const res = await api().app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: ada.headers,
        payload: { currentPassword: PASSWORD, newPassword: 'another long secret' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect((await me(bearer(res.json().accessToken))).statusCode).toBe(200);
      expect((await me(bearer(ada.accessToken))).statusCode).toBe(401);
      expect((await me(bearer(other.accessToken))).statusCode).toBe(401);
      expect((await login(ada.email)).statusCode).toBe(401);
      expect((await login(ada.email, 'another long secret')).statusCode).toBe(200);
    });
  });

  it('two concurrent refreshes of one token both succeed; presenting it after the grace period revokes the family', async () => {
    const ada = await registerUser(api().app, 'concurrent');
    const refresh = () => api().app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: ada.refreshToken } });
    const [a, b] = await Promise.all([refresh(), refresh()]);
    expect([a.statusCode, b.statusCode], `${a.body} ${b.body}`).toEqual([200, 200]);
    for (const r of [a, b]) expect((await me(bearer(r.json().accessToken))).statusCode).toBe(200);
    // Later, the consumed token is a replay: the whole family ends.
    const tokens = api().services.repos.refreshTokens;
    const late = new Date(Date.now() + ROTATION_GRACE_MS + 1000);
    await expect(tokens.rotate(ada.refreshToken, { now: late })).rejects.toMatchObject({ code: 'refresh_token_reused' });
    api().app.sessions.forgetAll();
    expect((await me(bearer(a.json().accessToken))).statusCode).toBe(401);
    expect((await me(bearer(b.json().accessToken))).statusCode).toBe(401);
  });

  it('refuses access tokens without an expiry or a session, and those of a deleted user', async () => {
    const ada = await registerUser(api().app, 'claims');
    const key = new TextEncoder().encode(api().services.signingSecret);
    const base = () =>
      new SignJWT({ role: 'user', email: ada.email, typ: 'access', sid: '00000000-0000-7000-8000-000000000000' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(ada.id)
        .setIssuer('pdf-studio')
        .setAudience('pdf-studio-api')
        .setIssuedAt();
    const noExpiry = await base().sign(key);
    expect((await me(bearer(noExpiry))).json().code).toBe('token_invalid');
    const unknownSession = await base().setExpirationTime('5m').sign(key);
    expect((await me(bearer(unknownSession))).json().code).toBe('token_invalid');
    // The real token works until its user is deleted.
    expect((await me(bearer(ada.accessToken))).statusCode).toBe(200);
    await api().services.repos.users.delete(ada.id);
    api().app.sessions.forgetAll();
    expect((await me(bearer(ada.accessToken))).statusCode).toBe(401);
  });

  it('the request id is always the server’s own, never the client’s', async () => {
    const res = await api().app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'chosen-by-client-0001' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
