import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { GeneratedPdf, GenerationJob, PdfStatus } from '@/generated/prisma/client.js';
import { ConflictError, NotFoundError, ValidationError } from '@/shared/errors.js';
import { addJobFailures } from './generation-jobs-repository.js';
import { claimJobRecords, completeJobRecords, type ChunkJob, type ClaimedRecord, type CompletedRecord } from './job-records.js';
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
  Prisma,
} from './repository.js';

export const createPdfSchema = z.object({
  /** Unique key of the logical document, e.g. `${jobId}:${rowIndex}`; generated when absent. */
  recordKey: z.string().min(1).max(255).optional(),
  userId: z.uuid(),
  templateId: z.string().min(1).max(128),
  templateVersion: z.number().int().min(0),
  jobId: z.uuid().nullish(),
  testMode: z.boolean().optional(),
  expiresAt: z.date().nullish(),
});
export type CreatePdfInput = z.input<typeof createPdfSchema>;

export interface CompletePdfInput {
  storageKey: string;
  bucket: string;
  fileSize: bigint | number;
  pageCount: number;
  expiresAt?: Date | null;
}

/**
 * Allowed status changes. completed is final. processing → processing lets a redelivered message
 * re-claim a row whose worker died; failed → processing is a retry.
 */
export const PDF_TRANSITIONS: Record<PdfStatus, readonly PdfStatus[]> = {
  pending: ['processing', 'failed'],
  processing: ['processing', 'completed', 'failed'],
  failed: ['processing'],
  completed: [],
};

export interface ListPdfsOptions extends PageRequest {
  status?: PdfStatus;
  jobId?: string;
}

export class GeneratedPdfsRepository extends PrismaRepository {
  /**
   * Idempotent: a second create with the same recordKey returns the first row (`created: false`),
   * so a redelivered queue message never makes a second document.
   */
  async createOrGet(input: CreatePdfInput): Promise<{ pdf: GeneratedPdf; created: boolean }> {
    const data = parseInput(createPdfSchema, input, 'Invalid generated PDF');
    const recordKey = data.recordKey ?? randomUUID();
    try {
      const pdf = await mapWriteErrors('User', data.userId, () => this.db.generatedPdf.create({ data: { ...data, recordKey } }));
      return { pdf, created: true };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await this.db.generatedPdf.findUnique({ where: { recordKey } });
      if (!existing || existing.userId !== data.userId)
        throw new ConflictError('record_key_taken', 'recordKey belongs to another document');
      return { pdf: existing, created: false };
    }
  }

  /**
   * A document that already has its outcome, in one INSERT: a synchronous generation renders first
   * and writes its row once (completed with its blob, or failed with the reason), where a job's
   * record needs the pending → processing → completed steps for redelivery.
   */
  async createFinished(
    input: CreatePdfInput & { id: string } & ({ status: 'completed'; result: CompletePdfInput } | { status: 'failed'; error: string }),
  ): Promise<GeneratedPdf> {
    assertId('GeneratedPdf', input.id);
    const data = parseInput(createPdfSchema, input, 'Invalid generated PDF');
    const now = new Date();
    const outcome =
      input.status === 'completed'
        ? {
            storageKey: input.result.storageKey,
            bucket: input.result.bucket,
            fileSize: BigInt(input.result.fileSize),
            pageCount: input.result.pageCount,
            completedAt: now,
          }
        : { error: input.error.slice(0, 4000) };
    return mapWriteErrors('User', data.userId, () =>
      this.db.generatedPdf.create({
        data: { ...data, id: input.id, recordKey: data.recordKey ?? input.id, status: input.status, ...outcome, createdAt: now },
      }),
    );
  }

  async create(input: CreatePdfInput): Promise<GeneratedPdf> {
    return (await this.createOrGet(input)).pdf;
  }

  /** The owner's view; another user's id answers NotFound. */
  async getOwned(userId: string, id: string): Promise<GeneratedPdf> {
    assertId('GeneratedPdf', id);
    assertId('GeneratedPdf', userId);
    const pdf = await this.db.generatedPdf.findFirst({ where: { id, userId } });
    if (!pdf) throw new NotFoundError('GeneratedPdf', id);
    return pdf;
  }

