import { createHash, randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
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
}

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
  private readonly workerIds = new Map<QueueName, Set<string>>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly stops = new Set<StopConsumer>();
  private readonly forwarders = new Map<string, string>();
  private started: Promise<void> | undefined;
  private startedAt = new Date(0);

  constructor(private readonly options: PgBossQueueDriverOptions) {
    this.schema = options.schema ?? 'pgboss';
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
    const onError = options.onError ?? ((err: Error) => console.error('[queue:pg-boss]', err));
    // An EventEmitter 'error' without a listener would crash the process.
    this.boss.on('error', onError);
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
          expireInSeconds: p.visibilityTimeoutSeconds,
        };
        await this.boss.createQueue(queue, settings);
        // createQueue keeps an existing queue's settings; apply the current policy.
        await this.boss.updateQueue(queue, settings);
      }
      for (const { name } of await this.boss.getSchedules()) {
        const m = SCHEDULE_QUEUE.exec(name);
        if (m && (QUEUE_NAMES as readonly string[]).includes(m[1])) await this.forward(name, m[1] as QueueName);
      }
    })();
    return this.started;
  }

  /**
   * Messages a dead process left in flight (SIGKILL, power loss) would otherwise wait for their
   * visibility timeout (pg-boss expireInSeconds, 5 minutes for pdf-generation). Only the caller can
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
    for (const id of this.workerIds.get(queue) ?? []) this.boss.notifyWorker(id);
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

  async consume<Q extends QueueName>(
    queue: Q,
    handler: MessageHandler<QueueMessage<Q>>,
    options: ConsumeOptions = {},
  ): Promise<StopConsumer> {
    await this.start();
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    const ids: string[] = [];
    // pg-boss 10 has one polling loop per work() call; N loops with batchSize 1 give N messages in
    // flight, each completed or failed on its own.
    for (let i = 0; i < concurrency; i += 1) {
      const self: { id?: string } = {};
      const id = await this.boss.work<object>(
        queue,
        { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 1 },
        async (jobs) => {
          // pg-boss 10 waits out the rest of its polling interval after every fetch, even one that
          // found work, so a loop took at most one message per second: a 1,000-record job ran at
          // ~2 records/s. Waking our own loop after a message (handled or failed) fetches the next
          // one at once; an empty queue still waits the interval.
          try {
            for (const job of jobs) {
              const run = (async () => {
                const body = parseQueueMessage(queue, job.data);
                await handler({ body, id: job.id, attempt: job.retryCount + 1 });
              })();
              this.inflight.add(run);
              try {
                await run;
              } finally {
                this.inflight.delete(run);
              }
            }
          } finally {
            if (jobs.length && self.id) this.boss.notifyWorker(self.id);
          }
        },
      );
      self.id = id;
      ids.push(id);
    }
    const set = this.workerIds.get(queue) ?? new Set<string>();
    for (const id of ids) set.add(id);
    this.workerIds.set(queue, set);
    const stop: StopConsumer = async () => {
      this.stops.delete(stop);
      for (const id of ids) {
        set.delete(id);
        await this.boss.offWork({ id });
      }
      await Promise.allSettled([...this.inflight]);
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
    if (this.started) {
      await this.started.catch(() => undefined);
      await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    }
  }
}
