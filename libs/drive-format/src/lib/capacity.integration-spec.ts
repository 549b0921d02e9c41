import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { driveCapacity, ntfsOverheadBytes } from './capacity';
import { DriveFormatErrorCode } from './drive-format-error';
import { MANIFEST_FILE, blockRanges, renderManifest } from './manifest/drive-manifest';
import { SMALL_FILE_BYTES, buildScratchVolume } from './ntfs/ntfs-scratch';
import { blobFilePath, planDrives } from './plan-drives';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * The planner promises room it cannot see: these tests hold its arithmetic against what mkntfs and
 * ntfs-3g really do, on sparse scratch images (no data is written, so even 1 TiB is quick).
 */
describe('drive capacity against real NTFS volumes', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'capacity-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it.each([16 * MiB, 256 * MiB, 4 * GiB, 64 * GiB, 1024 * GiB])('counts at least what mkntfs uses of a %i-byte volume', async (volumeBytes) => {
    const scratch = await buildScratchVolume({ imagePath: path.join(work, 'empty.img'), volumeBytes, sectorSize: 512, clusterSize: 4096, partitionStartSector: 2048, label: 'CAP', files: [] });
    const used = volumeBytes - scratch.freeBytes;
    expect(ntfsOverheadBytes(volumeBytes)).toBeGreaterThanOrEqual(used);
    // ... without wasting more than 0.1% of the volume and 8 MiB beyond it.
    expect(ntfsOverheadBytes(volumeBytes) - used).toBeLessThan(volumeBytes * 0.001 + 8 * MiB);
  });

  it('fits everything the planner put on a drive, with many files, and refuses one file more', async () => {
    const capacity = driveCapacity({ diskBytes: 128 * MiB, sectorSize: 512 });
    const candidates = [
      ...Array.from({ length: 30 }, (_, i) => ({ blobName: `packs/${String(i).padStart(4, '0')}.pack`, size: 3 * MiB + i * 4099 })),
      ...Array.from({ length: 1500 }, (_, i) => ({ blobName: `index/${String(i).padStart(5, '0')}`, size: 1000 + ((i * 7919) % 30_000) })),
    ];
    const plan = planDrives({ container: 'seedjob', blobs: candidates, drives: [{ driveId: 'CAP-1', capacity }] });
    const planned = plan.drives[0];
    expect(plan.unassigned.length).toBeGreaterThan(0);
    expect((planned?.blobNames.length ?? 0) > 1000).toBe(true);
    const sizes = new Map(candidates.map((blob) => [blob.blobName, blob.size]));
    const chosen = (planned?.blobNames ?? []).map((name, index) => ({ name, size: sizes.get(name) ?? 0, filePath: blobFilePath(index) }));
    const files = chosen.map((blob) => ({ path: blob.filePath, size: blob.size, ...(blob.size <= SMALL_FILE_BYTES ? { content: Buffer.alloc(blob.size, 1) } : {}) }));
    const manifest = renderManifest({
      driveId: 'CAP-1',
      credential: { storageAccountKey: 'a2V5' },
      blobs: chosen.map((blob) => ({ blobPath: `seedjob/${blob.name}`, filePath: blob.filePath, length: blob.size, importDisposition: 'overwrite', blocks: blockRanges(blob.size, 4 * MiB) })),
    });
    const scratch = await buildScratchVolume({
      imagePath: path.join(work, 'full.img'),
      volumeBytes: capacity.ntfsBytes,
      sectorSize: 512,
      clusterSize: capacity.clusterSize,
      partitionStartSector: 2048,
      label: 'CAP',
      files: [...files, { path: MANIFEST_FILE, size: manifest.length }],
    });
    expect(scratch.files).toHaveLength(files.length + 1);
    // ... and the planner's safety margin wastes little: under 5% of a small drive is left free.
    expect(scratch.freeBytes).toBeLessThan(capacity.ntfsBytes * 0.05);

    // Past the planner's promise, the volume itself refuses (the drive would not have been touched yet).
    const overfull = [...files, { path: '\\Blobs\\extra.bin', size: scratch.freeBytes + MiB }];
    await expect(
      buildScratchVolume({ imagePath: path.join(work, 'over.img'), volumeBytes: capacity.ntfsBytes, sectorSize: 512, clusterSize: 4096, partitionStartSector: 2048, label: 'CAP', files: overfull }),
    ).rejects.toMatchObject({ code: DriveFormatErrorCode.DriveTooSmall });
  });
});