  /** For system work (workers, cleanup) only: by id, whoever owns it. */
  async getInternal(id: string): Promise<GeneratedPdf> {
    assertId('GeneratedPdf', id);
    const pdf = await this.db.generatedPdf.findUnique({ where: { id } });
    if (!pdf) throw new NotFoundError('GeneratedPdf', id);
    return pdf;
  }

  async findByRecordKey(recordKey: string): Promise<GeneratedPdf | null> {
    return this.db.generatedPdf.findUnique({ where: { recordKey } });
  }

  /**
   * Gives every record of the job without an outcome its failure, in bulk and in one transaction:
   * rows are created for records that never had one, pending/processing rows are failed with
   * `reason`, and the job's failed counter and errors move by the same count. Returns that count.
   * For the stalled-jobs sweep, once the queue can no longer deliver any of the job: one statement
   * per step, not a transaction per record (a lost 10,000-record job would otherwise take minutes
   * and rewrite its growing errors list 10,000 times).
   */
  async failUnsettledJobRecords(
    job: Pick<GenerationJob, 'id' | 'userId' | 'templateId' | 'templateVersion' | 'total' | 'testMode'>,
    reason: string,
  ): Promise<number> {
    assertId('GenerationJob', job.id);
    if (job.total < 1) return 0;
    return this.db.$transaction(async (db) => {
      await db.$executeRaw`
        INSERT INTO "generated_pdfs" ("id", "record_key", "user_id", "template_id", "template_version", "job_id", "status", "test_mode", "created_at", "updated_at")
        SELECT gen_random_uuid(), ${job.id}::text || ':' || i::text, ${job.userId}::uuid, ${job.templateId}::text, ${job.templateVersion}::int, ${job.id}::uuid, 'pending', ${job.testMode}::boolean, now(), now()
        FROM generate_series(0, ${job.total - 1}::int) AS i
        ON CONFLICT ("record_key") DO NOTHING`;
      const failed = await db.$queryRaw<{ record_key: string }[]>`
        UPDATE "generated_pdfs" SET "status" = 'failed', "error" = ${reason.slice(0, 4000)}, "updated_at" = now()
        WHERE "job_id" = ${job.id}::uuid AND "status" IN ('pending', 'processing')
        RETURNING "record_key"`;
      if (failed.length === 0) return 0;
      const entries = failed
        .map((r) => ({ index: Number(r.record_key.split(':').pop()), message: reason }))
        .sort((a, b) => a.index - b.index);
      await addJobFailures(db, job.id, failed.length, entries);
      return failed.length;
    });
  }

  /** A chunk of a job's records: their rows, made (as processing) where missing, in one statement (job-records.ts). */
  claimJobRecords(job: ChunkJob, indices: number[], expiresAt: Date): Promise<ClaimedRecord[]> {
    assertId('GenerationJob', job.id);
    return claimJobRecords(this.db, job, indices, expiresAt);
  }

  /** A chunk's rendered rows completed and counted in their job in one statement; the job's counters after it. */
  completeJobRecords(jobId: string, bucket: string, rows: CompletedRecord[]) {
    assertId('GenerationJob', jobId);
    return completeJobRecords(this.db, jobId, bucket, rows);
  }

  markProcessing(id: string): Promise<GeneratedPdf> {
    return this.transition(id, 'processing', { error: null });
  }

  markCompleted(id: string, out: CompletePdfInput): Promise<GeneratedPdf> {
    const fileSize = BigInt(out.fileSize);
    if (fileSize < 0n || !Number.isInteger(out.pageCount) || out.pageCount < 1) {
      throw new ValidationError('Invalid PDF result', [
        { path: 'fileSize|pageCount', code: 'invalid_result', message: 'fileSize must be ≥ 0 and pageCount ≥ 1' },
      ]);
    }
    // A job's row and its job's `done` counter move in one transaction: as two writes, a crash in
    // between left the row completed but never counted, and once that record's redelivery had come
    // and gone (recounting too early), no later record noticed: the job stayed running forever.
    return this.transition(
      id,
      'completed',
      {
        storageKey: out.storageKey,
        bucket: out.bucket,
        fileSize,
        pageCount: out.pageCount,
        error: null,
        completedAt: new Date(),
        ...(out.expiresAt !== undefined ? { expiresAt: out.expiresAt } : {}),
      },
      { countInJob: true },
    );
  }

