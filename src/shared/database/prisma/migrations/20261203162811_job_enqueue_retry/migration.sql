-- AlterEnum
ALTER TYPE "JobStatus" ADD VALUE 'completed_with_errors';

-- AlterTable
ALTER TABLE "generated_pdfs" ADD COLUMN     "retry_payload" JSONB;

-- AlterTable
ALTER TABLE "generation_jobs" ADD COLUMN     "enqueued_at" TIMESTAMPTZ(3),
ADD COLUMN     "retried_at" TIMESTAMPTZ(3);

-- Jobs from before this column had their messages sent in the request that made them.
UPDATE "generation_jobs" SET "enqueued_at" = "created_at";
