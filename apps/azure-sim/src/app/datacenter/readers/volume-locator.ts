import { type FileHandle } from 'node:fs/promises';

/** Where the data volume of a disk image starts and what it is. */
export interface LocatedVolume {
  readonly offset: number;
  readonly length: number;
  readonly kind: 'ntfs' | 'bitlocker';
}

const SECTOR = 512;

/**
 * Finds the data volume on a raw disk image: a bare volume at offset 0, or the first partition of an
 * MBR or GPT partition table. Recognises NTFS ("NTFS    ") and BitLocker ("-FVE-FS-") boot sectors by
 * the OEM id at byte 3. Returns undefined when there is no recognisable volume.
 */
export async function locateVolume(file: FileHandle, imageSize: number): Promise<LocatedVolume | undefined> {
  const first = await readAt(file, 0, SECTOR);
  const direct = volumeKind(first);
  if (direct) return { offset: 0, length: imageSize, kind: direct };
  if (first.readUInt16LE(510) !== 0xaa55) return undefined;
  const partitions = [0, 1, 2, 3].map((index) => first.subarray(446 + index * 16, 446 + (index + 1) * 16));
  const candidates: { offset: number; length: number }[] = [];
  if (partitions.some((entry) => entry[4] === 0xee)) {
    const header = await readAt(file, SECTOR, SECTOR);
    if (header.toString('latin1', 0, 8) !== 'EFI PART') return undefined;
    const entriesLba = Number(header.readBigUInt64LE(72));
    const count = header.readUInt32LE(80);
    const size = header.readUInt32LE(84);
    const table = await readAt(file, entriesLba * SECTOR, Math.min(count, 128) * size);
    for (let index = 0; index < Math.min(count, 128); index += 1) {
      const entry = table.subarray(index * size, (index + 1) * size);
      if (entry.length < 48 || entry.subarray(0, 16).every((byte) => byte === 0)) continue;
      const firstLba = Number(entry.readBigUInt64LE(32));
      const lastLba = Number(entry.readBigUInt64LE(40));
      candidates.push({ offset: firstLba * SECTOR, length: (lastLba - firstLba + 1) * SECTOR });
    }
  } else {
    for (const entry of partitions) {
      if (entry[4] === 0) continue;
      candidates.push({ offset: entry.readUInt32LE(8) * SECTOR, length: entry.readUInt32LE(12) * SECTOR });
    }
  }
  for (const candidate of candidates) {
    const kind = volumeKind(await readAt(file, candidate.offset, SECTOR));
    if (kind) return { ...candidate, kind };
  }
  return undefined;
}

function volumeKind(bootSector: Buffer): LocatedVolume['kind'] | undefined {
  const oem = bootSector.toString('latin1', 3, 11);
  if (oem === 'NTFS    ') return 'ntfs';
  if (oem === '-FVE-FS-') return 'bitlocker';
  return undefined;
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead).length === length ? buffer : Buffer.concat([buffer.subarray(0, bytesRead), Buffer.alloc(length - bytesRead)]);
}
