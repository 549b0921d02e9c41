import { createHash } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { type ContainerClient } from '@azure/storage-blob';

import { type DriveFaults, type DriveRegistration } from './drive-faults';
import { DRIVE_READER, DriveReadError, type DriveReader, type OpenedDrive } from './drive-reader';
import { type BlockStatus, type DriveLog, type LoggedBlob, type LoggedBlock, renderDriveLog } from './import-log';
import { type DriveManifest, ManifestError, type ManifestBlob, parseDriveManifest } from './manifest/drive-manifest';
import { type DriveProblem, type Shipment, type ShipmentDrive } from './shipment';
import { StorageAccounts } from './storage-accounts';

export interface DriveProgress {
  readonly bytesSucceeded: number;
  readonly totalBytes: number;
  readonly blobsSucceeded: number;
  readonly totalBlobs: number;
}

export interface DriveImportResult extends DriveProgress {
  readonly problem?: DriveProblem;
  readonly errorLogUri?: string;
  readonly verboseLogUri?: string;
  readonly manifestUri?: string;
}

/**
 * Does for one received drive what the datacenter does: unlock it with the job's BitLocker key, read
 * the manifest named in the job and check its MD5 against the job, then copy every blob block by
 * block, checking each block's MD5 against the manifest and committing each blob with its Content-MD5.
 * Writes the error log (on any error) and the verbose log (when asked) to the storage account.
 */
@Injectable()
export class DriveImporter {
  constructor(
    @Inject(DRIVE_READER) private readonly reader: DriveReader,
    @Inject(StorageAccounts) private readonly accounts: StorageAccounts,
  ) {}

  async importDrive(
    shipment: Shipment,
    drive: ShipmentDrive,
    registration: DriveRegistration,
    onProgress: (progress: DriveProgress) => Promise<void>,
  ): Promise<DriveImportResult> {
    const logs = new DriveLogWriter(this.accounts, shipment, drive.driveId);
    const failDrive = async (problem: DriveProblem, status: string, message: string): Promise<DriveImportResult> => {
      const uris = await logs.write({ driveId: drive.driveId, blobs: [], status, message });
      return { problem, bytesSucceeded: 0, totalBytes: 0, blobsSucceeded: 0, totalBlobs: 0, ...uris };
    };

    let opened: OpenedDrive;
    try {
      opened = await this.open(registration, drive.bitLockerKey);
    } catch (error) {
      if (error instanceof DriveReadError) {
        const status = error.problem === 'BitLockerKeyInvalid' ? 'BitLockerKeyInvalid' : 'DriveReadError';
        return failDrive(error.problem, status, error.message);
      }
      throw error;
    }
    try {
      const manifestBytes = await opened.readFile(drive.manifestFile);
      if (!manifestBytes) {
        return await failDrive('ManifestMissing', 'ManifestNotFound', `The manifest ${drive.manifestFile} named in the job is not on the drive.`);
      }
      const manifestHash = md5Hex(manifestBytes);
      if (manifestHash !== drive.manifestHash.toUpperCase()) {
        return await failDrive(
          'ManifestHashMismatch',
          'ManifestHashMismatch',
          `The MD5 of ${drive.manifestFile} on the drive is ${manifestHash}, but the job's drive list says ${drive.manifestHash.toUpperCase()}.`,
        );
      }
      let manifest: DriveManifest;
      try {
        manifest = parseDriveManifest(manifestBytes.toString('utf8'));
      } catch (error) {
        if (error instanceof ManifestError) return await failDrive('ManifestInvalid', 'ManifestFormatInvalid', error.message);
        throw error;
      }
      if (manifest.driveId.toUpperCase() !== drive.driveId.toUpperCase()) {
        return await failDrive(
          'ManifestInvalid',
          'ManifestDriveIdMismatch',
          `The manifest is for drive ${manifest.driveId}, but it was found on drive ${drive.driveId}.`,
        );
      }
      const manifestUri = shipment.backupManifest ? await logs.backupManifest(manifestBytes) : undefined;
      const result = await this.copyBlobs(shipment, manifest, opened, registration.faults, onProgress);
      const status = result.failed > 0 ? 'CompletedWithErrors' : 'Completed';
      const uris = await logs.write({ driveId: drive.driveId, blobs: result.logged, status });
      return {
        ...(result.failed > 0 ? { problem: 'BlobErrors' as const } : {}),
        bytesSucceeded: result.progress.bytesSucceeded,
        totalBytes: result.progress.totalBytes,
        blobsSucceeded: result.progress.blobsSucceeded,
        totalBlobs: result.progress.totalBlobs,
        ...uris,
        ...(manifestUri ? { manifestUri } : {}),
      };
    } finally {
      await opened.close();
    }
  }

