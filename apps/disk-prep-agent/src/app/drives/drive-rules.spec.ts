import { describe, expect, it } from '@jest/globals';

import { type BlockDeviceIdentity, type DeviceUsage } from '@seedship/block-devices';

import { MAX_DRIVE_BYTES, driveRuleViolations } from './drive-rules';

const sata: BlockDeviceIdentity = {
  name: 'sdb',
  devicePath: '/dev/sdb',
  deviceNumber: '8:16',
  sizeBytes: 4 * 1000 ** 4,
  logicalSectorSize: 512,
  physicalSectorSize: 4096,
  rotational: true,
  removable: false,
  readOnly: false,
  transport: 'sata',
  model: 'WDC WD40EFRX',
  serial: 'WDWCC4E1234567',
  partitions: [],
};
const unused: DeviceUsage = { mountPoints: [], swap: false, holders: [], systemDisk: false };

describe('drive rules', () => {
  it('accepts a 4 TB SATA HDD that nothing uses', () => {
    expect(driveRuleViolations({ identity: sata, usage: unused, loopAllowed: false })).toEqual([]);
  });

  it('accepts a SATA SSD and a drive of exactly 10 TB', () => {
    expect(driveRuleViolations({ identity: { ...sata, rotational: false, sizeBytes: MAX_DRIVE_BYTES }, usage: unused, loopAllowed: false })).toEqual([]);
  });

  it('refuses a drive over 10 TB, saying its size', () => {
    expect(driveRuleViolations({ identity: { ...sata, sizeBytes: MAX_DRIVE_BYTES + 512 }, usage: unused, loopAllowed: false })).toEqual([
      '10.00 TB is larger than the 10 TB Azure accepts per drive',
    ]);
  });

  it('refuses USB, NVMe and SAS disks', () => {
    for (const transport of ['usb', 'nvme', 'sas'] as const) {
      const problems = driveRuleViolations({ identity: { ...sata, transport }, usage: unused, loopAllowed: false });
      expect(problems).toEqual([`attached over ${transport}, but Azure takes only SATA drives (HDD or 2.5" SSD); use a SATA bay`]);
    }
  });

  it('refuses the system disk, a mounted disk, swap and a held disk, listing every reason', () => {
    const problems = driveRuleViolations({
      identity: sata,
      usage: { mountPoints: ['/', '/boot'], swap: true, holders: ['dm-0'], systemDisk: true },
      loopAllowed: false,
    });
    expect(problems).toEqual([
      'it holds the running system',
      'it is mounted at /, /boot; unmount it or use another drive',
      'it is in use as swap',
      'it is in use by dm-0',
    ]);
  });

  it('takes loop devices only when tests allow them', () => {
    const loop = { ...sata, name: 'loop3', transport: 'loop' as const, sizeBytes: 64 * 1024 * 1024 };
    expect(driveRuleViolations({ identity: loop, usage: unused, loopAllowed: false })).toEqual([
      'a loop device is not a drive (loop devices are allowed only in tests)',
    ]);
    expect(driveRuleViolations({ identity: loop, usage: unused, loopAllowed: true })).toEqual([]);
  });

  it('refuses a read-only drive', () => {
    expect(driveRuleViolations({ identity: { ...sata, readOnly: true }, usage: unused, loopAllowed: false })).toEqual(['the drive is read-only (write-protected)']);
  });
});
