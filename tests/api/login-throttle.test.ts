import { describe, expect, it } from 'vitest';
import { LOGIN_THROTTLE, loginWaitMs } from '@/services/accounts/login-throttle.js';
import { forEachApi, registerUser } from '../helpers/api.js';

/*
 * Per-account login throttling: guesses from many addresses are slowed like guesses from one,
 * the owner still signs in from an address they used before, and unknown emails answer alike.
 * Before it, every new source address got 20 more guesses a minute.
 */

const PASSWORD = 'correct horse battery';

describe('login wait', () => {
  it('is none for the first failures, then doubles from one second up to fifteen minutes', () => {
    const at = new Date(1_000_000);
    const wait = (failures: number) => loginWaitMs({ failures, lastFailureAt: at }, at.getTime());
    expect([0, 1, 4].map(wait)).toEqual([0, 0, 0]);
    expect([5, 6, 7, 8].map(wait)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(wait(40)).toBe(15 * 60_000);
    expect(loginWaitMs({ failures: 6, lastFailureAt: at }, at.getTime() + 1_500)).toBe(500);
    expect(loginWaitMs({ failures: 6, lastFailureAt: at }, at.getTime() + 5_000)).toBe(0);
  });
});

forEachApi('login throttling', (api) => {
  const login = (email: string, password: string, remoteAddress: string) =>
    api().app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress });
  const guesses = async (email: string, from: (i: number) => string) => {
    for (let i = 0; i < LOGIN_THROTTLE.freeFailures; i++) {
      const res = await login(email, `wrong guess ${i}`, from(i));
      expect(res.json().code).toBe('invalid_credentials');
    }
  };

  it('after a few failures from many addresses, a new address waits — even with the right password — and the owner’s known address does not', async () => {
    const ada = await registerUser(api().app, 'throttle');
    // The owner signed in from 10.9.0.1 before.
    expect((await login(ada.email, PASSWORD, '10.9.0.1')).statusCode).toBe(200);
    await guesses(ada.email, (i) => `10.1.0.${i + 1}`);

    const blocked = await login(ada.email, PASSWORD, '10.2.0.1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('login_throttled');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const guess = await login(ada.email, 'yet another guess', '10.2.0.2');
    expect(guess.json().code).toBe('login_throttled');

    expect((await login(ada.email, PASSWORD, '10.9.0.1')).statusCode).toBe(200);
  });

  it('the wait doubles with each failure, and a successful sign-in clears the count', async () => {
    const bob = await registerUser(api().app, 'throttle-wait');
    await guesses(bob.email, () => '10.3.0.1');
    // Past the free failures the first wait is one second.
    await new Promise((r) => setTimeout(r, LOGIN_THROTTLE.baseDelayMs + 100));
    expect((await login(bob.email, 'one more', '10.3.0.1')).json().code).toBe('invalid_credentials');
    const next = await login(bob.email, PASSWORD, '10.3.0.2');
    expect(next.json().code).toBe('login_throttled');
    // Two seconds from the last failure, less the time since (the exact doubling is checked below).
    expect(Number(next.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(next.headers['retry-after'])).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 2 * LOGIN_THROTTLE.baseDelayMs + 100));
    expect((await login(bob.email, PASSWORD, '10.3.0.2')).statusCode).toBe(200);
    expect((await login(bob.email, 'wrong again', '10.3.0.3')).json().code).toBe('invalid_credentials');
  });

  it('an email without an account is throttled alike, so the answer tells nothing', async () => {
    const email = `nobody-${Date.now()}@example.com`;
    await guesses(email, (i) => `10.4.0.${i + 1}`);
    expect((await login(email, PASSWORD, '10.5.0.1')).json().code).toBe('login_throttled');
  });

  it('failed sign-ins are audited against the account, with the address', async () => {
    const eve = await registerUser(api().app, 'throttle-audit');
    await login(eve.email, 'not the password', '10.6.0.7');
    const { items } = await api().services.repos.auditLogs.listByResource('user', eve.id);
    const failed = items.find((e) => e.action === 'auth.login_failed');
    expect(failed).toMatchObject({ actorId: null, ip: '10.6.0.7', details: { failures: 1 } });
  });
});
