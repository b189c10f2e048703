import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { NO_NUL_MESSAGE, noNul } from '@/shared/validation/json-bounds.js';
import type { ApiKey } from '@/generated/prisma/client.js';
import { NotFoundError } from '@/shared/errors.js';
import { assertId, mapWriteErrors, parseInput, PrismaRepository } from './repository.js';

/** An API key record as it leaves the repository (the hash stays inside). */
export type PublicApiKey = Omit<ApiKey, 'keyHash'>;

export const API_KEY_PREFIX = 'pds_';
const PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

/**
 * SHA-256, not a slow KDF: API keys are 256-bit random secrets (nothing to brute-force), and the
 * lookup must be an indexed equality on every request.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export const createApiKeySchema = z.object({
  userId: z.uuid(),
  name: z.string().trim().min(1).max(100).refine(noNul, NO_NUL_MESSAGE),
  scopes: z.array(z.string().min(1).max(64)).max(50).default([]),
  expiresAt: z.date().nullish(),
});
export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

const OMIT_HASH = { keyHash: true } as const;

export class ApiKeysRepository extends PrismaRepository {
  /** Creates a key. The plaintext `key` is returned only here, once; only its hash is stored. */
  async create(input: CreateApiKeyInput): Promise<{ apiKey: PublicApiKey; key: string }> {
    const data = parseInput(createApiKeySchema, input, 'Invalid API key');
    const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const apiKey = await mapWriteErrors('User', data.userId, () =>
      this.db.apiKey.create({ data: { ...data, prefix: key.slice(0, PREFIX_LENGTH), keyHash: hashApiKey(key) }, omit: OMIT_HASH }),
    );
    return { apiKey, key };
  }

  /** The key with this hash if it is neither revoked nor expired, else null. */
  async findActiveByHash(keyHash: string, now = new Date()): Promise<PublicApiKey | null> {
    return this.db.apiKey.findFirst({
      where: { keyHash, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      omit: OMIT_HASH,
    });
  }

  /** Convenience for the auth layer: hashes the presented key and looks it up. */
  findActiveByKey(key: string, now = new Date()): Promise<PublicApiKey | null> {
    return this.findActiveByHash(hashApiKey(key), now);
  }

  /** Records use. The auth layer awaits it, so the key's lastUsedAt is set once the request is answered. */
  async touch(id: string, at = new Date()): Promise<void> {
    assertId('ApiKey', id);
    await this.db.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }

  /** The user's keys, newest first, revoked ones included (they show as revoked). */
  async list(userId: string): Promise<PublicApiKey[]> {
    assertId('User', userId);
    return this.db.apiKey.findMany({ where: { userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], omit: OMIT_HASH, take: 500 });
  }

  /** Revokes the user's key (idempotent: revoking twice keeps the first time). */
  async revoke(userId: string, id: string): Promise<PublicApiKey> {
    assertId('ApiKey', id);
    assertId('ApiKey', userId);
    await this.db.apiKey.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } });
    const key = await this.db.apiKey.findFirst({ where: { id, userId }, omit: OMIT_HASH });
    if (!key) throw new NotFoundError('ApiKey', id);
    return key;
  }

  /** Account deletion: every live key of the user stops working at once. Returns how many were live. */
  async revokeAllForUser(userId: string, at = new Date()): Promise<number> {
    assertId('User', userId);
    return (await this.db.apiKey.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: at } })).count;
  }
}
