import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { deviceUsage, isInUse } from './device-usage';
import { type BlockDeviceIdentity } from './sysfs-identity';

function disk(name: string, deviceNumber: string, partitions: string[] = []): BlockDeviceIdentity {
  return {
    name,
    devicePath: `/dev/${name}`,
    deviceNumber,
    sizeBytes: 1 << 30,
    logicalSectorSize: 512,
    physicalSectorSize: 512,
    rotational: true,
    removable: false,
    readOnly: false,
    transport: 'sata',
    model: undefined,
    serial: 'S1',
    partitions,
  };
}

describe('deviceUsage', () => {
  let root: string;
  let mountInfo: string;
  let swaps: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'usage-'));
    for (const [dir, dev] of [
      ['block/sda/sda1', '8:1'],
      ['block/sda/sda2', '8:2'],
      ['block/sdb/sdb1', '8:17'],
      ['block/sdd/sdd1', '8:49'],
    ] as const) {
      await mkdir(path.join(root, dir), { recursive: true });
      await writeFile(path.join(root, dir, 'dev'), `${dev}\n`);
    }
    await mkdir(path.join(root, 'block/sdd/sdd1/holders'), { recursive: true });
    await writeFile(path.join(root, 'block/sdd/sdd1/holders/dm-0'), '');
    mountInfo = path.join(root, 'mountinfo');
    await writeFile(
      mountInfo,
      [
        '27 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw',
        '28 27 8:1 / /boot/efi rw - vfat /dev/sda1 rw',
        '40 27 8:17 / /mnt/with\\040space rw - ext4 /dev/sdb1 rw',
        '41 27 0:55 / /mnt/fuse rw - fuseblk /dev/sdc rw',
        '',
      ].join('\n'),
    );
    swaps = path.join(root, 'swaps');
    await writeFile(swaps, 'Filename\tType\tSize\tUsed\tPriority\n/dev/sde\tpartition\t1024\t0\t-2\n');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const usage = (identity: BlockDeviceIdentity): ReturnType<typeof deviceUsage> => deviceUsage(identity, { sysfsRoot: root, mountInfoPath: mountInfo, swapsPath: swaps });

  it('recognises the system disk through its partitions', async () => {
    const result = await usage(disk('sda', '8:0', ['sda1', 'sda2']));
    expect(result).toMatchObject({ systemDisk: true, mountPoints: ['/', '/boot/efi'] });
    expect(isInUse(result)).toBe(true);
  });

  it('finds a mounted partition (with an escaped mount point) and a FUSE mount of the whole disk', async () => {
    expect((await usage(disk('sdb', '8:16', ['sdb1']))).mountPoints).toEqual(['/mnt/with space']);
    expect((await usage(disk('sdc', '8:32'))).mountPoints).toEqual(['/mnt/fuse']);
  });

  it('finds swap and device-mapper holders, and calls an unused disk free', async () => {
    expect((await usage(disk('sde', '8:64'))).swap).toBe(true);
    expect((await usage(disk('sdd', '8:48', ['sdd1']))).holders).toEqual(['dm-0']);
    const free = await usage(disk('sdf', '8:80'));
    expect(free).toEqual({ mountPoints: [], swap: false, holders: [], systemDisk: false });
    expect(isInUse(free)).toBe(false);
  });
});
