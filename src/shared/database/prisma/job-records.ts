import type { GenerationJob, PdfStatus, PrismaClient } from '@/generated/prisma/client.js';
import { NotFoundError } from '@/shared/errors.js';

/**
 * The rows of a chunk of job records, claimed and completed in one statement each (a chunk is up to
 * a few hundred records of one job): the per-record path took about twelve round trips per record,
 * which on the embedded database cost more than rendering. Exactly-once is the same as per record:
 * a row per record key, only the statement that moves a row to its outcome counts it in its job.
 */

export interface ClaimedRecord {
  id: string;
  index: number;
  status: PdfStatus;
}

export interface ChunkJob {
  id: string;
  userId: string;
  templateId: string;
  templateVersion: number;
  testMode: boolean;
}

/**
 * Creates the rows of the chunk's records that have none (as processing) and returns every record's
 * row, new or old: a redelivered chunk finds its completed and failed rows and skips them. One
 * statement: the final SELECT reads the snapshot before the INSERT, so it returns exactly the rows
 * that existed, and the INSERT's RETURNING the rest.
 */
export async function claimJobRecords(db: PrismaClient, job: ChunkJob, indices: number[], expiresAt: Date): Promise<ClaimedRecord[]> {
  if (indices.length === 0) return [];
  const keys = indices.map((i) => `${job.id}:${i}`);
  const rows = await db.$queryRaw<{ id: string; record_key: string; status: PdfStatus }[]>`
    WITH wanted AS (SELECT unnest(${keys}::text[]) AS record_key),
    inserted AS (
      INSERT INTO "generated_pdfs" ("id", "record_key", "user_id", "template_id", "template_version", "job_id", "status", "test_mode", "expires_at", "created_at", "updated_at")
      SELECT gen_random_uuid(), w.record_key, ${job.userId}::uuid, ${job.templateId}::text, ${job.templateVersion}::int, ${job.id}::uuid, 'processing', ${job.testMode}::boolean, ${expiresAt}::timestamptz, now(), now()
      FROM wanted w
      ON CONFLICT ("record_key") DO NOTHING
      RETURNING "id", "record_key", "status"
    )
    SELECT "id"::text AS id, "record_key", "status"::text AS status FROM inserted
    UNION ALL
    SELECT g."id"::text, g."record_key", g."status"::text FROM "generated_pdfs" g JOIN wanted w ON w.record_key = g."record_key"`;
  return rows.map((r) => ({ id: r.id, index: Number(r.record_key.slice(r.record_key.lastIndexOf(':') + 1)), status: r.status }));
}

export interface CompletedRecord {
  id: string;
  storageKey: string;
  fileSize: number;
  pageCount: number;
}

/**
 * Completes the chunk's rendered rows and counts them in the job, in one statement: only rows not
 * yet final move (another delivery may have completed some), and `done` grows by exactly the rows
 * that moved. Returns the job's counters after the update, so the caller needs no second read to
 * know whether the job is finished.
 */
export async function completeJobRecords(
  db: PrismaClient,
  jobId: string,
  bucket: string,
  rows: CompletedRecord[],
): Promise<Pick<GenerationJob, 'done' | 'failed' | 'total'> & { moved: number }> {
  const ids = rows.map((r) => r.id);
  const keys = rows.map((r) => r.storageKey);
  const sizes = rows.map((r) => r.fileSize);
  const pages = rows.map((r) => r.pageCount);
  const [counters] = await db.$queryRaw<{ done: number; failed: number; total: number; moved: number }[]>`
    WITH v AS (
      SELECT unnest(${ids}::uuid[]) AS id, unnest(${keys}::text[]) AS storage_key, unnest(${sizes}::bigint[]) AS file_size, unnest(${pages}::int[]) AS page_count
    ),
    moved AS (
      UPDATE "generated_pdfs" g
      SET "status" = 'completed', "storage_key" = v.storage_key, "bucket" = ${bucket}, "file_size" = v.file_size, "page_count" = v.page_count,
          "error" = NULL, "completed_at" = now(), "updated_at" = now()
      FROM v
      WHERE g."id" = v.id AND g."status" IN ('pending', 'processing')
      RETURNING g."id"
    )
    UPDATE "generation_jobs" SET "done" = "done" + (SELECT count(*) FROM moved)::int, "updated_at" = now()
    WHERE "id" = ${jobId}::uuid
    RETURNING "done", "failed", "total", (SELECT count(*) FROM moved)::int AS moved`;
  if (!counters) throw new NotFoundError('GenerationJob', jobId);
  return counters;
}
