-- AlterTable
ALTER TABLE "generation_jobs" ADD COLUMN     "output_options" JSONB;

-- CreateTable
CREATE TABLE "signing_certificates" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "serial_number" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "not_before" TIMESTAMPTZ(3) NOT NULL,
    "not_after" TIMESTAMPTZ(3) NOT NULL,
    "key_id" TEXT NOT NULL,
    "sealed" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "signing_certificates_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "signing_certificates_user_id_created_at_id_idx" ON "signing_certificates"("user_id", "created_at", "id");

-- AddForeignKey
ALTER TABLE "signing_certificates" ADD CONSTRAINT "signing_certificates_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "generation_jobs" ADD COLUMN     "sealed_secrets" BYTEA;
