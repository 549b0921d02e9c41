import { Prisma } from '@seedship/db';

import { type DriveView } from '../api/api-schemas';

/** The columns of a DriveView, with the job, node and bay names joined in. */
export const DRIVE_SELECT = Prisma.sql`
  SELECT d.id::text AS id, d.serial_number AS "serialNumber", d.model, d.transport, d.size_bytes::text AS "sizeBytes",
         d.state::text AS state, d.state_reason AS "stateReason", d.job_id::text AS "jobId", j.import_job_name AS "importJobName",
         d.node_id::text AS "nodeId", n.node_name AS "nodeName", d.bay_id::text AS "bayId", b.slot AS "baySlot", b.label AS "bayLabel",
         d.bytes_planned::text AS "bytesPlanned", d.bytes_written::text AS "bytesWritten", d.verified_at AS "verifiedAt",
         d.wipe_released_by AS "wipeReleasedBy", d.wipe_released_at AS "wipeReleasedAt",
         (d.recovery_password_ciphertext IS NOT NULL) AS "hasRecoveryPassword", d.updated_at AS "updatedAt", d.created_at AS "createdAt"
  FROM drive d
  LEFT JOIN seeding_job j ON j.id = d.job_id
  LEFT JOIN copy_node n ON n.id = d.node_id
  LEFT JOIN bay b ON b.id = d.bay_id`;

export interface DriveRow extends Omit<DriveView, 'verifiedAt' | 'wipeReleasedAt' | 'updatedAt'> {
  verifiedAt: Date | null;
  wipeReleasedAt: Date | null;
  updatedAt: Date;
  createdAt: Date;
}

export function toDriveView(row: DriveRow): DriveView {
  return {
    id: row.id,
    serialNumber: row.serialNumber,
    model: row.model,
    transport: row.transport,
    sizeBytes: row.sizeBytes,
    state: row.state,
    stateReason: row.stateReason,
    jobId: row.jobId,
    importJobName: row.importJobName,
    nodeId: row.nodeId,
    nodeName: row.nodeName,
    bayId: row.bayId,
    baySlot: row.baySlot,
    bayLabel: row.bayLabel,
    bytesPlanned: row.bytesPlanned,
    bytesWritten: row.bytesWritten,
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    wipeReleasedBy: row.wipeReleasedBy,
    wipeReleasedAt: row.wipeReleasedAt?.toISOString() ?? null,
    hasRecoveryPassword: row.hasRecoveryPassword,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Keyset cursors: `<created_at ISO>|<id>`, base64url, so pages stay stable while rows are added. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | undefined {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || rest.length > 0 || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
  return { createdAt, id };
}
