import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { RefreshToken } from '@/generated/prisma/client.js';
import { getConfig } from '@/shared/config/index.js';
import { AppError } from '@/shared/errors.js';
import { assertId, mapWriteErrors, PrismaRepository } from './repository.js';

export type PublicRefreshToken = Omit<RefreshToken, 'tokenHash'>;

/** 401s of the refresh flow; `refresh_token_reused` means the whole family has just been revoked. */
export class RefreshTokenError extends AppError {
  constructor(code: 'invalid_refresh_token' | 'refresh_token_expired' | 'refresh_token_reused', message: string) {
    super(code, message);
  }
}

/** Tokens are 256-bit random strings: SHA-256 suffices and keeps lookup an indexed equality. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const OMIT_HASH = { tokenHash: true } as const;

/** How long after its rotation a refresh token may be presented again by a concurrent refresh. */
export const ROTATION_GRACE_MS = 10_000;

/**
 * Refresh tokens with rotation and reuse detection: every refresh consumes the presented token and
 * issues its successor in the same family. Presenting a consumed (or revoked) token again means it
 * was stolen or replayed, so the whole family is revoked and the user must log in again.
 */
export class RefreshTokensRepository extends PrismaRepository {
  /** A new token (a new family unless `familyId` is given). The plaintext is returned only here. */
  async issue(opts: {
    userId: string;
    familyId?: string;
    ttlSeconds?: number;
    now?: Date;
  }): Promise<{ token: string; record: PublicRefreshToken }> {
    assertId('User', opts.userId);
    const now = opts.now ?? new Date();
    const token = randomBytes(32).toString('base64url');
    const ttl = opts.ttlSeconds ?? getConfig().auth.refreshTtlSeconds;
    const record = await mapWriteErrors('User', opts.userId, () =>
      this.db.refreshToken.create({
        data: {
          userId: opts.userId,
          familyId: opts.familyId ?? randomUUID(),
          tokenHash: hashRefreshToken(token),
          expiresAt: new Date(now.getTime() + ttl * 1000),
        },
        omit: OMIT_HASH,
      }),
    );
    return { token, record };
  }

  /**
   * Consumes `token` and returns its successor. Throws RefreshTokenError: unknown token
   * (`invalid_refresh_token`), expired (`refresh_token_expired`), or already used/revoked
   * (`refresh_token_reused`, after revoking the family). Two concurrent rotations of the same token:
   * one wins, the other is treated as reuse.
   */
  async rotate(
    token: string,
    opts: { ttlSeconds?: number; now?: Date } = {},
  ): Promise<{ token: string; record: PublicRefreshToken; userId: string }> {
    const now = opts.now ?? new Date();
    const current = await this.db.refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(token) } });
    if (!current) throw new RefreshTokenError('invalid_refresh_token', 'Unknown refresh token');
    if (current.revokedAt) {
      const sibling = await this.concurrentRotation(current, opts.ttlSeconds, now);
      if (sibling) return sibling;
      await this.revokeFamily(current.familyId, now);
      throw new RefreshTokenError('refresh_token_reused', 'Refresh token reuse detected; all sessions of this login were revoked');
    }
    if (current.expiresAt <= now) throw new RefreshTokenError('refresh_token_expired', 'Refresh token expired');

    const next = randomBytes(32).toString('base64url');
    const ttl = opts.ttlSeconds ?? getConfig().auth.refreshTtlSeconds;
    const nextId = randomUUID();
    // Consume and replace atomically; the conditional update is what makes a concurrent second
    // rotation lose. Revoking the family happens outside, so it is not rolled back.
    const record = await this.db.$transaction(async (tx) => {
      const { count } = await tx.refreshToken.updateMany({
        where: { id: current.id, revokedAt: null },
        data: { revokedAt: now, replacedById: nextId },
      });
      if (count === 0) return null;
      return tx.refreshToken.create({
        data: {
          id: nextId,
          userId: current.userId,
          familyId: current.familyId,
          tokenHash: hashRefreshToken(next),
          expiresAt: new Date(now.getTime() + ttl * 1000),
        },
        omit: OMIT_HASH,
      });
    });
    if (!record) {
      // Lost the race to a concurrent rotation of the same token.
      const after = await this.db.refreshToken.findUnique({ where: { id: current.id } });
      const sibling = after ? await this.concurrentRotation(after, opts.ttlSeconds, now) : undefined;
      if (sibling) return sibling;
      await this.revokeFamily(current.familyId, now);
      throw new RefreshTokenError('refresh_token_reused', 'Refresh token reuse detected; all sessions of this login were revoked');
    }
    return { token: next, record, userId: current.userId };
  }

  /**
   * Two tabs (or a retried request) refreshing the same token at once: the later one gets a sibling
   * in the same family instead of logging the user out. Only within ROTATION_GRACE_MS of the
   * rotation and while the token it was replaced by is unused and live — a replay after the
   * legitimate client moved on, or later, is reuse.
   */
  private async concurrentRotation(
    consumed: RefreshToken,
    ttlSeconds: number | undefined,
    now: Date,
  ): Promise<{ token: string; record: PublicRefreshToken; userId: string } | undefined> {
    if (!consumed.revokedAt || !consumed.replacedById || now.getTime() - consumed.revokedAt.getTime() > ROTATION_GRACE_MS) return undefined;
    const successor = await this.db.refreshToken.findFirst({
      where: { id: consumed.replacedById, revokedAt: null, expiresAt: { gt: now } },
      select: { id: true },
    });
    if (!successor) return undefined;
    const sibling = await this.issue({ userId: consumed.userId, familyId: consumed.familyId, ttlSeconds, now });
    return { ...sibling, userId: consumed.userId };
  }

  /**
   * Whether the session is live: a token of the family is neither revoked nor expired (and its
   * user exists: deleting a user deletes their tokens). Access tokens carry their family.
   */
  async isFamilyLive(familyId: string, now = new Date()): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/i.test(familyId)) return false;
    const live = await this.db.refreshToken.findFirst({
      where: { familyId, revokedAt: null, expiresAt: { gt: now } },
      select: { id: true },
    });
    return live !== null;
  }

  /** Revokes every live token of the family (logout, reuse). Returns how many were live. */
  async revokeFamily(familyId: string, now = new Date()): Promise<number> {
    assertId('RefreshTokenFamily', familyId);
    return (await this.db.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: now } })).count;
  }

  /** Logout: revokes the family of this token. Returns its user and family, or null for an unknown token. */
  async revokeByToken(token: string, now = new Date()): Promise<{ userId: string; familyId: string } | null> {
    const current = await this.db.refreshToken.findUnique({
      where: { tokenHash: hashRefreshToken(token) },
      select: { familyId: true, userId: true },
    });
    if (!current) return null;
    await this.revokeFamily(current.familyId, now);
    return current;
  }

  /** Revokes all of a user's tokens (password change, "log out everywhere"). */
  async revokeAllForUser(userId: string, now = new Date()): Promise<number> {
    assertId('User', userId);
    return (await this.db.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } })).count;
  }

  async listFamily(familyId: string): Promise<PublicRefreshToken[]> {
    assertId('RefreshTokenFamily', familyId);
    return this.db.refreshToken.findMany({ where: { familyId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], omit: OMIT_HASH });
  }

  /** Deletes tokens expired before `before` (housekeeping). */
  async deleteExpired(before = new Date()): Promise<number> {
    return (await this.db.refreshToken.deleteMany({ where: { expiresAt: { lt: before } } })).count;
  }
}
