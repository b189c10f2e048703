import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@/shared/errors.js';
import type { QueueDriver, QueueMessageEnvelope, QueueName } from '@/shared/queue/index.js';
import { eventually } from '../helpers/eventually.js';

/** Shared behaviour of every QueueDriver; each driver's test file supplies fresh instances. */
export interface QueueContractContext {
  /** A new driver on the same backing store (a "restarted process"); policies: maxAttempts 2, retry base 1 s. */
  create(): Promise<QueueDriver>;
}

/**
 * Waits until `driver` holds nothing more it could deliver for `match` (queued, awaiting a retry or
 * in flight), so a test can then assert that a message was handled exactly as often as it says:
 * no later duplicate or retry can arrive. Replaces "sleep a while and see that nothing came".
 */
export async function drained(
  driver: QueueDriver,
  queue: QueueName,
  match: Record<string, string | number>,
  timeoutMs = 30_000,
): Promise<void> {
  await eventually(async () => expect(await driver.mayDeliver(queue, match)).toBe(false), {
    timeoutMs,
    what: `${queue} to hold nothing more for ${JSON.stringify(match)}`,
  });
}

export function queueDriverContract(name: string, setup: () => Promise<QueueContractContext>): void {
  describe(`QueueDriver contract: ${name}`, () => {
    let ctx: QueueContractContext;
    let driver: QueueDriver;
    const run = randomUUID().slice(0, 8);

    beforeAll(async () => {
      ctx = await setup();
      driver = await ctx.create();
    });
    afterAll(async () => {
      await driver?.close();
    });

    it('delivers a fire-and-forget generation body ({templateId, userId, payload}) unchanged, attempt 1, and refuses invalid bodies at send', async () => {
      const message = { templateId: `t-${run}`, userId: 'u1', payload: { 'customer.name': 'John Doe', 'invoice.number': 'INV-001' } };
      const got: QueueMessageEnvelope<unknown>[] = [];
      const stop = await driver.consume('pdf-generation', async (m) => void got.push(m));
      const id = await driver.send('pdf-generation', message);
      expect(typeof id).toBe('string');
      await eventually(() => expect(got).toHaveLength(1), { what: 'the delivery' });
      expect(got[0]).toMatchObject({ body: message, id, attempt: 1 });
      await expect(driver.send('pdf-generation', { templateId: '', userId: 'u1' } as never)).rejects.toBeInstanceOf(ValidationError);
      await expect(driver.send('cleanup', { action: 'drop_tables' } as never)).rejects.toBeInstanceOf(ValidationError);
      await drained(driver, 'pdf-generation', { templateId: message.templateId });
      expect(got).toHaveLength(1);
      await stop();
    });

    it('delivers a batch exactly once each, several at a time', async () => {
      const n = 25;
      const seen = new Map<number, number>();
      let active = 0;
      let maxActive = 0;
      const stop = await driver.consume(
        'file-processing',
        async (m) => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          await new Promise((r) => setTimeout(r, 100));
          const i = Number(m.body.fileId.split(':')[1]);
          seen.set(i, (seen.get(i) ?? 0) + 1);
          active -= 1;
        },
        { concurrency: 4 },
      );
      const ids = await driver.sendBatch(
        'file-processing',
        Array.from({ length: n }, (_, i) => ({ fileId: `${run}:${i}`, userId: 'u1' })),
      );
      expect(ids).toHaveLength(n);
      await eventually(() => expect(seen.size).toBe(n), { timeoutMs: 30_000, what: 'all batch messages' });
      await drained(driver, 'file-processing', { userId: 'u1' });
      expect([...seen.values()].every((c) => c === 1)).toBe(true);
      expect(maxActive).toBeGreaterThan(1);
      expect(maxActive).toBeLessThanOrEqual(4);
      await stop();
    });

    it('refuses a message over 1 MiB and splits a batch of large messages under the batch limit', async () => {
      await expect(
        driver.send('pdf-generation', { templateId: 't', userId: 'u', payload: { big: 'x'.repeat(1024 * 1024) } }),
      ).rejects.toMatchObject({ code: 'queue_message_too_large' });
      const got = new Set<number>();
      const stop = await driver.consume(
        'pdf-generation',
        async (m) => {
          if (m.body.jobId === `large-${run}`) got.add(m.body.recordIndex ?? -1);
        },
        { concurrency: 2 },
      );
      const bodies = Array.from({ length: 4 }, (_, i) => ({
        templateId: 't',
        userId: 'u',
        jobId: `large-${run}`,
        recordIndex: i,
        payload: { text: 'y'.repeat(400_000) },
      }));
      const ids = await driver.sendBatch('pdf-generation', bodies);
      expect(ids.filter(Boolean)).toHaveLength(4);
      await eventually(() => expect([...got].sort()).toEqual([0, 1, 2, 3]), { timeoutMs: 30_000, what: 'the large messages' });
      await stop();
    });

    it('retries a failed delivery with a higher attempt number, then succeeds', async () => {
      const attempts: number[] = [];
      const times: number[] = [];
      const stop = await driver.consume('email-notifications', async (m) => {
        if (m.body.subject !== `retry ${run}`) return;
        attempts.push(m.attempt);
        times.push(Date.now());
        if (m.attempt === 1) throw new Error('transient SMTP failure');
      });
      await driver.send('email-notifications', { to: 'a@example.com', subject: `retry ${run}`, text: 'hi' });
      await eventually(() => expect(attempts).toHaveLength(2), { timeoutMs: 30_000, what: 'the retry' });
      expect(attempts).toEqual([1, 2]);
      expect(times[1] - times[0]).toBeGreaterThanOrEqual(900); // backoff, base 1 s
      await drained(driver, 'email-notifications', { subject: `retry ${run}` });
      expect(attempts).toEqual([1, 2]);
      expect(
        (await driver.peekDeadLetters('email-notifications')).filter((d) => (d.body as { subject: string }).subject === `retry ${run}`),
      ).toEqual([]);
      await stop();
    });

    it('dead-letters a poison message after maxAttempts with the failure reason', async () => {
      const body = { action: 'cleanup_expired_pdfs' as const, olderThanDays: 30, marker: `poison-${run}` };
      const attempts: number[] = [];
      const stop = await driver.consume('cleanup', async (m) => {
        attempts.push(m.attempt);
        throw new Error(`disk on fire (${m.attempt})`);
      });
      await driver.send('cleanup', body);
      let dead: Awaited<ReturnType<QueueDriver['peekDeadLetters']>> = [];
      await eventually(
        async () => {
          dead = (await driver.peekDeadLetters('cleanup')).filter((d) => (d.body as { marker?: string }).marker === body.marker);
          expect(dead.length).toBeGreaterThan(0);
        },
        { timeoutMs: 40_000, what: 'the dead letter' },
      );
      expect(attempts).toEqual([1, 2]);
      expect(dead).toHaveLength(1);
      expect(dead[0].body).toEqual(body);
      expect(dead[0].reason).toContain('disk on fire (2)');
      await drained(driver, 'cleanup', { marker: body.marker });
      expect(attempts).toEqual([1, 2]);
      await stop();

      // After a fix, the dead letter goes back onto its queue with its body unchanged.
      const redelivered: unknown[] = [];
      const stop2 = await driver.consume('cleanup', async (m) => void redelivered.push(m.body));
      expect(await driver.redriveDeadLetters('cleanup')).toBeGreaterThanOrEqual(1);
      await eventually(() => expect(redelivered).toContainEqual(body), { what: 'the redriven message' });
      await stop2();
      const left = (await driver.peekDeadLetters('cleanup')).filter((d) => (d.body as { marker?: string }).marker === body.marker);
      expect(left).toEqual([]);
    });

    it('idempotent consumer: a redelivery after the side effect does not repeat it', async () => {
      // The pattern the workers use: record the effect under a key derived from the message, and
      // treat "already recorded" as done. Here the first delivery dies after its effect.
      const effects = new Map<string, number>();
      const deliveries: number[] = [];
      const stop = await driver.consume('pdf-generation', async (m) => {
        if (m.body.jobId !== `job-${run}`) return;
        deliveries.push(m.attempt);
        const key = `${m.body.jobId}#${m.body.recordIndex}`;
        if (!effects.has(key)) effects.set(key, 1);
        if (m.attempt === 1) throw new Error('crashed after writing the PDF');
      });
      await driver.send('pdf-generation', { templateId: 't', userId: 'u', payload: {}, jobId: `job-${run}`, recordIndex: 7 });
      await eventually(() => expect(deliveries).toHaveLength(2), { timeoutMs: 30_000, what: 'the redelivery' });
      expect(effects).toEqual(new Map([[`job-${run}#7`, 1]]));
      await stop();
    });

    it('holds a delayed message back for delaySeconds', async () => {
      const got: number[] = [];
      const stop = await driver.consume('file-processing', async (m) => {
        if (m.body.fileId === `delayed-${run}`) got.push(Date.now());
      });
      const sentAt = Date.now();
      await driver.send('file-processing', { fileId: `delayed-${run}`, userId: 'u' }, { delaySeconds: 2 });
      await eventually(() => expect(got).toHaveLength(1), { what: 'the delayed message' });
      expect(got[0] - sentAt).toBeGreaterThanOrEqual(1900);
      await stop();
    });

    it('stop() waits for the handler in flight', async () => {
      let finished = false;
      let started = false;
      const stop = await driver.consume('file-processing', async (m) => {
        if (m.body.fileId !== `slow-${run}`) return;
        started = true;
        await new Promise((r) => setTimeout(r, 800));
        finished = true;
      });
      await driver.send('file-processing', { fileId: `slow-${run}`, userId: 'u' });
      await eventually(() => expect(started).toBe(true), { what: 'the slow handler to start' });
      await stop();
      expect(finished).toBe(true);
    });

    it('mayDeliver: true while a matching message is queued or in flight, false once it is handled', async () => {
      const match = { jobId: `may-${run}` };
      await driver.send('email-notifications', { to: 'a@example.com', subject: `may ${run}`, text: 'hi', ...match });
      expect(await driver.mayDeliver('email-notifications', match)).toBe(true); // queued
      // pg-boss looks at each message; SQS only knows whether the queue holds any.
      if (driver.driver === 'local') expect(await driver.mayDeliver('email-notifications', { jobId: `other-${run}` })).toBe(false);
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let started = false;
      const stop = await driver.consume('email-notifications', async (m) => {
        if ((m.body as { jobId?: string }).jobId !== match.jobId) return;
        started = true;
        await held;
      });
      await eventually(() => expect(started).toBe(true), { what: 'the delivery' });
      expect(await driver.mayDeliver('email-notifications', match)).toBe(true); // in flight
      release();
      await drained(driver, 'email-notifications', match, 20_000);
      await stop();
    });

    it('survives a restart: messages sent before it are delivered after it, once', async () => {
      const first = await ctx.create();
      const bodies = Array.from({ length: 5 }, (_, i) => ({ fileId: `durable-${run}-${i}`, userId: 'u' }));
      for (const b of bodies) await first.send('file-processing', b);
      await first.close();
      const second = await ctx.create();
      const seen: string[] = [];
      const stop = await second.consume(
        'file-processing',
        async (m) => {
          if (m.body.fileId.startsWith(`durable-${run}`)) seen.push(m.body.fileId);
        },
        { concurrency: 2 },
      );
      await eventually(() => expect(seen).toHaveLength(5), { timeoutMs: 30_000, what: 'messages after restart' });
      await drained(second, 'file-processing', { userId: 'u' });
      expect(seen.sort()).toEqual(bodies.map((b) => b.fileId).sort());
      await stop();
      await second.close();
    });
  });
}
