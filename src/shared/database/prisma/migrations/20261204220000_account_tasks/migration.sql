-- AlterTable
ALTER TABLE "users" ADD COLUMN     "deletion_requested_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "account_tasks" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "user_id" UUID,
    "requested_by" UUID,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "result" JSONB,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "account_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "account_tasks_user_id_created_at_idx" ON "account_tasks"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "account_tasks_completed_at_idx" ON "account_tasks"("completed_at");

