-- CreateTable
CREATE TABLE "login_throttles" (
    "email_key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "last_failure_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "login_throttles_pkey" PRIMARY KEY ("email_key")
);

-- CreateTable
CREATE TABLE "login_addresses" (
    "user_id" UUID NOT NULL,
    "address" TEXT NOT NULL,
    "last_success_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "login_addresses_pkey" PRIMARY KEY ("user_id","address")
);

-- AddForeignKey
ALTER TABLE "login_addresses" ADD CONSTRAINT "login_addresses_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
