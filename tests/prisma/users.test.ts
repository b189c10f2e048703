import { expect, it } from 'vitest';
import { verifyPassword } from '@/shared/auth/password.js';
import { ConflictError, NotFoundError, ValidationError } from '@/shared/errors.js';
import { forEachPostgres } from '../helpers/postgres.js';

forEachPostgres('users repository', (db) => {
  it('creates a user with a profile (company, timezone, language, preferences) and never returns the hash', async () => {
    const user = await db().repos.users.create({
      email: 'User@Example.com',
      password: 'securepassword',
      name: 'John Doe',
      profile: { company: 'Acme Corp', timezone: 'America/New_York', language: 'en', preferences: { theme: 'dark' } },
    });
    expect(user.email).toBe('user@example.com');
    expect(user.role).toBe('user');
    expect(user.profile).toMatchObject({
      company: 'Acme Corp',
      timezone: 'America/New_York',
      language: 'en',
      preferences: { theme: 'dark' },
    });
    expect(user).not.toHaveProperty('passwordHash');
    expect(JSON.stringify(user)).not.toContain('scrypt');

    // The stored hash is a real scrypt hash of the password, not the password.
    const [row] = await db().prisma.$queryRaw<{ password_hash: string }[]>`SELECT password_hash FROM users WHERE id = ${user.id}::uuid`;
    expect(row.password_hash).toMatch(/^\$scrypt\$ln=\d+,r=8,p=1\$/);
    expect(row.password_hash).not.toContain('securepassword');
    expect(await verifyPassword('securepassword', row.password_hash)).toBe(true);
  });

  it('findByEmail with and without profile, case-insensitively; null when unknown', async () => {
    const withProfile = await db().repos.users.findByEmail('USER@example.com', true);
    expect(withProfile?.name).toBe('John Doe');
    expect(withProfile?.profile?.company).toBe('Acme Corp');
    expect(withProfile).not.toHaveProperty('passwordHash');
    const without = await db().repos.users.findByEmail('user@example.com');
    expect(without?.id).toBe(withProfile?.id);
    expect(without).not.toHaveProperty('profile');
    expect(without).not.toHaveProperty('passwordHash');
    expect(await db().repos.users.findByEmail('nobody@example.com')).toBeNull();
  });

  it('findForLogin is the only read that carries the hash', async () => {
    const login = await db().repos.users.findForLogin('user@example.com');
    expect(login).not.toBeNull();
    expect(await verifyPassword('securepassword', login!.passwordHash)).toBe(true);
    expect(await verifyPassword('wrong password', login!.passwordHash)).toBe(false);
    expect(login!.user).not.toHaveProperty('passwordHash');
    expect(await db().repos.users.findForLogin('nobody@example.com')).toBeNull();
  });

  it('rejects a duplicate email (any case) with ConflictError email_taken', async () => {
    const err = await db()
      .repos.users.create({ email: 'USER@EXAMPLE.COM', password: 'another-password' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ code: 'email_taken', status: 409 });
  });

  it('validates input with a typed error listing the problems', async () => {
    const err = await db()
      .repos.users.create({ email: 'not-an-email', password: 'short' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues.map((i) => i.path).sort()).toEqual(['email', 'password']);
  });

  it('unknown or malformed ids give NotFoundError', async () => {
    const users = db().repos.users;
    await expect(users.findById('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    await expect(users.findById('not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
    await expect(users.setRole('00000000-0000-4000-8000-000000000000', 'admin')).rejects.toBeInstanceOf(NotFoundError);
    await expect(users.updateProfile('00000000-0000-4000-8000-000000000000', { company: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists with case-insensitive search on email and name, total count, stable paging', async () => {
    const users = db().repos.users;
    const names = ['Johnny Walker', 'Mary Johnson', 'Alice Smith', 'Bob Stone', 'Eve Adams'];
    for (const [i, name] of names.entries()) {
      await users.create({ email: `person${i}@list.test`, password: 'password-123', name });
    }
    await users.create({ email: 'john.doe2@list.test', password: 'password-123', name: 'Someone' });

    const john = await users.list({ page: 1, limit: 20, search: 'JOHN', includeProfile: true });
    // John Doe (name), Johnny Walker, Mary Johnson (names), john.doe2 (email)
    expect(john.total).toBe(4);
    expect(john.items.map((u) => u.email).sort()).toEqual([
      'john.doe2@list.test',
      'person0@list.test',
      'person1@list.test',
      'user@example.com',
    ]);
    expect(john.items.find((u) => u.email === 'user@example.com')?.profile?.company).toBe('Acme Corp');
    for (const u of john.items) expect(u).not.toHaveProperty('passwordHash');

    const all = await users.list({ limit: 100 });
    expect(all.total).toBe(7);
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const p = await users.list({ page, limit: 3 });
      expect(p.total).toBe(7);
      expect(p.totalPages).toBe(3);
      expect(p.hasMore).toBe(page < 3);
      seen.push(...p.items.map((u) => u.id));
    }
    expect(seen).toEqual(all.items.map((u) => u.id));
    expect(new Set(seen).size).toBe(7);
    // Newest first.
    const created = all.items.map((u) => u.createdAt.getTime());
    expect([...created].sort((a, b) => b - a)).toEqual(created);

    // LIKE wildcards in the search are literal.
    expect((await users.list({ search: '%' })).total).toBe(0);
    expect((await users.list({ search: '_' })).total).toBe(0);
  });

  it('refuses oversized or invalid page sizes with ValidationError', async () => {
    await expect(db().repos.users.list({ limit: 101 })).rejects.toBeInstanceOf(ValidationError);
    await expect(db().repos.users.list({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(db().repos.users.list({ page: 0 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('updateProfile creates or updates the profile; setRole; setPassword', async () => {
    const users = db().repos.users;
    const u = await users.create({ email: 'noprofile@example.com', password: 'password-123' });
    expect(u.profile).toBeNull();
    const p1 = await users.updateProfile(u.id, { company: 'Initech', preferences: { a: 1 } });
    expect(p1.profile).toMatchObject({ company: 'Initech', preferences: { a: 1 } });
    const p2 = await users.updateProfile(u.id, { timezone: 'Europe/Paris' });
    expect(p2.profile).toMatchObject({ company: 'Initech', timezone: 'Europe/Paris' });
    expect(p2).not.toHaveProperty('passwordHash');

    const admin = await users.setRole(u.id, 'admin');
    expect(admin.role).toBe('admin');
    expect(admin).not.toHaveProperty('passwordHash');
    expect((await users.list({ role: 'admin' })).items.map((x) => x.id)).toEqual([u.id]);

    await users.setPassword(u.id, 'a-new-password');
    const login = await users.findForLogin('noprofile@example.com');
    expect(await verifyPassword('a-new-password', login!.passwordHash)).toBe(true);
    expect(await verifyPassword('password-123', login!.passwordHash)).toBe(false);

    await users.delete(u.id);
    await expect(users.findById(u.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
