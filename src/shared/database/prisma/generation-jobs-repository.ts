import { z } from 'zod';
import type { GenerationJob, JobStatus } from '@/generated/prisma/client.js';
import { ConflictError, NotFoundError } from '@/shared/errors.js';
import {
  assertId,
  isUniqueViolation,
  mapWriteErrors,
  parseInput,
  parsePage,
  PrismaRepository,
  toPage,
  type Page,
  type PageRequest,
  type Prisma,
} from './repository.js';

export const createJobSchema = z.object({
  userId: z.uuid(),
  templateId: z.string().min(1).max(128),
  templateVersion: z.number().int().min(0),
  total: z.number().int().min(0),
  output: z.enum(['individual', 'merged', 'zip']).optional(),
  /** Per-user key: the same key again returns the first job instead of creating another. */
  idempotencyKey: z.string().min(1).max(255).nullish(),
  /** Hex sha256 of the creating request, compared when the key comes again. */
  requestHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullish(),
  webhookUrl: z.url().max(2048).nullish(),
  notifyEmail: z.email().nullish(),
  testMode: z.boolean().optional(),
  /** Resolved output options (no secrets: a stored certificate by id). */
  outputOptions: z
    .record(z.string(), z.unknown())
    .transform((o) => o as Prisma.InputJsonObject)
    .optional(),
  /** Sealed encryption passwords (never in clear). */
  sealedSecrets: z
    .custom<Uint8Array>((v) => v instanceof Uint8Array)
    .transform((b) => Buffer.from(b) as Uint8Array<ArrayBuffer>)
    .optional(),
});
export type CreateJobInput = z.input<typeof createJobSchema>;

export interface JobRowError {
  index?: number;
  message: string;
  [key: string]: unknown;
}

/**
 * The webhook's delivery as its owner sees it: `retrying` while the queue will try again, then
 * `delivered` or `failed` (final). `lastError` names the client's own URL and what went wrong.
 */
