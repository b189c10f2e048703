import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/shared/config/index.js';
import { createQueueDriver, PgBossQueueDriver, type QueueDriver } from '@/shared/queue/index.js';
import { drained, queueDriverContract } from './queue-contract.js';
import { eventually } from '../helpers/eventually.js';

/**
 * The embedded queue driver (pg-boss 10) on the real PostgreSQL at TEST_DATABASE_URL, in a schema
 * made for this run and dropped afterwards.
 */
const url = process.env.TEST_DATABASE_URL;
if (!url) console.warn('[tests/queue/pgboss] skipped: TEST_DATABASE_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)');

const schema = `pgboss_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const fast = {
  maxAttempts: 2,
  retryDelaySeconds: 1,
  visibilityTimeoutSeconds: 30,
};
const policies = { 'pdf-generation': fast, 'file-processing': fast, cleanup: fast, 'email-notifications': fast };
const make = (extra: Partial<ConstructorParameters<typeof PgBossQueueDriver>[0]> = {}) =>
  new PgBossQueueDriver({ connectionString: url ?? '', schema, policies, pollingIntervalSeconds: 0.5, cronCheckSeconds: 1, ...extra });

describe.skipIf(!url)('pg-boss driver on PostgreSQL', () => {
  afterAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  queueDriverContract('PgBossQueueDriver', async () => ({
    create: async () => {
      const d = make();
      await d.start();
      return d;
    },
  }));

  describe('pg-boss specifics', () => {
    let driver: PgBossQueueDriver;
    beforeAll(async () => {
      driver = make();
      await driver.start();
    });
    afterAll(async () => {
      await driver.close();
    });

    it('creates the four queues with their dead-letter queues and retry policy', async () => {
      const queues = await driver.boss.getQueues();
      const byName = new Map(queues.map((q) => [q.name, q]));
      for (const q of ['pdf-generation', 'file-processing', 'cleanup', 'email-notifications']) {
        expect(byName.get(q)).toMatchObject({
          deadLetter: `${q}-dlq`,
          retryLimit: 1,
          retryDelay: 1,
          retryBackoff: true,
          expireInSeconds: 20, // the default lease; the heartbeat renews it up to the 30 s visibility timeout
        });
        expect(byName.has(`${q}-dlq`)).toBe(true);
      }
    });

    it('deduplicates sends with the same deduplicationId', async () => {
      const key = `dedup-${randomUUID()}`;
      const first = await driver.send('file-processing', { fileId: key, userId: 'u' }, { deduplicationId: key });
      const second = await driver.send('file-processing', { fileId: key, userId: 'u' }, { deduplicationId: key });
      expect(first).toMatch(/^[0-9a-f-]{36}$/);
      expect(second).toBeNull();
      const seen: string[] = [];
      const stop = await driver.consume('file-processing', async (m) => void (m.body.fileId === key && seen.push(m.id)));
      await eventually(() => expect(seen).toHaveLength(1), { what: 'the delivery' });
      await drained(driver, 'file-processing', { fileId: key });
      expect(seen).toEqual([first]);
      await stop();
    });

    it('runs cron schedules for cleanup: one per queue, or several by key', async () => {
      const got: unknown[] = [];
      const stop = await driver.consume('cleanup', async (m) => void got.push(m.body));
      // '* * * * *' is due within the current minute, so pg-boss's cron check (every 1 s here) fires it at once.
      await driver.schedule('cleanup', '* * * * *', { action: 'cleanup_expired_pdfs', olderThanDays: 30 });
      await driver.schedule('cleanup', '* * * * *', { action: 'cleanup_orphaned_files', olderThanHours: 24 }, { key: 'orphans' });
      await driver.schedule('cleanup', '* * * * *', { action: 'integrity_check', repair: false }, { key: 'integrity' });
      expect((await driver.boss.getSchedules()).map((s) => s.name).sort()).toEqual([
        'cleanup',
        'cleanup.cron.integrity',
        'cleanup.cron.orphans',
      ]);
      await eventually(() => expect(got.length).toBeGreaterThanOrEqual(3), { timeoutMs: 40_000, what: 'the scheduled jobs' });
      expect(got).toEqual(
        expect.arrayContaining([
          { action: 'cleanup_expired_pdfs', olderThanDays: 30 },
          { action: 'cleanup_orphaned_files', olderThanHours: 24 },
          { action: 'integrity_check', repair: false },
        ]),
      );
      await expect(driver.schedule('cleanup', '* * * * *', { action: 'integrity_check' }, { key: 'Bad Key' })).rejects.toThrow(
        /invalid schedule key/,
      );
      await driver.unschedule('cleanup');
      await driver.unschedule('cleanup', { key: 'orphans' });
      await driver.unschedule('cleanup', { key: 'integrity' });
      expect(await driver.boss.getSchedules()).toEqual([]);
      await stop();
    });

    it('a delivery cut off by a graceful shutdown is retried by the next process', async () => {
      const a = make();
      const key = `cut-${randomUUID()}`;
      let started = false;
      await a.consume('pdf-generation', async (m) => {
        if (m.body.jobId !== key) return;
        started = true;
        await new Promise<never>(() => {}); // never finishes: the shutdown cuts it off
      });
      await a.send('pdf-generation', { templateId: 't', userId: 'u', payload: {}, jobId: key });
      await eventually(() => expect(started).toBe(true), { what: 'the first delivery' });
      // Stop pg-boss without waiting for the handler (what a SIGTERM'd process amounts to).
      await a.boss.stop({ graceful: false, wait: true, timeout: 1000 });
      const attempts: number[] = [];
      const stop = await driver.consume('pdf-generation', async (m) => void (m.body.jobId === key && attempts.push(m.attempt)));
      // Retried once its lease (20 s) runs out: nothing of the stopped process settles it.
      await eventually(() => expect(attempts).toHaveLength(1), { timeoutMs: 30_000, what: 'the retry in the next process' });
      expect(attempts).toEqual([2]);
      await stop();
    });

    it('a consumer drains a backlog without waiting a polling interval per message', async () => {
      // A 30 s polling interval: waiting it out after each message would leave 7 of these 8
      // unhandled for minutes; the loop must fetch again at once while it finds work.
      const slow = make({ pollingIntervalSeconds: 30 });
      const key = `drain-${randomUUID()}`;
      const seen = new Set<number>();
      try {
        await slow.start();
        const stop = await slow.consume('pdf-generation', async (m) => void (m.body.jobId === key && seen.add(m.body.recordIndex ?? -1)));
        await slow.sendBatch(
          'pdf-generation',
          Array.from({ length: 8 }, (_, i) => ({ templateId: 't', userId: 'u', payload: {}, jobId: key, recordIndex: i })),
        );
        await eventually(() => expect(seen.size).toBe(8), { what: 'all 8 messages' });
        await stop();
      } finally {
        await slow.close();
      }
    });

    it('recoverOrphans: a message a killed process left in flight is retried at once, then dead-lettered with the reason', async () => {
      // Its own schema: recoverOrphans fails every active message of the schema it runs on.
      const own = `${schema}_orphans`;
      const dead = make({ schema: own });
      const next = make({ schema: own });
      try {
        await dead.start();
        const key = `orphan-${randomUUID()}`;
        await dead.send('pdf-generation', { templateId: 't', userId: 'u', payload: {}, jobId: key });
        // Taken and never settled: what a consumer killed with SIGKILL leaves behind.
        const [taken] = await dead.boss.fetch<{ jobId: string }>('pdf-generation');
        expect(taken?.data.jobId).toBe(key);
        await next.start();
        expect(await next.recoverOrphans()).toBe(1);
        expect(await next.recoverOrphans()).toBe(0);
        // Retried (after the 1 s backoff), long before the 30 s visibility timeout, as attempt 2.
        let again: { data: { jobId: string }; retryCount: number } | undefined;
        await eventually(
          async () => {
            [again] = await next.boss.fetch<{ jobId: string }>('pdf-generation', { includeMetadata: true });
            expect(again).toBeDefined();
          },
          { timeoutMs: 15_000, what: 'the retry of the orphan' },
        );
        expect(again).toMatchObject({ data: { jobId: key }, retryCount: 1 });
        // A message this process took itself is not an orphan…
        expect(await next.recoverOrphans()).toBe(0);
        // …but for the process after it, it is: killed again on its last attempt, it is
        // dead-lettered with the reason kept, never looping.
        const third = make({ schema: own });
        await third.start();
        expect(await third.recoverOrphans()).toBe(1);
        await third.close();
        const letters = await next.peekDeadLetters('pdf-generation');
        expect(letters.map((l) => (l.body as { jobId: string }).jobId)).toEqual([key]);
        expect(letters[0]!.reason).toMatch(/orphaned/);
      } finally {
        await next.close();
        await dead.close();
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${own} CASCADE`);
        await client.end();
      }
    });

    describe('leases', () => {
      // Its own schema and a 2 s lease, so the expiry of a dead process's delivery is seen in seconds.
      const own = `${schema}_leases`;
      const lease = (extra: Partial<ConstructorParameters<typeof PgBossQueueDriver>[0]> = {}) =>
        make({ schema: own, leaseSeconds: 2, ...extra });
      afterAll(async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${own} CASCADE`);
        await client.end();
      });

      it('a delivery handled longer than its lease is renewed by the heartbeat, not delivered again', async () => {
        const d = lease();
        const deliveries: number[] = [];
        try {
          const stop = await d.consume('email-notifications', async (m) => {
            deliveries.push(m.attempt);
            await new Promise((r) => setTimeout(r, 6000)); // three leases long
          });
          await d.send('email-notifications', { to: 'x@example.com', subject: `long ${randomUUID()}`, text: '.' });
          await eventually(() => expect(deliveries).toHaveLength(1), { timeoutMs: 10_000, what: 'the first delivery' });
          // Settled once the handler returns, and never handed out again while it ran (or after).
          await eventually(async () => expect(await d.mayDeliver('email-notifications', {})).toBe(false), {
            timeoutMs: 15_000,
            what: 'the delivery to be completed',
          });
          await new Promise((r) => setTimeout(r, 2500));
          await stop();
          expect(deliveries).toEqual([1]);
        } finally {
          await d.close();
        }
      }, 30_000);

      it('a delivery of a process killed with SIGKILL is retried by a live process once its lease runs out', async () => {
        const subject = `killed ${randomUUID()}`;
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures/hold-delivery.ts')], {
          cwd: path.resolve(__dirname, '../..'),
          env: { ...process.env, QUEUE_TEST_URL: url, QUEUE_TEST_SCHEMA: own, QUEUE_TEST_LEASE_SECONDS: '2' },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
        const live = lease();
        try {
          await eventually(() => expect(out).toContain('ready'), { timeoutMs: 30_000, what: 'the child consumer' });
          await live.send('email-notifications', { to: 'x@example.com', subject, text: '.' });
          await eventually(() => expect(out).toContain(`holding ${subject}`), { timeoutMs: 15_000, what: 'the child to take it' });
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGKILL');
          await exited;
          const killedAt = Date.now();
          const seen: { attempt: number; at: number }[] = [];
          await live.consume('email-notifications', async (m) => {
            if (m.body.subject === subject) seen.push({ attempt: m.attempt, at: Date.now() });
          });
          // Before leases this waited out the 30 s visibility timeout of these test policies.
          await eventually(() => expect(seen).toHaveLength(1), {
            timeoutMs: 20_000,
            intervalMs: 100,
            what: 'the retry by the live process',
          });
          expect(seen[0]!.attempt).toBe(2);
          console.log(
            `[pg-boss] delivery of a killed process retried ${seen[0]!.at - killedAt} ms after the kill (2 s lease, 1 s backoff)`,
          );
        } finally {
          if (child.exitCode === null) child.kill('SIGKILL');
          await live.close();
        }
      }, 60_000);
    });

    it('measures the send → handler round trip, in-process and across processes', async () => {
      const received = new Map<string, number>();
      const stop = await driver.consume('email-notifications', async (m) => void received.set(m.body.subject, Date.now()));
      const other = make(); // a second instance stands for another process: it cannot wake our consumer
      const measure = async (sender: PgBossQueueDriver) => {
        const samples: number[] = [];
        for (let i = 0; i < 20; i += 1) {
          const subject = `latency ${i} ${randomUUID()}`;
          const t0 = Date.now();
          await sender.send('email-notifications', { to: 'x@example.com', subject, text: '.' });
          await eventually(() => expect(received.has(subject)).toBe(true), { timeoutMs: 10_000, what: subject });
          samples.push((received.get(subject) ?? 0) - t0);
        }
        samples.sort((x, y) => x - y);
        return { p50: samples[10], max: samples[19] };
      };
      const local = await measure(driver);
      const remote = await measure(other);
      console.log(
        `[pg-boss] send → handler round trip, 20 messages each: same process (consumer woken) p50 ${local.p50} ms, max ${local.max} ms; ` +
          `other process (0.5 s polling) p50 ${remote.p50} ms, max ${remote.max} ms`,
      );
      expect(local.p50).toBeLessThan(1000);
      expect(remote.max).toBeLessThan(3000);
      await other.close();
      await stop();
    });

    it('createQueueDriver picks pg-boss for QUEUE_DRIVER=local with the database URL', async () => {
      const d: QueueDriver = createQueueDriver(loadConfig({ QUEUE_DRIVER: 'local', DATABASE_URL: url }), { schema });
      expect(d.driver).toBe('local');
      await d.start();
      await d.close();
    });
  });
});
