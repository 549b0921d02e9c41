-- Import orchestrator: its working record per job, online uploads of incrementals, the reconciler's
-- lease, and the mapped state of each Azure observation. Written in the form `prisma migrate diff`
-- produces; the drift test (libs/db) proves it matches schema.prisma.

-- CreateEnum
CREATE TYPE "online_upload_state" AS ENUM ('RUNNING', 'COMPLETED', 'FAILED');

-- AlterTable
ALTER TABLE "azure_job_status" ADD COLUMN     "mapped_state" "job_state",
ADD COLUMN     "unmapped" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "import_tracking" (
    "job_id" UUID NOT NULL,
    "provider" "import_provider" NOT NULL,
    "azure_created_at" TIMESTAMPTZ(3),
    "delivery_carrier" VARCHAR(64),
    "delivery_tracking_number" VARCHAR(64),
    "delivery_drive_count" INTEGER,
    "delivery_ship_date" VARCHAR(10),
    "shipped_reported_at" TIMESTAMPTZ(3),
    "cancel_requested_at" TIMESTAMPTZ(3),
    "cancel_requested_by" VARCHAR(256),
    "cancel_reason" TEXT,
    "last_azure_state" VARCHAR(64),
    "last_percent_complete" INTEGER,
    "unmapped_azure_state" VARCHAR(64),
    "completed_with_problems" BOOLEAN NOT NULL DEFAULT false,
    "status_line" TEXT,
    "next_poll_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "poll_interval_ms" INTEGER NOT NULL DEFAULT 0,
    "consecutive_poll_errors" INTEGER NOT NULL DEFAULT 0,
    "last_poll_error" TEXT,
    "last_polled_at" TIMESTAMPTZ(3),
    "verified_blobs" INTEGER NOT NULL DEFAULT 0,
    "verified_bytes" BIGINT NOT NULL DEFAULT 0,
    "repaired_blobs" INTEGER NOT NULL DEFAULT 0,
    "verify_rounds" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "import_tracking_pkey" PRIMARY KEY ("job_id")
);

-- CreateTable
CREATE TABLE "online_upload" (
    "snapshot_id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "state" "online_upload_state" NOT NULL DEFAULT 'RUNNING',
    "source" TEXT NOT NULL,
    "objects_total" INTEGER NOT NULL DEFAULT 0,
    "objects_uploaded" INTEGER NOT NULL DEFAULT 0,
    "objects_already_present" INTEGER NOT NULL DEFAULT 0,
    "packs_uploaded" INTEGER NOT NULL DEFAULT 0,
    "bytes_total" BIGINT NOT NULL DEFAULT 0,
    "bytes_uploaded" BIGINT NOT NULL DEFAULT 0,
    "bytes_per_second" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "error_message" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "online_upload_pkey" PRIMARY KEY ("snapshot_id")
);

-- CreateTable
CREATE TABLE "service_lease" (
    "name" VARCHAR(128) NOT NULL,
    "owner" VARCHAR(256) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "service_lease_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "import_tracking_next_poll_at_idx" ON "import_tracking"("next_poll_at");

-- CreateIndex
CREATE INDEX "online_upload_job_id_idx" ON "online_upload"("job_id");

-- AddForeignKey
ALTER TABLE "import_tracking" ADD CONSTRAINT "import_tracking_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "seeding_job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "online_upload" ADD CONSTRAINT "online_upload_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "seeding_job"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "online_upload" ADD CONSTRAINT "online_upload_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "staging_snapshot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
