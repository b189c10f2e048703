import { createHash } from 'node:crypto';
import { expect, it, vi } from 'vitest';
import { NotFoundError, ValidationError } from '@/shared/errors.js';
import { RefreshTokenError, ROTATION_GRACE_MS } from '@/shared/database/prisma/refresh-tokens-repository.js';
import { forEachPostgres } from '../helpers/postgres.js';

forEachPostgres('API keys, refresh tokens and audit logs', (db) => {
  let alice = '';
  let bob = '';

  it('API keys: plaintext once, only the SHA-256 stored, lookup by hash, revoke, expiry', async () => {
    alice = (await db().repos.users.create({ email: 'alice@auth.test', password: 'password-123' })).id;
    bob = (await db().repos.users.create({ email: 'bob@auth.test', password: 'password-123' })).id;
    const keys = db().repos.apiKeys;
    const { apiKey, key } = await keys.create({ userId: alice, name: 'CI', scopes: ['templates:read', 'pdf:generate'] });
    expect(key).toMatch(/^pds_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).not.toHaveProperty('keyHash');
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    const [row] = await db().prisma.$queryRaw<{ key_hash: string }[]>`SELECT key_hash FROM api_keys WHERE id = ${apiKey.id}::uuid`;
    expect(row.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
    const all = await db().prisma.$queryRaw<{ t: string }[]>`SELECT row_to_json(k)::text AS t FROM api_keys k`;
    expect(all.map((r) => r.t).join()).not.toContain(key.slice(8));

    const found = await keys.findActiveByHash(row.key_hash);
    expect(found?.id).toBe(apiKey.id);
    expect(found?.scopes).toEqual(['templates:read', 'pdf:generate']);
    expect(found).not.toHaveProperty('keyHash');
    expect((await keys.findActiveByKey(key))?.userId).toBe(alice);
    expect(await keys.findActiveByKey(`${key}x`)).toBeNull();
    await keys.touch(apiKey.id);
    expect((await keys.list(alice))[0].lastUsedAt).toBeInstanceOf(Date);

    await expect(keys.revoke(bob, apiKey.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await keys.findActiveByKey(key)).not.toBeNull();
    const revoked = await keys.revoke(alice, apiKey.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await keys.findActiveByKey(key)).toBeNull();
    expect((await keys.revoke(alice, apiKey.id)).revokedAt?.getTime()).toBe(revoked.revokedAt?.getTime());

    const expiring = await keys.create({ userId: alice, name: 'temp', expiresAt: new Date(Date.now() + 60_000) });
    expect(await keys.findActiveByKey(expiring.key)).not.toBeNull();
    expect(await keys.findActiveByKey(expiring.key, new Date(Date.now() + 120_000))).toBeNull();
    expect((await keys.list(alice)).map((k) => k.name)).toEqual(['temp', 'CI']);
    expect(await keys.list(bob)).toEqual([]);
    await expect(keys.create({ userId: alice, name: '' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('refresh tokens rotate; reusing a consumed token revokes the whole family', async () => {
    const tokens = db().repos.refreshTokens;
    const first = await tokens.issue({ userId: alice, ttlSeconds: 3600 });
    expect(first.record).not.toHaveProperty('tokenHash');
    const second = await tokens.rotate(first.token);
    expect(second.userId).toBe(alice);
    expect(second.record.familyId).toBe(first.record.familyId);
    const third = await tokens.rotate(second.token);
    const family = await tokens.listFamily(first.record.familyId);
    expect(family.map((t) => t.replacedById)).toEqual([second.record.id, third.record.id, null]);

    // A parallel login (other family) must survive the reuse below.
    const otherSession = await tokens.issue({ userId: alice, ttlSeconds: 3600 });

    // The attacker replays the first (consumed) token.
    const err = await tokens.rotate(first.token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefreshTokenError);
    expect(err).toMatchObject({ code: 'refresh_token_reused', status: 401 });
    // …so even the legitimate latest token is dead now.
    await expect(tokens.rotate(third.token)).rejects.toMatchObject({ code: 'refresh_token_reused' });
    expect((await tokens.listFamily(first.record.familyId)).every((t) => t.revokedAt !== null)).toBe(true);
    expect((await tokens.rotate(otherSession.token)).userId).toBe(alice);

    await expect(tokens.rotate('not-a-token')).rejects.toMatchObject({ code: 'invalid_refresh_token', status: 401 });
    const short = await tokens.issue({ userId: alice, ttlSeconds: 60 });
    await expect(tokens.rotate(short.token, { now: new Date(Date.now() + 61_000) })).rejects.toMatchObject({
      code: 'refresh_token_expired',
    });
  });

  it('concurrent rotations of one token (two tabs): both succeed in the same family, which stays live', async () => {
    const tokens = db().repos.refreshTokens;
    const t = await tokens.issue({ userId: bob, ttlSeconds: 3600 });
    const [a, b] = await Promise.all([tokens.rotate(t.token), tokens.rotate(t.token)]);
    expect(a.token).not.toBe(b.token);
    expect([a.record.familyId, b.record.familyId]).toEqual([t.record.familyId, t.record.familyId]);
    expect(await tokens.isFamilyLive(t.record.familyId)).toBe(true);
    expect((await tokens.rotate(a.token)).userId).toBe(bob);
    expect((await tokens.rotate(b.token)).userId).toBe(bob);
  });

  it('a consumed token presented after the grace period, or after its successor was used, is reuse', async () => {
    const tokens = db().repos.refreshTokens;
    const t = await tokens.issue({ userId: bob, ttlSeconds: 3600 });
    await tokens.rotate(t.token);
    const late = new Date(Date.now() + ROTATION_GRACE_MS + 1000);
    await expect(tokens.rotate(t.token, { now: late })).rejects.toMatchObject({ code: 'refresh_token_reused' });
    expect(await tokens.isFamilyLive(t.record.familyId)).toBe(false);

    const u = await tokens.issue({ userId: bob, ttlSeconds: 3600 });
    const next = await tokens.rotate(u.token);
    await tokens.rotate(next.token);
    await expect(tokens.rotate(u.token)).rejects.toMatchObject({ code: 'refresh_token_reused' });
    expect(await tokens.isFamilyLive(u.record.familyId)).toBe(false);
  });

  it('revokeByToken (logout) and revokeAllForUser', async () => {
    const tokens = db().repos.refreshTokens;
    const t = await tokens.issue({ userId: bob, ttlSeconds: 3600 });
    expect(await tokens.revokeByToken(t.token)).toMatchObject({ userId: bob, familyId: t.record.familyId });
    expect(await tokens.revokeByToken('unknown')).toBeNull();
    await expect(tokens.rotate(t.token)).rejects.toMatchObject({ code: 'refresh_token_reused' });
    await tokens.issue({ userId: bob, ttlSeconds: 3600 });
    expect(await tokens.revokeAllForUser(bob)).toBeGreaterThanOrEqual(1);
  });

  it('audit log: record, list by user (paged, newest first) and by resource', async () => {
    const audit = db().repos.auditLogs;
    for (let i = 0; i < 5; i++) {
      await audit.record({
        actorId: alice,
        action: 'template.update',
        resourceType: 'template',
        resourceId: 'tpl_1',
        requestId: `req-${i}`,
        ip: '127.0.0.1',
        userAgent: 'vitest',
        details: { i },
      });
    }
    await audit.record({ actorId: bob, action: 'file.upload', resourceType: 'file', resourceId: 'f1' });
    await audit.record({ action: 'cleanup.run', resourceType: 'system' });
    const page = await audit.listByUser(alice, { page: 1, limit: 3 });
    expect(page.total).toBe(5);
    expect(page.items.map((e) => (e.details as { i: number }).i)).toEqual([4, 3, 2]);
    expect((await audit.listByResource('template', 'tpl_1')).total).toBe(5);
    expect((await audit.listByResource('file', 'f1')).items[0].actorId).toBe(bob);
    expect(await audit.listByRequest('req-2')).toHaveLength(1);
    await expect(audit.record({ action: '', resourceType: 'x' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('audit entries recorded within one millisecond still list newest first, in the order they happened', async () => {
    // A fast machine records consecutive entries in the same millisecond (createdAt has ms
    // precision); the id, the tie-breaker, must then follow the order of recording, not chance.
    // The clock is frozen so every entry shares one createdAt.
    const audit = db().repos.auditLogs;
    const actorId = (await db().repos.users.create({ email: 'same-ms@auth.test', password: 'password-123' })).id;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      for (let i = 0; i < 6; i++) await audit.record({ actorId, action: 'template.update', resourceType: 'template', details: { i } });
    } finally {
      vi.useRealTimers();
    }
    const page = await audit.listByUser(actorId, { limit: 10 });
    expect(new Set(page.items.map((e) => e.createdAt.getTime())).size).toBe(1);
    expect(page.items.map((e) => (e.details as { i: number }).i)).toEqual([5, 4, 3, 2, 1, 0]);
  });
});
