import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { identifyBlockDevice, listBlockDevices, normalizeSerial } from './sysfs-identity';

/** A sysfs tree shaped like the kernel's: /sys/block/<name> links into /sys/devices. */
async function fakeDisk(root: string, name: string, devicePath: string, files: Record<string, string | Buffer>): Promise<void> {
  const target = path.join(root, 'devices', devicePath, 'block', name);
  for (const [relative, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(target, relative)), { recursive: true });
    await writeFile(path.join(target, relative), content);
  }
  await mkdir(path.join(root, 'block'), { recursive: true });
  await symlink(path.relative(path.join(root, 'block'), target), path.join(root, 'block', name));
}

describe('identifyBlockDevice', () => {
  let root: string;
  let udev: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'sysfs-'));
    udev = path.join(root, 'udev');
    await mkdir(udev);
    const vpd = Buffer.concat([Buffer.from([0x00, 0x80, 0x00, 20]), Buffer.from('  WD-WCC4N1234567   ', 'latin1')]);
    await fakeDisk(root, 'sdb', 'pci0000:00/0000:00:1f.2/ata3/host2/target2:0:0/2:0:0:0', {
      size: '3907029168\n',
      dev: '8:16\n',
      removable: '0\n',
      ro: '0\n',
      'queue/logical_block_size': '512\n',
      'queue/physical_block_size': '4096\n',
      'queue/rotational': '1\n',
      'device/model': 'WDC WD20EFRX-68E\n',
      'device/vpd_pg80': vpd,
      'sdb1/partition': '1\n',
      'sdb1/dev': '8:17\n',
    });
    await fakeDisk(root, 'nvme0n1', 'pci0000:00/0000:00:1d.0/nvme/nvme0', {
      size: '1000215216\n',
      dev: '259:0\n',
      'queue/logical_block_size': '4096\n',
      'queue/rotational': '0\n',
      'device/serial': 'S4EWNX0R 123456 \n',
      'device/model': 'Samsung SSD 970\n',
    });
    await fakeDisk(root, 'sdc', 'pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0', {
      size: '2048\n',
      dev: '8:32\n',
      'queue/rotational': '1\n',
    });
    await writeFile(path.join(udev, 'b8:32'), 'E:ID_SERIAL_SHORT=USB 0042\nE:ID_MODEL=Ext_Drive\nE:ID_BUS=usb\n');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads size, sectors, rotation, transport, model and the serial without spaces from a SATA disk', async () => {
    const disk = await identifyBlockDevice('/dev/sdb', { sysfsRoot: root, udevDataRoot: udev });
    expect(disk).toEqual({
      name: 'sdb',
      devicePath: '/dev/sdb',
      deviceNumber: '8:16',
      sizeBytes: 3907029168 * 512,
      logicalSectorSize: 512,
      physicalSectorSize: 4096,
      rotational: true,
      removable: false,
      readOnly: false,
      transport: 'sata',
      model: 'WDC WD20EFRX-68E',
      serial: 'WD-WCC4N1234567',
      partitions: ['sdb1'],
    });
  });

  it('takes the NVMe serial from sysfs and counts size in 512-byte units whatever the sector size', async () => {
    const disk = await identifyBlockDevice('nvme0n1', { sysfsRoot: root, udevDataRoot: udev });
    expect(disk).toMatchObject({ transport: 'nvme', serial: 'S4EWNX0R123456', logicalSectorSize: 4096, sizeBytes: 1000215216 * 512, rotational: false });
  });

  it('prefers udev data where udev runs', async () => {
    const disk = await identifyBlockDevice('sdc', { sysfsRoot: root, udevDataRoot: udev });
    expect(disk).toMatchObject({ transport: 'usb', serial: 'USB0042', model: 'Ext Drive' });
  });

  it('lists whole disks and refuses a name that is not one', async () => {
    expect((await listBlockDevices({ sysfsRoot: root, udevDataRoot: udev })).map((disk) => disk.name)).toEqual(['nvme0n1', 'sdb', 'sdc']);
    await expect(identifyBlockDevice('/dev/sdb1', { sysfsRoot: root })).rejects.toThrow('give the disk (e.g. /dev/sdb), not a partition');
  });

  it('normalizes serials: no spaces or NULs, undefined when nothing is left', () => {
    expect(normalizeSerial(' Z1 D2\u0000 ')).toBe('Z1D2');
    expect(normalizeSerial('   ')).toBeUndefined();
    expect(normalizeSerial(undefined)).toBeUndefined();
  });
});
