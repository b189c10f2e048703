/**
 * /health answers from each dependency's latest check: a check runs at most once per
 * HEALTH_FRESH_MS (shared by concurrent probes), and while a newer one is in flight the previous
 * result answers, so a probe does not queue behind the work that keeps a dependency busy. A
 * dependency that fails is still reported: the first probe waits for its check, and a failure
 * seen by a refresh answers the next probe. The clock is injected; nothing here waits on time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@/api/app.js';
import { CachedCheck, HEALTH_FRESH_MS, type HealthCheck } from '@/api/health/routes.js';
import { loadConfig } from '@/shared/config/index.js';
import { eventually } from '../helpers/eventually.js';

/** A check whose runs are counted and settled by the test. */
function controlled(name = 'postgres') {
  const runs: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const check: HealthCheck = {
    name,
    driver: 'test',
    check: () => new Promise<void>((resolve, reject) => runs.push({ resolve, reject })),
  };
  return { check, runs };
}

describe('CachedCheck', () => {
  it('runs the check once for concurrent callers and reuses the result while it is fresh', async () => {
    let now = 0;
    const { check, runs } = controlled();
    const cached = new CachedCheck(check, () => now);
    const first = cached.result();
    const second = cached.result();
    expect(runs).toHaveLength(1);
    runs[0]!.resolve();
    expect(await first).toMatchObject({ status: 'ok', driver: 'test' });
    expect(await second).toMatchObject({ status: 'ok' });
    now = HEALTH_FRESH_MS - 1;
    expect(await cached.result()).toMatchObject({ status: 'ok' });
    expect(runs).toHaveLength(1);
  });

  it('answers with the previous result while a refresh is in flight, then reports the failure the refresh saw', async () => {
    let now = 0;
    const { check, runs } = controlled();
    const cached = new CachedCheck(check, () => now);
    const first = cached.result();
    runs[0]!.resolve();
    await first;

    now = HEALTH_FRESH_MS;
    // Stale: a refresh starts, and this probe does not wait for it.
    expect(cached.result()).toMatchObject({ status: 'ok' });
    expect(runs).toHaveLength(2);
    // Probes meanwhile share the refresh in flight.
    expect(cached.result()).toMatchObject({ status: 'ok' });
    expect(runs).toHaveLength(2);

    runs[1]!.reject(new Error('connection refused'));
    await new Promise((r) => setImmediate(r));
    expect(await cached.result()).toMatchObject({ status: 'error', error: 'connection refused' });
    expect(runs).toHaveLength(2);

    // And a recovery is seen by the next refresh.
    now = 2 * HEALTH_FRESH_MS;
    expect(await cached.result()).toMatchObject({ status: 'error' });
    runs[2]!.resolve();
    await new Promise((r) => setImmediate(r));
    expect(await cached.result()).toMatchObject({ status: 'ok' });
  });
});

describe('GET /health', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('the first probe waits for the checks: a failing dependency answers 503 with its error', async () => {
    const good = controlled('dynamodb');
    const bad = controlled('postgres');
    app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), checks: [good.check, bad.check], logger: false });
    const probe = app.inject({ method: 'GET', url: '/health' });
    await eventually(() => expect(bad.runs).toHaveLength(1), { what: 'the checks to start' });
    good.runs[0]!.resolve();
    bad.runs[0]!.reject(new Error('database is down'));
    const res = await probe;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      status: 'degraded',
      dependencies: { dynamodb: { status: 'ok' }, postgres: { status: 'error', error: 'database is down' } },
    });
  });
});
