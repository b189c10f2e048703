import { PGlite } from '@electric-sql/pglite';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { servePGlite, type ServedPGlite } from '@/shared/database/prisma/embedded-postgres.js';
import { PgBossQueueDriver } from '@/shared/queue/index.js';
import { queueDriverContract } from './queue-contract.js';
import { eventually } from '../helpers/eventually.js';

/**
 * The embedded runtime's queue: pg-boss on PGlite served over a socket (the same servePGlite the
 * embedded database uses), in memory for this run. One connection, as createQueueDriver uses for
 * PGlite: pglite-socket 0.2.17 queues protocol messages one by one, so Parse/Bind/Execute of two
 * connections can interleave on PGlite's single session ("bind message supplies 6 parameters, but
 * prepared statement "" requires 2" was observed here with a pool of 2).
 */
let served: ServedPGlite | undefined;
let makeDriver: (() => Promise<PgBossQueueDriver>) | undefined;
const fast = { maxAttempts: 2, retryDelaySeconds: 1, visibilityTimeoutSeconds: 30 };

afterAll(async () => {
  await served?.stop();
});

queueDriverContract('PgBossQueueDriver on PGlite (embedded)', async () => {
  served = await servePGlite(await PGlite.create(), { migrate: false });
  const url = served.url;
  makeDriver = async () => {
    const d = new PgBossQueueDriver({
      connectionString: url,
      poolMax: 1,
      pollingIntervalSeconds: 0.5,
      policies: { 'pdf-generation': fast, 'file-processing': fast, cleanup: fast, 'email-notifications': fast },
    });
    await d.start();
    return d;
  };
  return { create: makeDriver };
});

describe('pg-boss on PGlite: latency', () => {
  it('measures the send → handler round trip', async () => {
    if (!makeDriver) throw new Error('contract setup did not run');
    const driver = await makeDriver();
    const received = new Map<string, number>();
    const stop = await driver.consume('email-notifications', async (m) => void received.set(m.body.subject, Date.now()));
    const samples: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const subject = `latency ${i} ${randomUUID()}`;
      const t0 = Date.now();
      await driver.send('email-notifications', { to: 'x@example.com', subject, text: '.' });
      await eventually(() => expect(received.has(subject)).toBe(true), { timeoutMs: 10_000, what: subject });
      samples.push((received.get(subject) ?? 0) - t0);
    }
    samples.sort((x, y) => x - y);
    console.log(`[pg-boss on PGlite] send → handler round trip over 20 messages: p50 ${samples[10]} ms, max ${samples[19]} ms`);
    expect(samples[10]).toBeLessThan(2000);
    await stop();
    await driver.close();
  });
});
