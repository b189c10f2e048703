-- AlterTable
ALTER TABLE "audit_logs" ADD COLUMN     "anonymised_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "audit_logs_anonymised_at_idx" ON "audit_logs"("anonymised_at");

-- CreateIndex
CREATE INDEX "generated_pdfs_template_id_idx" ON "generated_pdfs"("template_id");
