-- AlterTable
ALTER TABLE "generation_jobs" ADD COLUMN     "request_hash" TEXT;