  private async open(registration: DriveRegistration, bitLockerKey: string): Promise<OpenedDrive> {
    if (registration.faults.damaged) {
      throw new DriveReadError('DriveUnreadable', `Drive ${registration.driveId} could not be read: the drive reported read errors.`);
    }
    if (registration.faults.wrongBitLockerKey) {
      throw new DriveReadError('BitLockerKeyInvalid', `The BitLocker key in the job does not unlock drive ${registration.driveId}.`);
    }
    return this.reader.open({ driveId: registration.driveId, imagePath: registration.imagePath }, bitLockerKey);
  }

  private async copyBlobs(
    shipment: Shipment,
    manifest: DriveManifest,
    drive: OpenedDrive,
    faults: DriveFaults,
    onProgress: (progress: DriveProgress) => Promise<void>,
  ): Promise<{ logged: LoggedBlob[]; failed: number; progress: DriveProgress }> {
    const totalBytes = manifest.blobs.reduce((sum, blob) => sum + blob.length, 0);
    let progress: DriveProgress = { bytesSucceeded: 0, totalBytes, blobsSucceeded: 0, totalBlobs: manifest.blobs.length };
    await onProgress(progress);
    const logged: LoggedBlob[] = [];
    let failed = 0;
    for (const blob of manifest.blobs) {
      const outcome = await this.copyBlob(shipment, blob, drive, faults.corruptBlockOfBlob === blob.blobPath, async (bytes) => {
        progress = { ...progress, bytesSucceeded: progress.bytesSucceeded + bytes };
        await onProgress(progress);
      });
      logged.push(outcome);
      if (outcome.status === 'Completed') progress = { ...progress, blobsSucceeded: progress.blobsSucceeded + 1 };
      else failed += 1;
      await onProgress(progress);
    }
    return { logged, failed, progress };
  }

  private async copyBlob(
    shipment: Shipment,
    blob: ManifestBlob,
    drive: OpenedDrive,
    corruptFirstBlock: boolean,
    onBytes: (bytes: number) => Promise<void>,
  ): Promise<LoggedBlob> {
    const base = { blobPath: blob.blobPath, filePath: blob.filePath, length: blob.length };
    const notProcessed = (status: string, message: string): LoggedBlob => ({
      ...base,
      status,
      message,
      blocks: blob.ranges.map((range) => ({ ...rangeOf(range), status: 'NotProcessed' as const })),
    });
    const size = await drive.fileSize(blob.filePath);
    if (size === undefined) return notProcessed('FileNotFound', `${blob.filePath} is not on the drive.`);
    if (size < blob.length) return notProcessed('FileTruncated', `${blob.filePath} has ${size} bytes; the manifest says ${blob.length}.`);

    const slash = blob.blobPath.indexOf('/');
    const containerName = blob.blobPath.slice(0, slash);
    const requestedName = blob.blobPath.slice(slash + 1);
    const container = this.accounts.container(shipment.storageAccount.accountName, containerName);
    await container.createIfNotExists();
    const disposition = await resolveDisposition(container, requestedName, blob.importDisposition);
    const finalBlobPath = `${containerName}/${disposition.name}`;
    const importDisposition = { requested: blob.importDisposition, outcome: disposition.outcome, finalBlobPath };
    if (disposition.outcome === 'Skipped') {
      return { ...base, status: 'Completed', importDisposition, message: 'A blob of that name exists; no-overwrite left it alone.', blocks: [] };
    }

    const blocks: LoggedBlock[] = [];
    const whole = createHash('md5');
    let corrupted = false;
    if (blob.kind === 'PageBlob') {
      const pageBlob = container.getPageBlobClient(disposition.name);
      await pageBlob.create(blob.length);
      for (const [index, range] of blob.ranges.entries()) {
        const data = await this.readChecked(drive, blob, range.offset, range.length, corruptFirstBlock && index === 0);
        const status: BlockStatus = data.hash === range.hash ? 'Completed' : 'Corrupted';
        blocks.push({ ...rangeOf(range), status });
        if (status !== 'Completed') {
          corrupted = true;
          continue;
        }
        await pageBlob.uploadPages(data.bytes, range.offset, range.length, { transactionalContentMD5: data.digest });
        await onBytes(range.length);
      }
      if (!corrupted) {
        const all = await drive.readRange(blob.filePath, 0, blob.length);
        await pageBlob.setHTTPHeaders({ blobContentMD5: createHash('md5').update(all).digest() });
      }
    } else {
      const blockBlob = container.getBlockBlobClient(disposition.name);
      const ids: string[] = [];
      for (const [index, range] of blob.ranges.entries()) {
        const data = await this.readChecked(drive, blob, range.offset, range.length, corruptFirstBlock && index === 0);
        const status: BlockStatus = data.hash === range.hash ? 'Completed' : 'Corrupted';
        blocks.push({ ...rangeOf(range), status });
        if (status !== 'Completed') {
          corrupted = true;
          continue;
        }
        const id = range.id ?? Buffer.from(`block-${String(index).padStart(8, '0')}`).toString('base64');
        await blockBlob.stageBlock(id, data.bytes, data.bytes.length, { transactionalContentMD5: data.digest });
        whole.update(data.bytes);
        ids.push(id);
        await onBytes(range.length);
      }
      if (!corrupted) {
        await blockBlob.commitBlockList(ids, { blobHTTPHeaders: { blobContentMD5: whole.digest() } });
      }
    }
    if (corrupted) {
      return {
        ...base,
        status: 'Corrupted',
        importDisposition,
        message: `The MD5 of one or more ranges of ${blob.filePath} does not match the manifest; the blob ${finalBlobPath} was not committed.`,
        blocks,
      };
    }
    return { ...base, status: 'Completed', importDisposition, blocks };
  }

