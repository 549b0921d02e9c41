import { readFile, readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';

import { BlockDeviceError, BlockDeviceErrorCode } from './block-device-error';

/** How the disk is attached, from its sysfs device path. */
export type Transport = 'sata' | 'sas' | 'usb' | 'nvme' | 'virtio' | 'loop' | 'scsi' | 'unknown';

/** What sysfs (and udev, where it has run) says about one whole disk. */
export interface BlockDeviceIdentity {
  /** Kernel name, e.g. `sda`, `loop3`. */
  readonly name: string;
  /** `/dev/<name>`. */
  readonly devicePath: string;
  /** `major:minor`. */
  readonly deviceNumber: string;
  readonly sizeBytes: number;
  readonly logicalSectorSize: number;
  readonly physicalSectorSize: number;
  readonly rotational: boolean;
  readonly removable: boolean;
  readonly readOnly: boolean;
  readonly transport: Transport;
  readonly model: string | undefined;
  /** Hardware serial number with every space removed (the driveId Azure wants); undefined when the device has none. */
  readonly serial: string | undefined;
  /** Partitions the kernel knows of, e.g. `sda1`. */
  readonly partitions: readonly string[];
}

export interface SysfsOptions {
  /** Default `/sys`; tests point it at a prepared tree. */
  readonly sysfsRoot?: string;
  /** Default `/run/udev/data`. */
  readonly udevDataRoot?: string;
}

/** Azure wants the hardware serial without spaces; some drives pad it with spaces or NULs. */
export function normalizeSerial(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  const cleaned = raw.replace(/[\s\u0000]+/g, '');
  return cleaned === '' ? undefined : cleaned;
}

/** Whole disks the kernel lists in /sys/block (partitions are not listed there). */
export async function listBlockDevices(options: SysfsOptions = {}): Promise<BlockDeviceIdentity[]> {
  const root = path.join(options.sysfsRoot ?? '/sys', 'block');
  const names = (await readdir(root)).sort();
  return Promise.all(names.map((name) => identifyBlockDevice(name, options)));
}

/** Identity of one whole disk by kernel name (`sda`) or device path (`/dev/sda`). */
export async function identifyBlockDevice(nameOrPath: string, options: SysfsOptions = {}): Promise<BlockDeviceIdentity> {
  const name = path.basename(nameOrPath);
  const sysfsRoot = options.sysfsRoot ?? '/sys';
  const dir = path.join(sysfsRoot, 'block', name);
  const size = await readSysfs(dir, 'size');
  if (size === undefined) {
    throw new BlockDeviceError(
      BlockDeviceErrorCode.NotFound,
      `${nameOrPath} is not a whole disk in ${path.join(sysfsRoot, 'block')}; give the disk (e.g. /dev/sdb), not a partition, and check it is attached.`,
    );
  }
  const deviceNumber = (await readSysfs(dir, 'dev')) ?? '';
  const udev = await readUdev(options.udevDataRoot ?? '/run/udev/data', deviceNumber);
  const linkTarget = await readlink(dir).catch(() => '');
  const transport = transportOf(linkTarget, name, udev['ID_BUS']);
  const serial =
    normalizeSerial(udev['ID_SERIAL_SHORT']) ??
    normalizeSerial(await readSysfs(dir, 'device/serial')) ??
    normalizeSerial(vpdSerial(await readFile(path.join(dir, 'device', 'vpd_pg80')).catch(() => undefined)));
  const model = (udev['ID_MODEL']?.replace(/_/g, ' ') ?? (await readSysfs(dir, 'device/model')))?.trim() || undefined;
  const entries = await readdir(dir).catch(() => [] as string[]);
  const partitions: string[] = [];
  for (const entry of entries) {
    if (entry.startsWith(name) && (await readSysfs(path.join(dir, entry), 'partition')) !== undefined) partitions.push(entry);
  }
  const logical = Number((await readSysfs(dir, 'queue/logical_block_size')) ?? 512);
  return {
    name,
    devicePath: `/dev/${name}`,
    deviceNumber,
    // sysfs counts size in 512-byte units whatever the logical sector size is.
    sizeBytes: Number(size) * 512,
    logicalSectorSize: logical,
    physicalSectorSize: Number((await readSysfs(dir, 'queue/physical_block_size')) ?? logical),
    rotational: (await readSysfs(dir, 'queue/rotational')) === '1',
    removable: (await readSysfs(dir, 'removable')) === '1',
    readOnly: (await readSysfs(dir, 'ro')) === '1',
    transport,
    model,
    serial,
    partitions: partitions.sort(),
  };
}

function transportOf(sysfsLink: string, name: string, udevBus: string | undefined): Transport {
  if (name.startsWith('loop') || sysfsLink.includes('/virtual/block/loop')) return 'loop';
  if (sysfsLink.includes('/usb')) return 'usb';
  if (sysfsLink.includes('/nvme') || name.startsWith('nvme')) return 'nvme';
  if (/\/ata\d+\//.test(sysfsLink)) return 'sata';
  if (sysfsLink.includes('/virtio') || name.startsWith('vd')) return 'virtio';
  if (/\/(sas|expander|port-)\d/.test(sysfsLink)) return 'sas';
  if (udevBus === 'ata') return 'sata';
  if (udevBus === 'usb') return 'usb';
  if (udevBus === 'scsi' || sysfsLink.includes('/host')) return 'scsi';
  return 'unknown';
}

/** SCSI VPD page 0x80 (unit serial number): 4-byte header, then ASCII of the length in byte 3. */
function vpdSerial(page: Buffer | undefined): string | undefined {
  if (!page || page.length < 4 || page[1] !== 0x80) return undefined;
  const length = page[3] ?? 0;
  return page.toString('latin1', 4, 4 + length);
}

async function readSysfs(dir: string, relative: string): Promise<string | undefined> {
  try {
    return (await readFile(path.join(dir, relative), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** udev's database entry for the device (`E:KEY=value` lines); empty where udev does not run. */
async function readUdev(root: string, deviceNumber: string): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  if (!deviceNumber) return values;
  const text = await readFile(path.join(root, `b${deviceNumber}`), 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const match = /^E:([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) values[match[1]] = match[2];
  }
  return values;
}

/** True when `devicePath` is a block device node (not a regular file used as a drive image). */
export async function isBlockDevice(devicePath: string): Promise<boolean> {
  try {
    return (await stat(devicePath)).isBlockDevice();
  } catch {
    return false;
  }
}
