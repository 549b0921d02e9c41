-- Indexes for the ops console's fleet overview (tools/bench/console: 10,000 jobs, 100,000 drives).
-- Both cover their query, so the totals come from index-only scans instead of reading the tables.

-- Bytes on drives and drive counts by state.
CREATE INDEX "drive_state_bytes_written_job_id_bay_id_idx" ON "drive" ("state", "bytes_written", "job_id", "bay_id");

-- Bytes imported: the latest observation of each drive of each job.
CREATE INDEX "azure_drive_status_latest_per_drive_idx"
  ON "azure_drive_status" ("job_id", "azure_drive_id", "observed_at", "bytes_succeeded");