export const webhookDeliverySchema = z.object({
  status: z.enum(['retrying', 'delivered', 'failed']),
  attempts: z.number().int().min(0),
  lastAttemptAt: z.iso.datetime(),
  lastError: z.string().max(1000).optional(),
  deliveredAt: z.iso.datetime().optional(),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/** The stored delivery state, or undefined when none was recorded (or the column holds something else). */
export function webhookDeliveryOf(job: Pick<GenerationJob, 'webhookDelivery'>): WebhookDelivery | undefined {
  const parsed = webhookDeliverySchema.safeParse(job.webhookDelivery);
  return parsed.success ? parsed.data : undefined;
}

/** Statuses a job does not leave by itself (a retry of its failed records reopens the finished ones). */
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = ['completed', 'completed_with_errors', 'failed', 'cancelled'];
const FINAL = FINISHED_JOB_STATUSES as JobStatus[];

/**
 * failed += `count` and `errors` appended, in one statement (so concurrent workers never lose an
 * update); `db` may be a transaction, so a row's outcome and its job's counter move together.
 * Returns the number of jobs updated (0: no such job).
 */
export function addJobFailures(db: Prisma.TransactionClient, jobId: string, count: number, errors: JobRowError[]): Promise<number> {
  return db.$executeRaw`
    UPDATE "generation_jobs" SET "failed" = "failed" + ${count}::int, "errors" = "errors" || ${JSON.stringify(errors)}::jsonb, "updated_at" = now()
    WHERE "id" = ${jobId}::uuid`;
}

export class GenerationJobsRepository extends PrismaRepository {
  /** Creates the job, or returns the user's existing job with the same idempotencyKey (`created: false`). */
  async createOrGet(input: CreateJobInput): Promise<{ job: GenerationJob; created: boolean }> {
    const data = parseInput(createJobSchema, input, 'Invalid generation job');
    try {
      const job = await mapWriteErrors('User', data.userId, () => this.db.generationJob.create({ data }));
      return { job, created: true };
    } catch (err) {
      if (!isUniqueViolation(err) || !data.idempotencyKey) throw err;
      const job = await this.db.generationJob.findUnique({
        where: { userId_idempotencyKey: { userId: data.userId, idempotencyKey: data.idempotencyKey } },
      });
      if (!job) throw err;
      return { job, created: false };
    }
  }

  async create(input: CreateJobInput): Promise<GenerationJob> {
    return (await this.createOrGet(input)).job;
  }

  /** The owner's view; another user's id answers NotFound. */
  async getOwned(userId: string, id: string): Promise<GenerationJob> {
    assertId('GenerationJob', id);
    assertId('GenerationJob', userId);
    const job = await this.db.generationJob.findFirst({ where: { id, userId } });
    if (!job) throw new NotFoundError('GenerationJob', id);
    return job;
  }

  /** For system work (workers, stalled-job recovery) only: by id, whoever owns it. */
  async getInternal(id: string): Promise<GenerationJob> {
    assertId('GenerationJob', id);
    const job = await this.db.generationJob.findUnique({ where: { id } });
    if (!job) throw new NotFoundError('GenerationJob', id);
    return job;
  }

  /** queued → running (no-op when already running). */
  async markRunning(id: string): Promise<GenerationJob> {
    assertId('GenerationJob', id);
    const { count } = await this.db.generationJob.updateMany({
      where: { id, status: 'queued' },
      data: { status: 'running', startedAt: new Date() },
    });
    const job = await this.getInternal(id);
    if (count === 0 && job.status !== 'running')
      throw new ConflictError('invalid_transition', `GenerationJob ${id} is ${job.status}`, { from: job.status, to: 'running' });
    return job;
  }

  /** Atomic counter increment (concurrent workers never lose an update). */
  async incrementDone(id: string, by = 1): Promise<GenerationJob> {
    assertId('GenerationJob', id);
    return mapWriteErrors('GenerationJob', id, () => this.db.generationJob.update({ where: { id }, data: { done: { increment: by } } }));
  }

  /** Atomic: failed += 1 and the error appended to `errors`, in one statement. */
  async incrementFailed(id: string, error?: JobRowError): Promise<GenerationJob> {
    assertId('GenerationJob', id);
    const count = await addJobFailures(this.db, id, 1, error ? [error] : []);
    if (count === 0) throw new NotFoundError('GenerationJob', id);
    return this.getInternal(id);
  }

  /** Fails an unfinished job with the reason appended to its errors (a job that cannot be finalized). No-op once finished. */
  async fail(id: string, message: string): Promise<GenerationJob> {
    assertId('GenerationJob', id);
    const entry = JSON.stringify([{ message }]);
    await this.db.$executeRaw`
      UPDATE "generation_jobs" SET "status" = 'failed', "finished_at" = now(), "errors" = "errors" || ${entry}::jsonb, "updated_at" = now()
      WHERE "id" = ${id}::uuid AND "status" IN ('queued', 'running')`;
    return this.getInternal(id);
  }

  /**
   * Finishes the job: `completed` when every row succeeded (or there were none),
   * `completed_with_errors` when some failed, `failed` when every row failed, unless a status is
   * given. Only from queued/running; idempotent for the same final status.
   */
  async complete(
    id: string,
    opts: { resultKey?: string | null; status?: 'completed' | 'completed_with_errors' | 'failed' } = {},
  ): Promise<GenerationJob> {
    const job = await this.getInternal(id);
    const status = opts.status ?? (job.failed === 0 ? 'completed' : job.done === 0 ? 'failed' : 'completed_with_errors');
    const { count } = await this.db.generationJob.updateMany({
      where: { id, status: { in: ['queued', 'running'] } },
      data: { status, finishedAt: new Date(), ...(opts.resultKey !== undefined ? { resultKey: opts.resultKey } : {}) },
    });
    const after = await this.getInternal(id);
    if (count === 0 && after.status !== status) {
      throw new ConflictError('invalid_transition', `GenerationJob ${id} is already ${after.status}`, { from: after.status, to: status });
    }
    return after;
  }

  /** Every record's message was sent: the job is whole (see createJob). */
  async markEnqueued(id: string): Promise<GenerationJob> {
    assertId('GenerationJob', id);
    return mapWriteErrors('GenerationJob', id, () => this.db.generationJob.update({ where: { id }, data: { enqueuedAt: new Date() } }));
  }

  /**
   * Takes back a job whose messages could not all be sent, with any rows a message already made:
   * the job is as if never created (a message still queued finds no job and is dropped). Only
   * while it is not marked enqueued. Returns the storage keys of documents already made, to delete.
   */
  async deleteUnenqueued(id: string): Promise<string[]> {
    assertId('GenerationJob', id);
    return this.db.$transaction(async (db) => {
      const rows = await db.generatedPdf.findMany({ where: { jobId: id, storageKey: { not: null } }, select: { storageKey: true } });
      await db.generatedPdf.deleteMany({ where: { jobId: id } });
      await db.generationJob.deleteMany({ where: { id, enqueuedAt: null } });
      return rows.map((r) => r.storageKey!);
    });
  }

  /** Records the outcome of a webhook attempt (one finalize runs per job at a time, so last write wins). */
  async recordWebhookDelivery(id: string, delivery: WebhookDelivery): Promise<GenerationJob> {
    assertId('GenerationJob', id);
    const data = parseInput(webhookDeliverySchema, delivery, 'Invalid webhook delivery');
    return mapWriteErrors('GenerationJob', id, () => this.db.generationJob.update({ where: { id }, data: { webhookDelivery: data } }));
  }

  /** Owner cancels a job that has not finished. */
  async cancel(userId: string, id: string): Promise<GenerationJob> {
    const job = await this.getOwned(userId, id);
    if (FINAL.includes(job.status)) throw new ConflictError('invalid_transition', `GenerationJob ${id} is already ${job.status}`);
    const { count } = await this.db.generationJob.updateMany({
      where: { id, status: { notIn: FINAL } },
      data: { status: 'cancelled', finishedAt: new Date() },
    });
    const after = await this.getInternal(id);
    // Finished between the read and the update: the job was not cancelled, so do not say it was.
    if (count === 0) throw new ConflictError('invalid_transition', `GenerationJob ${id} is already ${after.status}`);
    return after;
  }

  /**
   * Account deletion: every unfinished job of the user is cancelled first, so records still in the
   * queue or rendering stop at their next step (a cancelled job takes no more documents).
   */
  async cancelAllForUser(userId: string): Promise<number> {
    assertId('User', userId);
    const { count } = await this.db.generationJob.updateMany({
      where: { userId, status: { notIn: FINAL } },
      data: { status: 'cancelled', finishedAt: new Date() },
    });
    return count;
  }

  /**
   * Unfinished jobs (queued or running) untouched since `updatedBefore`, oldest first. Every record
   * outcome bumps updatedAt (it counts in the same write), so these are jobs no record has moved for.
   */
  async listStalled(updatedBefore: Date, limit = 100): Promise<GenerationJob[]> {
    return this.db.generationJob.findMany({
      where: { status: { in: ['queued', 'running'] }, updatedAt: { lt: updatedBefore } },
      orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }

  /** Newest first, paged. */
  async listByUser(userId: string, opts: PageRequest & { status?: JobStatus } = {}): Promise<Page<GenerationJob>> {
    const { page, limit, skip } = parsePage(opts);
    assertId('User', userId);
    const where: Prisma.GenerationJobWhereInput = { userId, ...(opts.status ? { status: opts.status } : {}) };
    const [items, total] = await Promise.all([
      this.db.generationJob.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip, take: limit }),
      this.db.generationJob.count({ where }),
    ]);
    return toPage(items, total, page, limit);
  }
}