  /**
   * With `countInJob` (a job's record failing for good), the row's job gets failed += 1 and the
   * error appended in the same transaction, for the same reason as markCompleted.
   */
  markFailed(
    id: string,
    error: string,
    opts: { countInJob?: { index: number; message: string; retryable?: boolean }; retryPayload?: Record<string, unknown> } = {},
  ): Promise<GeneratedPdf> {
    return this.transition(
      id,
      'failed',
      { error: error.slice(0, 4000), ...(opts.retryPayload ? { retryPayload: opts.retryPayload as Prisma.InputJsonObject } : {}) },
      opts.countInJob ? { countInJob: true, jobError: opts.countInJob } : {},
    );
  }

  /**
   * Reopens the job's failed records that kept their data (failed for a passing reason), for
   * POST /api/jobs/:id/retry, in one transaction with the job: the rows go back to pending, the
   * job's failed counter and their errors are taken back, and the job is running again with its
   * old result and webhook outcome dropped. Returns each record's index and data, to be sent again,
   * and the old result's key. Nothing to retry: an empty list, the job untouched.
   */
  async reopenRetryableJobRecords(
    jobId: string,
  ): Promise<{ records: { index: number; payload: Record<string, unknown> }[]; previousResultKey: string | null }> {
    assertId('GenerationJob', jobId);
    return this.db.$transaction(async (db) => {
      const rows = await db.$queryRaw<{ record_key: string; retry_payload: Record<string, unknown> }[]>`
        UPDATE "generated_pdfs" SET "status" = 'pending', "error" = NULL, "updated_at" = now()
        WHERE "job_id" = ${jobId}::uuid AND "status" = 'failed' AND "retry_payload" IS NOT NULL
        RETURNING "record_key", "retry_payload"`;
      if (rows.length === 0) return { records: [], previousResultKey: null };
      const records = rows
        .map((r) => ({ index: Number(r.record_key.split(':').pop()), payload: r.retry_payload }))
        .sort((a, b) => a.index - b.index);
      const job = await db.generationJob.findUniqueOrThrow({ where: { id: jobId } });
      const reopened = new Set(records.map((r) => r.index));
      const errors = (job.errors as { index?: number }[]).filter((e) => e.index === undefined || !reopened.has(e.index));
      await db.generationJob.update({
        where: { id: jobId },
        data: {
          status: 'running',
          failed: { decrement: records.length },
          errors: errors as Prisma.InputJsonArray,
          resultKey: null,
          finishedAt: null,
          retriedAt: new Date(),
          webhookDelivery: Prisma.DbNull,
        },
      });
      return { records, previousResultKey: job.resultKey };
    });
  }

  /**
   * One conditional UPDATE (status must be one that may move to `to`), so two workers racing on the
   * same row cannot both win. Unknown id → NotFoundError; forbidden move → ConflictError 'invalid_transition'.
   */
  private async transition(
    id: string,
    to: PdfStatus,
    data: Prisma.GeneratedPdfUpdateManyMutationInput,
    opts: { countInJob?: boolean; jobError?: { index: number; message: string } } = {},
  ): Promise<GeneratedPdf> {
    assertId('GeneratedPdf', id);
    const from = (Object.keys(PDF_TRANSITIONS) as PdfStatus[]).filter((s) => PDF_TRANSITIONS[s].includes(to));
    const run = async (db: Prisma.TransactionClient): Promise<GeneratedPdf> => {
      const where: Prisma.GeneratedPdfWhereInput =
        to === 'processing'
          ? // A job's failed row is final (it is counted in job.failed): only a standalone document is retried.
            { id, OR: [{ status: { in: from.filter((st) => st !== 'failed') } }, { status: 'failed', jobId: null }] }
          : { id, status: { in: from } };
      const { count } = await db.generatedPdf.updateMany({ where, data: { ...data, status: to } });
      const row = await db.generatedPdf.findUnique({ where: { id } });
      if (!row) throw new NotFoundError('GeneratedPdf', id);
      if (count === 0) {
        throw new ConflictError('invalid_transition', `GeneratedPdf ${id} cannot go from ${row.status} to ${to}`, { from: row.status, to });
      }
      // Only the write that made the transition counts it, so a job's counter moves once per row.
      if (opts.countInJob && row.jobId) {
        if (to === 'completed') await db.generationJob.update({ where: { id: row.jobId }, data: { done: { increment: 1 } } });
        else await addJobFailures(db, row.jobId, 1, opts.jobError ? [opts.jobError] : []);
      }
      return row;
    };
    return opts.countInJob ? this.db.$transaction(run) : run(this.db);
  }

