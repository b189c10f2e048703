import type { Deps } from '@/services/context.js';
import { AppError } from '@/shared/errors.js';

/**
 * Per-account login throttling, beside the per-address rate limit: guesses at one account from
 * many addresses are slowed down as much as from one. After FREE_FAILURES failed sign-ins for an
 * email, each further attempt must wait twice as long as the one before (1 s, 2 s, 4 s, … up to
 * 15 min) — except from an address the account has signed in from before, so the owner still gets
 * in while an attacker floods from elsewhere. Unknown emails are throttled alike, so the answer
 * reveals no accounts; a successful sign-in clears the count.
 */
export const LOGIN_THROTTLE = { freeFailures: 5, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000 } as const;

/** Milliseconds until the next attempt is allowed (0: now). */
export function loginWaitMs(state: { failures: number; lastFailureAt: Date } | null, now = Date.now()): number {
  if (!state || state.failures < LOGIN_THROTTLE.freeFailures) return 0;
  const delay = Math.min(LOGIN_THROTTLE.maxDelayMs, LOGIN_THROTTLE.baseDelayMs * 2 ** (state.failures - LOGIN_THROTTLE.freeFailures));
  return Math.max(0, state.lastFailureAt.getTime() + delay - now);
}

export class LoginThrottledError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('login_throttled', `Too many failed sign-ins for this account; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

/** Throws LoginThrottledError when this attempt must wait (checked before the password is). */
export async function checkLoginThrottle(
  services: Deps<'repos'>,
  email: string,
  userId: string | undefined,
  address: string,
): Promise<void> {
  const wait = loginWaitMs(await services.repos.loginThrottles.get(email));
  if (wait === 0) return;
  if (userId && (await services.repos.loginThrottles.isKnownAddress(userId, address))) return;
  throw new LoginThrottledError(Math.ceil(wait / 1000));
}
