import { CLUSTER_BYTES, driveCapacity } from './capacity';
import { DriveFormatErrorCode } from './drive-format-error';
import { planDrives } from './plan-drives';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('driveCapacity', () => {
  it('leaves room for the partition table, BitLocker regions and NTFS metadata, and grows with the drive', () => {
    const small = driveCapacity({ diskBytes: 64 * MiB, sectorSize: 512 });
    expect(small.partitionOffset).toBe(MiB);
    expect(small.ntfsBytes).toBeLessThanOrEqual(small.partitionBytes - 264 * 1024);
    expect(small.usableBytes).toBeGreaterThan(40 * MiB);
    expect(small.usableBytes).toBeLessThan(small.ntfsBytes);
    const large = driveCapacity({ diskBytes: 10 * 1000 ** 4, sectorSize: 512 });
    expect(large.partitionStyle).toBe('gpt');
    // NTFS overhead on a 10 TB drive stays well under 1%.
    expect(large.usableBytes / large.diskBytes).toBeGreaterThan(0.99);
  });

  it('refuses a drive too small to prepare at all', () => {
    expect(() => driveCapacity({ diskBytes: 4 * MiB, sectorSize: 512 })).toThrow('too small to prepare');
  });
});

describe('planDrives', () => {
  const drive = (driveId: string, diskBytes: number) => ({ driveId, capacity: driveCapacity({ diskBytes, sectorSize: 512 }) });

  it('puts every blob on one drive, largest first, first fit', () => {
    const blobs = [
      { blobName: 'packs/a', size: 30 * MiB },
      { blobName: 'packs/b', size: 20 * MiB },
      { blobName: 'packs/c', size: 25 * MiB },
      { blobName: 'index/0', size: 4000 },
    ];
    const plan = planDrives({ container: 'seed', blobs, drives: [drive('D1', 64 * MiB), drive('D2', 64 * MiB)] });
    expect(plan.drives.map((d) => d.blobNames)).toEqual([['packs/a', 'packs/c', 'index/0'], ['packs/b']]);
    expect(plan.unassigned).toEqual([]);
    expect(plan.bytesNeedingAnotherDrive).toBe(0);
    const first = plan.drives[0];
    expect(first?.blobBytes).toBe(55 * MiB + 4000);
    // Clusters, MFT records and manifest lines are counted on top of the bytes.
    expect(first?.footprintBytes).toBeGreaterThan(55 * MiB + CLUSTER_BYTES);
    expect((first?.freeBytes ?? 0) + (first?.footprintBytes ?? 0)).toBe(driveCapacity({ diskBytes: 64 * MiB, sectorSize: 512 }).usableBytes);
  });

  it('says how many bytes still need another drive, and which blobs no drive can take', () => {
    const plan = planDrives({
      container: 'seed',
      blobs: [
        { blobName: 'huge', size: 200 * MiB },
        { blobName: 'p1', size: 40 * MiB },
        { blobName: 'p2', size: 40 * MiB },
      ],
      drives: [drive('D1', 64 * MiB)],
    });
    expect(plan.drives[0]?.blobNames).toEqual(['p1']);
    expect(plan.unassigned.map((blob) => blob.blobName)).toEqual(['huge', 'p2']);
    expect(plan.bytesNeedingAnotherDrive).toBe(240 * MiB);
    expect(plan.tooLargeForAnyDrive).toEqual(['huge']);
  });

  it('with no drives yet, everything needs a drive', () => {
    const plan = planDrives({ container: 'seed', blobs: [{ blobName: 'a', size: GiB }], drives: [] });
    expect(plan.bytesNeedingAnotherDrive).toBe(GiB);
  });

  it('refuses duplicate blobs or drives and impossible sizes', () => {
    let thrown: unknown;
    try {
      planDrives({
        container: 'seed',
        blobs: [
          { blobName: 'a', size: 1 },
          { blobName: 'a', size: -1 },
        ],
        drives: [drive('D', 64 * MiB), drive('D', 64 * MiB)],
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: DriveFormatErrorCode.InvalidInput, problems: ['blob a is listed twice', 'blob a has size -1, not a whole number of bytes', 'a drive is listed twice'] });
  });
});
