-- Seedship's shared schema, first version. Written in the form `prisma migrate diff` produces; the
-- drift test (libs/db) proves it matches prisma/schema.prisma.

-- CreateEnum
CREATE TYPE "job_state" AS ENUM ('DRAFT', 'STAGING', 'STAGED', 'AWAITING_DRIVES', 'PREPARING_DRIVES', 'DRIVES_READY', 'IMPORT_JOB_CREATED', 'SHIPPING', 'RECEIVED', 'TRANSFERRING', 'PACKAGING', 'IMPORT_COMPLETED', 'VERIFYING', 'SEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "import_provider" AS ENUM ('IMPORT_EXPORT', 'DATABOX_CUSTOMER_DISK');

-- CreateEnum
CREATE TYPE "snapshot_kind" AS ENUM ('FULL', 'INCREMENTAL');

-- CreateEnum
CREATE TYPE "snapshot_state" AS ENUM ('OPEN', 'SEALED', 'ABANDONED');

-- CreateEnum
CREATE TYPE "drive_state" AS ENUM ('DETECTED', 'REJECTED', 'NEEDS_WIPE_CONFIRMATION', 'AVAILABLE', 'CLAIMED', 'WRITING', 'VERIFYING', 'READY', 'FAILED', 'REMOVED', 'SHIPPED');

-- CreateEnum
CREATE TYPE "shipment_direction" AS ENUM ('DELIVERY', 'RETURN');

-- CreateTable
CREATE TABLE "seeding_job" (
    "id" UUID NOT NULL,
    "import_job_name" VARCHAR(64) NOT NULL,
    "state" "job_state" NOT NULL DEFAULT 'DRAFT',
    "failure_reason" TEXT,
    "failed_in_state" "job_state",
    "provider" "import_provider" NOT NULL DEFAULT 'DATABOX_CUSTOMER_DISK',
    "subscription_id" VARCHAR(64) NOT NULL,
    "resource_group" VARCHAR(90) NOT NULL,
    "storage_account" VARCHAR(24) NOT NULL,
    "container" VARCHAR(63) NOT NULL,
    "location" VARCHAR(64) NOT NULL,
    "staging_location" TEXT NOT NULL,
    "bytes_needing_drives" BIGINT NOT NULL DEFAULT 0,
    "azure_job_resource_id" TEXT,
    "datacenter_address" JSONB,
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "seeding_job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staging_snapshot" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "kind" "snapshot_kind" NOT NULL,
    "state" "snapshot_state" NOT NULL DEFAULT 'OPEN',
    "manifest_id" VARCHAR(128),
    "file_count" BIGINT NOT NULL DEFAULT 0,
    "source_bytes" BIGINT NOT NULL DEFAULT 0,
    "stored_bytes" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sealed_at" TIMESTAMPTZ(3),

    CONSTRAINT "staging_snapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staged_blob" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "snapshot_id" UUID NOT NULL,
    "blob_name" VARCHAR(1024) NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "md5" VARCHAR(24) NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "staged_blob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "copy_node" (
    "id" UUID NOT NULL,
    "node_name" VARCHAR(253) NOT NULL,
    "agent_version" VARCHAR(64),
    "last_heartbeat_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "copy_node_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bay" (
    "id" UUID NOT NULL,
    "node_id" UUID NOT NULL,
    "slot" VARCHAR(128) NOT NULL,
    "label" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drive" (
    "id" UUID NOT NULL,
    "serial_number" VARCHAR(128) NOT NULL,
    "model" VARCHAR(128),
    "transport" VARCHAR(32) NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "logical_sector_size" INTEGER NOT NULL,
    "rotational" BOOLEAN NOT NULL,
    "state" "drive_state" NOT NULL DEFAULT 'DETECTED',
    "state_reason" TEXT,
    "node_id" UUID,
    "bay_id" UUID,
    "device_path" VARCHAR(256),
    "job_id" UUID,
    "claimed_at" TIMESTAMPTZ(3),
    "wipe_released_by" VARCHAR(256),
    "wipe_released_at" TIMESTAMPTZ(3),
    "recovery_password_ciphertext" BYTEA,
    "manifest_file" VARCHAR(1024),
    "manifest_hash" VARCHAR(64),
    "drive_header_hash" VARCHAR(64),
    "bytes_planned" BIGINT NOT NULL DEFAULT 0,
    "bytes_written" BIGINT NOT NULL DEFAULT 0,
    "verified_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "drive_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drive_blob" (
    "drive_id" UUID NOT NULL,
    "staged_blob_id" UUID NOT NULL,
    "path_on_drive" VARCHAR(1024) NOT NULL,
    "verified" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "drive_blob_pkey" PRIMARY KEY ("drive_id","staged_blob_id")
);

-- CreateTable
CREATE TABLE "azure_job_status" (
    "id" BIGSERIAL NOT NULL,
    "job_id" UUID NOT NULL,
    "provider" "import_provider" NOT NULL,
    "azure_state" VARCHAR(64) NOT NULL,
    "percent_complete" INTEGER,
    "raw" JSONB NOT NULL,
    "observed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "azure_job_status_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "azure_drive_status" (
    "id" BIGSERIAL NOT NULL,
    "job_id" UUID NOT NULL,
    "drive_id" UUID,
    "azure_drive_id" VARCHAR(128) NOT NULL,
    "azure_state" VARCHAR(64) NOT NULL,
    "copy_status" VARCHAR(64),
    "percent_complete" INTEGER,
    "bytes_succeeded" BIGINT,
    "error_log_uri" TEXT,
    "verbose_log_uri" TEXT,
    "raw" JSONB NOT NULL,
    "observed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "azure_drive_status_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shipment" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "direction" "shipment_direction" NOT NULL,
    "carrier_name" VARCHAR(64) NOT NULL,
    "tracking_number" VARCHAR(64),
    "carrier_account_number" VARCHAR(64),
    "drive_count" INTEGER,
    "ship_date" DATE,
    "arrival_deadline" DATE,
    "carrier_status" VARCHAR(64),
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "shipment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_timeline_entry" (
    "id" BIGSERIAL NOT NULL,
    "job_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" VARCHAR(256) NOT NULL,
    "action" VARCHAR(128) NOT NULL,
    "from_state" "job_state",
    "to_state" "job_state",
    "detail" JSONB,

    CONSTRAINT "job_timeline_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_event" (
    "position" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "subject" VARCHAR(256) NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "processed_event" (
    "consumer" VARCHAR(128) NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_event_pkey" PRIMARY KEY ("consumer","event_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "seeding_job_import_job_name_key" ON "seeding_job"("import_job_name");

-- CreateIndex
CREATE INDEX "seeding_job_state_created_at_idx" ON "seeding_job"("state", "created_at");

-- CreateIndex
CREATE INDEX "staging_snapshot_job_id_created_at_idx" ON "staging_snapshot"("job_id", "created_at");

-- CreateIndex
CREATE INDEX "staged_blob_snapshot_id_idx" ON "staged_blob"("snapshot_id");

-- CreateIndex
CREATE UNIQUE INDEX "staged_blob_job_id_blob_name_key" ON "staged_blob"("job_id", "blob_name");

-- CreateIndex
CREATE UNIQUE INDEX "copy_node_node_name_key" ON "copy_node"("node_name");

-- CreateIndex
CREATE UNIQUE INDEX "bay_node_id_slot_key" ON "bay"("node_id", "slot");

-- CreateIndex
CREATE UNIQUE INDEX "drive_serial_number_key" ON "drive"("serial_number");

-- CreateIndex
CREATE INDEX "drive_job_id_state_idx" ON "drive"("job_id", "state");

-- CreateIndex
CREATE INDEX "drive_state_created_at_idx" ON "drive"("state", "created_at");

-- CreateIndex
CREATE INDEX "drive_node_id_idx" ON "drive"("node_id");

-- CreateIndex
CREATE INDEX "drive_blob_staged_blob_id_idx" ON "drive_blob"("staged_blob_id");

-- CreateIndex
CREATE INDEX "azure_job_status_job_id_observed_at_idx" ON "azure_job_status"("job_id", "observed_at");

-- CreateIndex
CREATE INDEX "azure_drive_status_job_id_observed_at_idx" ON "azure_drive_status"("job_id", "observed_at");

-- CreateIndex
CREATE UNIQUE INDEX "shipment_tracking_number_key" ON "shipment"("tracking_number");

-- CreateIndex
CREATE UNIQUE INDEX "shipment_job_id_direction_key" ON "shipment"("job_id", "direction");

-- CreateIndex
CREATE INDEX "job_timeline_entry_job_id_id_idx" ON "job_timeline_entry"("job_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_event_event_id_key" ON "outbox_event"("event_id");

-- CreateIndex
CREATE INDEX "outbox_event_published_at_position_idx" ON "outbox_event"("published_at", "position");

-- AddForeignKey
ALTER TABLE "staging_snapshot" ADD CONSTRAINT "staging_snapshot_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "seeding_job"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staged_blob" ADD CONSTRAINT "staged_blob_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "seeding_job"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staged_blob" ADD CONSTRAINT "staged_blob_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "staging_snapshot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bay" ADD CONSTRAINT "bay_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "copy_node"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drive" ADD CONSTRAINT "drive_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "copy_node"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drive" ADD CONSTRAINT "drive_bay_id_fkey" FOREIGN KEY ("bay_id") REFERENCES "bay"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drive" ADD CONSTRAINT "drive_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "seeding_job"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drive_blob" ADD CONSTRAINT "drive_blob_drive_id_fkey" FOREIGN KEY ("drive_id") REFERENCES "drive"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drive_blob" ADD CONSTRAINT "drive_blob_staged_blob_id_fkey" FOREIGN KEY ("staged_blob_id") REFERENCES "staged_blob"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "azure_job_status" ADD CONSTRAINT "azure_job_status_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "seeding_job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "azure_drive_status" ADD CONSTRAINT "azure_drive_status_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "seeding_job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "azure_drive_status" ADD CONSTRAINT "azure_drive_status_drive_id_fkey" FOREIGN KEY ("drive_id") REFERENCES "drive"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "seeding_job"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_timeline_entry" ADD CONSTRAINT "job_timeline_entry_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "seeding_job"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written (Prisma has no syntax for it): the job timeline is append-only.
CREATE FUNCTION "job_timeline_entry_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'job_timeline_entry is append-only: % is not allowed', TG_OP;
END;
$$;

CREATE TRIGGER "job_timeline_entry_no_update_or_delete"
    BEFORE UPDATE OR DELETE ON "job_timeline_entry"
    FOR EACH STATEMENT EXECUTE FUNCTION "job_timeline_entry_append_only"();
