import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { locateVolume } from './volume-locator';

const SECTOR = 512;

function bootSector(oem: string): Buffer {
  const sector = Buffer.alloc(SECTOR);
  sector.write(oem, 3, 'latin1');
  sector.writeUInt16LE(0xaa55, 510);
  return sector;
}

describe('locateVolume', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'azure-sim-locator-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function image(name: string, writes: [number, Buffer][], size: number): Promise<{ locate: () => ReturnType<typeof locateVolume> }> {
    const file = path.join(directory, name);
    const handle = await open(file, 'w+');
    await handle.truncate(size);
    for (const [offset, bytes] of writes) await handle.write(bytes, 0, bytes.length, offset);
    return {
      locate: async () => {
        try {
          return await locateVolume(handle, size);
        } finally {
          await handle.close();
        }
      },
    };
  }

  it('finds a bare BitLocker or NTFS volume at offset 0', async () => {
    expect(await (await image('bare.img', [[0, bootSector('-FVE-FS-')]], 1 << 20)).locate()).toEqual({ offset: 0, length: 1 << 20, kind: 'bitlocker' });
  });

  it('finds the volume in the first GPT partition', async () => {
    const protective = Buffer.alloc(SECTOR);
    protective[446 + 4] = 0xee;
    protective.writeUInt16LE(0xaa55, 510);
    const header = Buffer.alloc(SECTOR);
    header.write('EFI PART', 0, 'latin1');
    header.writeBigUInt64LE(2n, 72);
    header.writeUInt32LE(128, 80);
    header.writeUInt32LE(128, 84);
    const entry = Buffer.alloc(128);
    entry.fill(0xab, 0, 16);
    entry.writeBigUInt64LE(2048n, 32);
    entry.writeBigUInt64LE(4095n, 40);
    const located = await (
      await image('gpt.img', [[0, protective], [SECTOR, header], [2 * SECTOR, entry], [2048 * SECTOR, bootSector('NTFS    ')]], 4 << 20)
    ).locate();
    expect(located).toEqual({ offset: 2048 * SECTOR, length: 2048 * SECTOR, kind: 'ntfs' });
  });

  it('finds nothing on a blank disk', async () => {
    expect(await (await image('blank.img', [], 1 << 20)).locate()).toBeUndefined();
  });
});
