-- AlterTable
ALTER TABLE "generation_jobs" ADD COLUMN     "webhook_delivery" JSONB;
