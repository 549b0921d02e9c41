-- Staging ingest: progress, space check and report of each ingest (apps/staging-ingest). Written in
-- the form `prisma migrate diff` produces; the drift test (libs/db) proves it matches schema.prisma.

-- CreateEnum
CREATE TYPE "ingest_source_kind" AS ENUM ('PATH', 'TAR_UPLOAD');

-- CreateEnum
CREATE TYPE "ingest_state" AS ENUM ('RUNNING', 'INTERRUPTED', 'COMPLETED', 'FAILED');

-- CreateEnum
CREATE TYPE "ingest_issue_kind" AS ENUM ('UNREADABLE', 'VANISHED', 'CHANGED_WHILE_READING', 'SYMLINK', 'SPECIAL_FILE', 'NAME_NOT_UTF8', 'NAME_NOT_BLOB_SAFE', 'UNSAFE_PATH');

-- CreateEnum
CREATE TYPE "ingest_issue_outcome" AS ENUM ('SKIPPED', 'STORED', 'STORED_FLAGGED');

-- CreateTable
CREATE TABLE "staging_ingest" (
    "snapshot_id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "source_kind" "ingest_source_kind" NOT NULL,
    "source" TEXT NOT NULL,
    "state" "ingest_state" NOT NULL DEFAULT 'RUNNING',
    "files_total" BIGINT,
    "bytes_total" BIGINT,
    "worst_case_bytes" BIGINT NOT NULL,
    "free_bytes_at_start" BIGINT NOT NULL,
    "files_done" BIGINT NOT NULL DEFAULT 0,
    "bytes_done" BIGINT NOT NULL DEFAULT 0,
    "resumed_files" BIGINT NOT NULL DEFAULT 0,
    "bytes_read_this_run" BIGINT NOT NULL DEFAULT 0,
    "bytes_per_second" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "seconds_left" DOUBLE PRECISION,
    "runs" INTEGER NOT NULL DEFAULT 1,
    "owner" VARCHAR(256),
    "error_message" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "staging_ingest_pkey" PRIMARY KEY ("snapshot_id")
);

-- CreateTable
CREATE TABLE "ingest_issue" (
    "id" BIGSERIAL NOT NULL,
    "snapshot_id" UUID NOT NULL,
    "kind" "ingest_issue_kind" NOT NULL,
    "outcome" "ingest_issue_outcome" NOT NULL,
    "path" TEXT NOT NULL,
    "path_hash" CHAR(32) NOT NULL,
    "detail" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ingest_issue_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "staging_ingest_job_id_idx" ON "staging_ingest"("job_id");

-- CreateIndex
CREATE INDEX "staging_ingest_state_idx" ON "staging_ingest"("state");

-- CreateIndex
CREATE UNIQUE INDEX "ingest_issue_snapshot_id_kind_path_hash_key" ON "ingest_issue"("snapshot_id", "kind", "path_hash");

-- AddForeignKey
ALTER TABLE "staging_ingest" ADD CONSTRAINT "staging_ingest_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "staging_snapshot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staging_ingest" ADD CONSTRAINT "staging_ingest_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "seeding_job"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ingest_issue" ADD CONSTRAINT "ingest_issue_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "staging_ingest"("snapshot_id") ON DELETE CASCADE ON UPDATE CASCADE;
