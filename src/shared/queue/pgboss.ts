import { createHash, randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
// pg-boss's own expiry statement (what its maintenance runs every couple of minutes): one locked
// statement that retries or dead-letters every active job past its expiry. Not in its typings.
// @ts-expect-error untyped internal module of pg-boss 10
import plans from 'pg-boss/src/plans.js';
import { RETRY_BUDGET } from './retry-budget.js';
import { deadLetterQueueName, QUEUE_NAMES, type QueueMessage, type QueueName } from './messages.js';
import {
  parseQueueMessage,
  serializeQueueMessage,
  type ConsumeOptions,
  type DeadLetter,
  type MessageHandler,
  type QueueDriver,
  type ScheduleOptions,
  type SendOptions,
  type StopConsumer,
} from './types.js';

/** pg-boss 10 keeps one schedule per queue name, so keyed schedules fire into `<queue>.cron.<key>` and are forwarded. */
const SCHEDULE_QUEUE = /^(.+)\.cron\.([a-z0-9-]{1,40})$/;
const scheduleQueueName = (queue: QueueName, key: string) => `${queue}.cron.${key}`;

export interface QueuePolicy {
  /** Deliveries before the message goes to the dead-letter queue (≥ 1). */
  maxAttempts: number;
  /** Base retry delay; backoff doubles it per attempt, with jitter (pg-boss retryBackoff). */
  retryDelaySeconds: number;
  /** A delivery not finished in this time counts as failed and is retried. */
  visibilityTimeoutSeconds: number;
}

export const DEFAULT_QUEUE_POLICIES: Record<QueueName, QueuePolicy> = {
  'pdf-generation': { maxAttempts: RETRY_BUDGET['pdf-generation'], retryDelaySeconds: 5, visibilityTimeoutSeconds: 300 },
  'file-processing': { maxAttempts: RETRY_BUDGET['file-processing'], retryDelaySeconds: 5, visibilityTimeoutSeconds: 300 },
  cleanup: { maxAttempts: RETRY_BUDGET.cleanup, retryDelaySeconds: 30, visibilityTimeoutSeconds: 900 },
  'email-notifications': { maxAttempts: RETRY_BUDGET['email-notifications'], retryDelaySeconds: 10, visibilityTimeoutSeconds: 60 },
};

export interface PgBossQueueDriverOptions {
  connectionString: string;
  /** PostgreSQL schema pg-boss owns (created if missing). Default 'pgboss'. */
  schema?: string;
  /** Connection pool size (keep it small for PGlite over a socket). Default 4. */
  poolMax?: number;
  policies?: Partial<Record<QueueName, Partial<QueuePolicy>>>;
  /** How often idle consumers poll. Sends from this process also wake them at once. Default 1 s. */
  pollingIntervalSeconds?: number;
  /** How often cron schedules are checked (pg-boss default 30 s; tests use 1). */
  cronCheckSeconds?: number;
  /** Expiry/retention sweeps (pg-boss default 120 s; tests use less). */
  maintenanceIntervalSeconds?: number;
  /** pg-boss background errors (lost connection, failed maintenance). Default: console.error. */
  onError?: (err: Error) => void;
  /**
   * Seconds a delivery stays leased without a heartbeat (default 20). Every live process renews the
   * leases of what it is handling every quarter of this, up to the queue's visibility timeout, and
   * expires every lease past its end: a message of a process that died (kill -9, lost host) is
   * retried within about this time, by whichever process is alive, with no start-up guesswork.
   */
  leaseSeconds?: number;
}

const failJobsByTimeout = (plans as { failJobsByTimeout: (schema: string) => string; locked: (schema: string, sql: string) => string })
  .failJobsByTimeout;
const locked = (plans as { locked: (schema: string, sql: string) => string }).locked;

/** Dedup ids become job ids: a second insert with the same id is a no-op in pg-boss. */
function uuidFromKey(queue: string, key: string): string {
  const h = createHash('sha256').update(`${queue}\n${key}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50; // version 5-style
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

function reasonFromOutput(output: unknown): string {
  if (output && typeof output === 'object') {
    const o = output as { name?: unknown; message?: unknown; value?: unknown };
    if (typeof o.message === 'string') return typeof o.name === 'string' && o.name !== 'Error' ? `${o.name}: ${o.message}` : o.message;
    if (o.value !== undefined) return String(o.value);
    return JSON.stringify(output);
  }
  return output === undefined || output === null ? 'unknown' : String(output);
}

/**
 * The embedded queue: pg-boss 10 on the relational database. Jobs are rows, so they survive a
 * restart; retries with exponential backoff, dead-letter queues and expiry of stuck deliveries
 * are pg-boss's own (createQueue with retryLimit/retryBackoff/deadLetter/expireInSeconds).
 */
export class PgBossQueueDriver implements QueueDriver {
  readonly driver = 'local' as const;
  readonly boss: PgBoss;
  readonly schema: string;
  private readonly policies: Record<QueueName, QueuePolicy>;
  /** Idle consumer loops by queue: a send from this process wakes them instead of their next poll. */
  private readonly sleepers = new Map<QueueName, Set<() => void>>();
  private readonly inflight = new Set<Promise<unknown>>();
  /** Deliveries this process is handling, by pg-boss job id: the leases the heartbeat renews. */
  private readonly leases = new Map<string, { queue: QueueName; since: number }>();
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly leaseSeconds: number;
  private readonly onError: (err: Error) => void;
  private halted = false;
  private readonly stops = new Set<StopConsumer>();
  private readonly forwarders = new Map<string, string>();
  private started: Promise<void> | undefined;
  private startedAt = new Date(0);

  constructor(private readonly options: PgBossQueueDriverOptions) {
    this.schema = options.schema ?? 'pgboss';
    this.leaseSeconds = Math.max(2, options.leaseSeconds ?? 20);
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.schema)) throw new Error(`invalid pg-boss schema name ${this.schema}`);
    this.policies = Object.fromEntries(QUEUE_NAMES.map((q) => [q, { ...DEFAULT_QUEUE_POLICIES[q], ...options.policies?.[q] }])) as Record<
      QueueName,
      QueuePolicy
    >;
    const cron = options.cronCheckSeconds;
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      schema: this.schema,
      max: options.poolMax ?? 4,
      application_name: 'pdf-studio-queue',
      ...(cron
        ? { cronMonitorIntervalSeconds: cron, cronWorkerIntervalSeconds: cron, clockMonitorIntervalSeconds: Math.max(cron, 1) }
        : {}),
      ...(options.maintenanceIntervalSeconds ? { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds } : {}),
    });
    this.onError = options.onError ?? ((err: Error) => console.error('[queue:pg-boss]', err));
    // An EventEmitter 'error' without a listener would crash the process.
    this.boss.on('error', this.onError);
    // Stopped under us (pg-boss's own stop): the loops and the heartbeat end with it.
    this.boss.on('stopped', () => {
      this.halted = true;
      clearInterval(this.heartbeat);
      for (const sleepers of this.sleepers.values()) for (const wake of [...sleepers]) wake();
    });
  }

  start(): Promise<void> {
    this.started ??= (async () => {
      this.startedAt = new Date();
      await this.boss.start();
      for (const queue of QUEUE_NAMES) {
        const p = this.policies[queue];
        const dlq = deadLetterQueueName(queue);
        await this.boss.createQueue(dlq, { name: dlq, retentionMinutes: 60 * 24 * 14 });
        const settings = {
          name: queue,
          deadLetter: dlq,
          retryLimit: Math.max(p.maxAttempts - 1, 0),
          retryDelay: Math.max(Math.round(p.retryDelaySeconds), 1),
          retryBackoff: true,
          // The lease, not the visibility timeout: the heartbeat extends a live delivery up to the latter.
          expireInSeconds: Math.min(this.leaseSeconds, p.visibilityTimeoutSeconds),
        };
        await this.boss.createQueue(queue, settings);
        // createQueue keeps an existing queue's settings; apply the current policy.
        await this.boss.updateQueue(queue, settings);
      }
      for (const { name } of await this.boss.getSchedules()) {
        const m = SCHEDULE_QUEUE.exec(name);
        if (m && (QUEUE_NAMES as readonly string[]).includes(m[1])) await this.forward(name, m[1] as QueueName);
      }
      this.heartbeat = setInterval(() => void this.beat(), (this.leaseSeconds * 1000) / 4);
      this.heartbeat.unref();
      await this.beat();
    })();
    return this.started;
  }

  /**
   * Renews this process's leases (never past the queue's visibility timeout, so a handler that
   * hangs is still retried), then expires every lease that has run out, whoever held it. Both are
   * single statements; pg-boss's expiry takes its advisory lock, so concurrent processes do not
   * expire a job twice.
   */
  async beat(): Promise<void> {
    try {
      const now = Date.now();
      const renew = [...this.leases].filter(([, l]) => now - l.since < this.policies[l.queue].visibilityTimeoutSeconds * 1000);
      if (renew.length) {
        await this.boss.getDb().executeSql(
          `UPDATE ${this.schema}.job SET expire_in = (now() - started_on) + make_interval(secs => $2)
           WHERE id = ANY($1::uuid[]) AND state = 'active'`,
          [renew.map(([id]) => id), this.leaseSeconds],
        );
      }
      await this.boss.getDb().executeSql(locked(this.schema, failJobsByTimeout(this.schema)), []);
    } catch (err) {
      this.onError(err as Error);
    }
  }

  /**
   * Messages a dead process left in flight (SIGKILL, power loss) would otherwise wait for their
   * lease to run out (leaseSeconds; see beat). Only the caller can
   * know that no other process is consuming — true for the embedded runtime, whose PGlite is
   * exclusive to one process — so this is never automatic. Each orphan counts as a failed attempt
   * (pg-boss's own fail: retried with backoff, dead-lettered after the last attempt), so a message
   * that kills its process cannot loop forever. Returns how many were recovered.
   */
  async recoverOrphans(): Promise<number> {
    await this.start();
    // Only our queues (pg-boss's own cron and our schedule forwarders may already be running in
    // this process), and only what was taken before this driver started.
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT name, array_agg(id::text) AS ids FROM ${this.schema}.job
       WHERE state = 'active' AND name = ANY($1::text[]) AND started_on < $2 GROUP BY name`,
      [[...QUEUE_NAMES], this.startedAt],
    );
    let recovered = 0;
    const reason = { message: 'orphaned: the process handling it stopped without finishing; recovered at the next start' };
    for (const { name, ids } of rows as { name: string; ids: string[] }[]) {
      for (const id of ids) await this.boss.fail(name, id, reason);
      recovered += ids.length;
    }
    return recovered;
  }

  private wake(queue: QueueName): void {
    for (const wake of [...(this.sleepers.get(queue) ?? [])]) wake();
  }

  async send<Q extends QueueName>(queue: Q, body: QueueMessage<Q>, options: SendOptions = {}): Promise<string | null> {
    const { data } = serializeQueueMessage(queue, body);
    await this.start();
    const id = await this.boss.send(queue, data, {
      ...(options.delaySeconds ? { startAfter: options.delaySeconds } : {}),
      ...(options.deduplicationId ? { id: uuidFromKey(queue, options.deduplicationId) } : {}),
    });
    if (!options.delaySeconds) this.wake(queue);
    return id;
  }

  async sendBatch<Q extends QueueName>(
    queue: Q,
    bodies: QueueMessage<Q>[],
    options: Omit<SendOptions, 'deduplicationId'> = {},
  ): Promise<string[]> {
    const datas = bodies.map((b) => serializeQueueMessage(queue, b).data);
    await this.start();
    const startAfter = options.delaySeconds ? new Date(Date.now() + options.delaySeconds * 1000).toISOString() : undefined;
    const jobs = datas.map((data) => ({ id: randomUUID(), name: queue, data, ...(startAfter ? { startAfter } : {}) }));
    // One INSERT per 1000 rows keeps statements bounded for large batch jobs.
    for (let i = 0; i < jobs.length; i += 1000) await this.boss.insert(jobs.slice(i, i + 1000));
    if (!startAfter) this.wake(queue);
    return jobs.map((j) => j.id);
  }

  /**
   * N consumer loops (N = concurrency), each taking one message at a time with pg-boss's fetch and
   * settling it with complete or fail. Hand-written rather than pg-boss's work(): work() gives up
   * on a handler after the job's expiry as fetched — the short lease here — while a lease renewed
   * by the heartbeat must outlive it; and work() waited its whole polling interval after every
   * fetch, even one that found work. An empty queue waits the interval, or until a send from this
   * process wakes it.
   */
  async consume<Q extends QueueName>(
    queue: Q,
    handler: MessageHandler<QueueMessage<Q>>,
    options: ConsumeOptions = {},
  ): Promise<StopConsumer> {
    await this.start();
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    const pollMs = (this.options.pollingIntervalSeconds ?? 1) * 1000;
    const visibilityMs = this.policies[queue].visibilityTimeoutSeconds * 1000;
    const state = { stopped: false };
    const sleepers = this.sleepers.get(queue) ?? new Set<() => void>();
    this.sleepers.set(queue, sleepers);
    const idle = () =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          sleepers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, pollMs);
        sleepers.add(done);
      });
    const settle = async (job: { id: string; data: object; retryCount: number }) => {
      const run = (async () => {
        const body = parseQueueMessage(queue, job.data);
        await handler({ body, id: job.id, attempt: job.retryCount + 1 });
      })();
      this.inflight.add(run);
      this.leases.set(job.id, { queue, since: Date.now() });
      let timer: NodeJS.Timeout | undefined;
      try {
        // A handler that never returns is failed (and retried) after the visibility timeout, as SQS would.
        const expired = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`handler execution exceeded ${visibilityMs} ms`)), visibilityMs);
        });
        await Promise.race([run, expired]);
        await this.boss.complete(queue, job.id);
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        await this.boss.fail(queue, job.id, { name: e.name, message: e.message, stack: e.stack });
      } finally {
        clearTimeout(timer);
        this.inflight.delete(run);
        this.leases.delete(job.id);
      }
    };
    const loop = async () => {
      while (!state.stopped && !this.halted) {
        let jobs: { id: string; data: object; retryCount: number }[] = [];
        try {
          jobs = await this.boss.fetch<object>(queue, { batchSize: 1, includeMetadata: true });
          for (const job of jobs) await settle(job);
        } catch (err) {
          // A lost connection or a failed settle: the lease expires and the message is retried.
          this.onError(err as Error);
        }
        if (!jobs.length && !state.stopped && !this.halted) await idle();
      }
    };
    const loops = Array.from({ length: concurrency }, () => loop());
    const stop: StopConsumer = async () => {
      this.stops.delete(stop);
      state.stopped = true;
      for (const wake of [...sleepers]) wake();
      await Promise.allSettled(loops);
    };
    this.stops.add(stop);
    return stop;
  }

  /** Moves each job of a keyed schedule's queue onto the real queue (validated like any send). */
  private async forward(scheduleQueue: string, target: QueueName): Promise<void> {
    if (this.forwarders.has(scheduleQueue)) return;
    const id = await this.boss.work<object>(
      scheduleQueue,
      { batchSize: 10, pollingIntervalSeconds: this.options.cronCheckSeconds ?? 10 },
      async (jobs) => {
        for (const job of jobs) await this.send(target, parseQueueMessage(target, job.data));
      },
    );
    this.forwarders.set(scheduleQueue, id);
  }

  async schedule<Q extends QueueName>(queue: Q, cron: string, body: QueueMessage<Q>, options: ScheduleOptions = {}): Promise<void> {
    const data = parseQueueMessage(queue, body);
    await this.start();
    if (!options.key) {
      await this.boss.schedule(queue, cron, data, { tz: 'UTC' });
      return;
    }
    const name = scheduleQueueName(queue, options.key);
    if (!SCHEDULE_QUEUE.test(name)) throw new Error(`invalid schedule key ${options.key}: use [a-z0-9-], at most 40`);
    await this.boss.createQueue(name, { name, retryLimit: 2 });
    await this.boss.schedule(name, cron, data, { tz: 'UTC' });
    await this.forward(name, queue);
  }

  async unschedule(queue: QueueName, options: ScheduleOptions = {}): Promise<void> {
    await this.start();
    const name = options.key ? scheduleQueueName(queue, options.key) : queue;
    await this.boss.unschedule(name);
    const worker = this.forwarders.get(name);
    if (worker) {
      this.forwarders.delete(name);
      await this.boss.offWork({ id: worker });
    }
  }

  async mayDeliver(queue: QueueName, match: Record<string, string | number>): Promise<boolean> {
    await this.start();
    const { rows } = await this.boss
      .getDb()
      .executeSql(
        `SELECT 1 FROM ${this.schema}.job WHERE name = $1 AND state IN ('created', 'retry', 'active') AND data @> $2::jsonb LIMIT 1`,
        [queue, JSON.stringify(match)],
      );
    return rows.length > 0;
  }

  async peekDeadLetters(queue: QueueName, limit = 100): Promise<DeadLetter[]> {
    await this.start();
    const { rows } = await this.boss
      .getDb()
      .executeSql(
        `SELECT id, data, output, created_on FROM ${this.schema}.job WHERE name = $1 AND state IN ('created', 'retry') ORDER BY created_on, id LIMIT $2`,
        [deadLetterQueueName(queue), limit],
      );
    return (rows as { id: string; data: unknown; output: unknown; created_on: Date }[]).map((r) => ({
      id: r.id,
      body: r.data,
      reason: reasonFromOutput(r.output),
      failedAt: r.created_on,
    }));
  }

  async redriveDeadLetters(queue: QueueName, limit = 100): Promise<number> {
    await this.start();
    const dlq = deadLetterQueueName(queue);
    let moved = 0;
    while (moved < limit) {
      const jobs = await this.boss.fetch<object>(dlq, { batchSize: Math.min(100, limit - moved) });
      if (jobs.length === 0) break;
      // Re-enqueue first, then complete: a crash in between duplicates (idempotent consumers absorb it), never loses.
      await this.boss.insert(jobs.map((j) => ({ name: queue, data: j.data })));
      await this.boss.complete(
        dlq,
        jobs.map((j) => j.id),
      );
      moved += jobs.length;
    }
    if (moved) this.wake(queue);
    return moved;
  }

  /** Graceful: consumers stop taking work, in-flight handlers finish, then the pool closes. */
  async close(): Promise<void> {
    for (const stop of [...this.stops]) await stop();
    clearInterval(this.heartbeat);
    if (this.started) {
      await this.started.catch(() => undefined);
      await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    }
  }
}
