import type { Deps } from '@/services/context.js';
import type { PublicUser } from '@/shared/database/prisma/users-repository.js';

/**
 * Whether an access token's session is still live, checked on every request so a token stops
 * working at logout, at "log out everywhere", at a password change and when its refresh-token
 * family is revoked for reuse — not only when it expires. The answer is cached per process for a
 * few seconds (one indexed lookup per session per window, not per request); this process forgets
 * a session at once when it ends it, other processes within SESSION_CHECK_CACHE_MS.
 */
export const SESSION_CHECK_CACHE_MS = 5_000;
const MAX_CACHED = 10_000;

export class SessionCheck {
  private readonly live = new Map<string, number>();

  constructor(private readonly services: Deps<'repos'>) {}

  async isLive(sessionId: string, now = Date.now()): Promise<boolean> {
    const until = this.live.get(sessionId);
    if (until !== undefined && until > now) return true;
    const ok = await this.services.repos.refreshTokens.isFamilyLive(sessionId);
    if (ok) {
      if (this.live.size >= MAX_CACHED) this.live.clear();
      this.live.set(sessionId, now + SESSION_CHECK_CACHE_MS);
    } else this.live.delete(sessionId);
    return ok;
  }

  /** Forget sessions this process has just ended (the next request checks the database). */
  forget(...sessionIds: (string | null | undefined)[]): void {
    for (const id of sessionIds) if (id) this.live.delete(id);
  }

  forgetAll(): void {
    this.live.clear();
  }
}

/** A new session for the user: a new refresh-token family and an access token bound to it. */
export async function startSession(services: Deps<'repos' | 'tokens' | 'config'>, user: PublicUser) {
  const refresh = await services.repos.refreshTokens.issue({ userId: user.id, ttlSeconds: services.config.auth.refreshTtlSeconds });
  const access = await services.tokens.sign({ userId: user.id, role: user.role, email: user.email, sessionId: refresh.record.familyId });
  return { user, accessToken: access.token, refreshToken: refresh.token, expiresIn: access.expiresIn };
}