  /** Newest first, paged. */
  async listByUser(userId: string, opts: ListPdfsOptions = {}): Promise<Page<GeneratedPdf>> {
    const { page, limit, skip } = parsePage(opts);
    assertId('User', userId);
    if (opts.jobId !== undefined) assertId('GenerationJob', opts.jobId);
    const where: Prisma.GeneratedPdfWhereInput = {
      userId,
      ...(opts.status ? { status: opts.status } : {}),
      ...(opts.jobId ? { jobId: opts.jobId } : {}),
    };
    const [items, total] = await Promise.all([
      this.db.generatedPdf.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip, take: limit }),
      this.db.generatedPdf.count({ where }),
    ]);
    return toPage(items, total, page, limit);
  }

  /**
   * Rows due for cleanup: expiresAt reached, or (with olderThanDays) created more than N days ago.
   * Oldest first, at most `limit` per call, so a cleanup job can page through a backlog.
   */
  async findExpired(opts: { now?: Date; olderThanDays?: number; limit?: number } = {}): Promise<GeneratedPdf[]> {
    const now = opts.now ?? new Date();
    const limit = parseInput(z.number().int().min(1).max(1000), opts.limit ?? 100, 'Invalid limit');
    const or: Prisma.GeneratedPdfWhereInput[] = [{ expiresAt: { lte: now } }];
    if (opts.olderThanDays !== undefined) {
      const days = parseInput(z.number().min(0), opts.olderThanDays, 'Invalid olderThanDays');
      or.push({ createdAt: { lt: new Date(now.getTime() - days * 86_400_000) } });
    }
    return this.db.generatedPdf.findMany({ where: { OR: or }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: limit });
  }

  /** Every template id that has generated documents (for the retention pass of the cleanup). */
  async templateIds(): Promise<string[]> {
    const rows = await this.db.generatedPdf.findMany({ distinct: ['templateId'], select: { templateId: true } });
    return rows.map((r) => r.templateId);
  }

  /**
   * Per-template retention: every document of the template expires `days` after it was created
   * (earlier or later than the deployment's default it was stamped with). Returns the rows changed.
   */
  async applyRetention(templateId: string, days: number): Promise<number> {
    parseInput(z.number().int().min(0).max(36_500), days, 'Invalid retention');
    return this.db.$executeRaw`
      UPDATE "generated_pdfs" SET "expires_at" = "created_at" + make_interval(days => ${days}::int), "updated_at" = now()
      WHERE "template_id" = ${templateId} AND "expires_at" IS DISTINCT FROM "created_at" + make_interval(days => ${days}::int)`;
  }

  /** Deletes the owner's row; another user's id answers NotFound. */
  async deleteOwned(userId: string, id: string): Promise<void> {
    assertId('GeneratedPdf', id);
    assertId('GeneratedPdf', userId);
    await mapWriteErrors('GeneratedPdf', id, () => this.db.generatedPdf.delete({ where: { id, userId }, select: { id: true } }));
  }

  /** For system work (integrity repair) only: deletes the row whoever owns it. */
  async deleteInternal(id: string): Promise<void> {
    assertId('GeneratedPdf', id);
    await mapWriteErrors('GeneratedPdf', id, () => this.db.generatedPdf.delete({ where: { id }, select: { id: true } }));
  }

  /** Deletes these rows (cleanup); returns how many existed. */
  async deleteMany(ids: string[]): Promise<number> {
    const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (valid.length === 0) return 0;
    return (await this.db.generatedPdf.deleteMany({ where: { id: { in: valid } } })).count;
  }
}
