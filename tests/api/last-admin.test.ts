import { expect, it } from 'vitest';
import { setRoleByEmail } from '@/services/accounts/roles.js';
import { AppError } from '@/shared/errors.js';
import { forEachApi, registerUser, type TestApi, type TestUser } from '../helpers/api.js';

const PASSWORD = 'correct horse battery';

/** A registered account given the admin role, signed in again so its token carries the role. */
async function makeAdmin(api: TestApi, name: string): Promise<TestUser> {
  const user = await registerUser(api.app, name);
  await api.services.repos.users.setRole(user.id, 'admin');
  const login = await api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: PASSWORD } });
  expect(login.statusCode, login.body).toBe(200);
  return { ...user, accessToken: login.json().accessToken, headers: { authorization: `Bearer ${login.json().accessToken}` } };
}

forEachApi('the last administrator', (api) => {
  let first: TestUser;

  it('is not deleted by itself, by the admin route or demoted at the command line: 409 last_admin, nothing changed', async () => {
    const { app, services } = api();
    first = await makeAdmin(api(), 'only-admin');

    const self = await app.inject({ method: 'DELETE', url: '/api/profile', headers: first.headers, payload: { password: PASSWORD } });
    expect(self.statusCode, self.body).toBe(409);
    expect(self.json().code).toBe('last_admin');

    const byRoute = await app.inject({ method: 'DELETE', url: `/api/admin/users/${first.id}`, headers: first.headers });
    expect(byRoute.statusCode, byRoute.body).toBe(409);
    expect(byRoute.json().code).toBe('last_admin');

    const demoted = setRoleByEmail(services, first.email, 'user', 'cli');
    await expect(demoted).rejects.toBeInstanceOf(AppError);
    await expect(demoted).rejects.toMatchObject({ code: 'last_admin' });

    // Refused before anything was revoked: the session and the role are as they were.
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: first.headers });
    expect(me.statusCode).toBe(200);
    expect((await services.repos.users.findById(first.id)).role).toBe('admin');
    expect(await api().db.prisma.auditLog.count({ where: { action: 'account.deleted' } })).toBe(0);
  });

  it('with another administrator, either may go: the second is deleted, then the first deletes itself', async () => {
    const { app, services } = api();
    const second = await makeAdmin(api(), 'second-admin');
    const removed = await app.inject({ method: 'DELETE', url: `/api/admin/users/${second.id}`, headers: first.headers });
    expect(removed.statusCode, removed.body).toBe(202);

    // The second is going (its data in the background, not yet run here), so the first is the only one again.
    const again = await app.inject({ method: 'DELETE', url: '/api/profile', headers: first.headers, payload: { password: PASSWORD } });
    expect(again.statusCode).toBe(409);

    const third = await makeAdmin(api(), 'third-admin');
    const { previous } = await setRoleByEmail(services, third.email, 'admin', 'cli');
    expect(previous).toBe('admin');
    const self = await app.inject({ method: 'DELETE', url: '/api/profile', headers: first.headers, payload: { password: PASSWORD } });
    expect(self.statusCode, self.body).toBe(202);
    // Now the third is the last: demoting it is refused, a plain user is unaffected by the rule.
    await expect(setRoleByEmail(services, third.email, 'user', 'cli')).rejects.toMatchObject({ code: 'last_admin' });
    const plain = await registerUser(app, 'plain');
    const gone = await app.inject({ method: 'DELETE', url: '/api/profile', headers: plain.headers, payload: { password: PASSWORD } });
    expect(gone.statusCode, gone.body).toBe(202);
  });
});
