import { createHash } from 'node:crypto';
import { PrismaRepository } from './repository.js';

/**
 * Failed sign-ins per email and the addresses each account signed in from: what per-account login
 * throttling needs across processes (Lambda instances share nothing else). Emails are stored
 * hashed, and for unknown emails too, so the table reveals no accounts.
 */

/** How many addresses per account are remembered (the most recent). */
export const KNOWN_ADDRESSES_PER_USER = 20;

export function emailKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex');
}

export class LoginThrottlesRepository extends PrismaRepository {
  async get(email: string): Promise<{ failures: number; lastFailureAt: Date } | null> {
    return this.db.loginThrottle.findUnique({ where: { emailKey: emailKey(email) }, select: { failures: true, lastFailureAt: true } });
  }

  /** Counts one more failure (atomically: concurrent failures all count). */
  async recordFailure(email: string, at = new Date()): Promise<number> {
    const key = emailKey(email);
    const row = await this.db.loginThrottle.upsert({
      where: { emailKey: key },
      create: { emailKey: key, failures: 1, lastFailureAt: at },
      update: { failures: { increment: 1 }, lastFailureAt: at },
      select: { failures: true },
    });
    return row.failures;
  }

  /** A successful sign-in: the failures are forgotten and the address remembered. */
  async recordSuccess(email: string, userId: string, address: string, at = new Date()): Promise<void> {
    await this.db.$transaction([
      this.db.loginThrottle.deleteMany({ where: { emailKey: emailKey(email) } }),
      this.db.loginAddress.upsert({
        where: { userId_address: { userId, address } },
        create: { userId, address, lastSuccessAt: at },
        update: { lastSuccessAt: at },
      }),
    ]);
    const stale = await this.db.loginAddress.findMany({
      where: { userId },
      orderBy: { lastSuccessAt: 'desc' },
      skip: KNOWN_ADDRESSES_PER_USER,
      select: { address: true },
    });
    if (stale.length > 0) await this.db.loginAddress.deleteMany({ where: { userId, address: { in: stale.map((s) => s.address) } } });
  }

  async isKnownAddress(userId: string, address: string): Promise<boolean> {
    return (await this.db.loginAddress.findUnique({ where: { userId_address: { userId, address } }, select: { userId: true } })) !== null;
  }

  /** Account deletion: the failure count kept for its email. */
  async forget(email: string): Promise<void> {
    await this.db.loginThrottle.deleteMany({ where: { emailKey: emailKey(email) } });
  }

  /** Housekeeping: throttles whose last failure is older than `before`. */
  async deleteStale(before: Date): Promise<number> {
    return (await this.db.loginThrottle.deleteMany({ where: { lastFailureAt: { lt: before } } })).count;
  }
}