  private async readChecked(
    drive: OpenedDrive,
    blob: ManifestBlob,
    offset: number,
    length: number,
    corrupt: boolean,
  ): Promise<{ bytes: Buffer; digest: Buffer; hash: string }> {
    let bytes = await drive.readRange(blob.filePath, offset, length);
    if (corrupt && bytes.length > 0) {
      bytes = Buffer.from(bytes);
      bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    }
    const digest = createHash('md5').update(bytes).digest();
    return { bytes, digest, hash: digest.toString('hex').toUpperCase() };
  }
}

function rangeOf(range: { offset: number; length: number; id?: string }): Omit<LoggedBlock, 'status'> {
  return { offset: range.offset, length: range.length, ...(range.id === undefined ? {} : { id: range.id }) };
}

async function resolveDisposition(
  container: ContainerClient,
  name: string,
  disposition: ManifestBlob['importDisposition'],
): Promise<{ name: string; outcome: 'Created' | 'Overwritten' | 'Renamed' | 'Skipped' }> {
  const exists = await container.getBlobClient(name).exists();
  if (!exists) return { name, outcome: 'Created' };
  switch (disposition) {
    case 'overwrite':
      return { name, outcome: 'Overwritten' };
    case 'no-overwrite':
      return { name, outcome: 'Skipped' };
    case 'rename': {
      // The service renames a conflicting import; the exact suffix is not documented, this one is ours.
      for (let attempt = 1; ; attempt += 1) {
        const candidate = `${name} (${attempt})`;
        if (!(await container.getBlobClient(candidate).exists())) return { name: candidate, outcome: 'Renamed' };
      }
    }
    default:
      return assertUnreachable(disposition);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled import disposition ${String(value)}`);
}

function md5Hex(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex').toUpperCase();
}

/** Writes a drive's logs and backed-up manifest under the job's diagnostics path. */
class DriveLogWriter {
  private readonly stamp = new Date().toISOString().replace(/[-:.]/g, '').replace('T', '').slice(0, 14);

  constructor(
    private readonly accounts: StorageAccounts,
    private readonly shipment: Shipment,
    private readonly driveId: string,
  ) {}

  async write(log: DriveLog): Promise<{ errorLogUri?: string; verboseLogUri?: string }> {
    const hasErrors = log.status !== 'Completed';
    const result: { errorLogUri?: string; verboseLogUri?: string } = {};
    if (hasErrors) result.errorLogUri = await this.upload('error.xml', renderDriveLog(log, true));
    if (this.shipment.verboseLog) result.verboseLogUri = await this.upload('verbose.xml', renderDriveLog(log, false));
    return result;
  }

  backupManifest(bytes: Buffer): Promise<string> {
    return this.upload('manifest.xml', bytes);
  }

  private async upload(suffix: string, content: string | Buffer): Promise<string> {
    const container = this.accounts.container(this.shipment.storageAccount.accountName, this.shipment.diagnosticsPath);
    await container.createIfNotExists();
    const name = `waies/${this.shipment.jobName}_${this.driveId}_${this.stamp}_${suffix}`;
    const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const blob = container.getBlockBlobClient(name);
    await blob.upload(body, body.length, {
      blobHTTPHeaders: { blobContentType: 'application/xml', blobContentMD5: createHash('md5').update(body).digest() },
    });
    return blob.url;
  }
}
