import { execFile } from 'node:child_process';
import { readFile, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

import { type BlockDeviceIdentity, type SysfsOptions } from './sysfs-identity';

const run = promisify(execFile);

/** One on-disk signature (partition table, filesystem, RAID or LUKS header) that wipefs found. */
export interface DiskSignature {
  readonly type: string;
  readonly offset: number;
}

/**
 * Every signature wipefs (util-linux, the blkid probes) finds on the device or image, without
 * changing anything. Empty means blank: no partition table and no filesystem signature.
 */
export async function findSignatures(devicePath: string): Promise<DiskSignature[]> {
  const { stdout } = await run('wipefs', ['--no-act', '--json', devicePath]);
  if (stdout.trim() === '') return [];
  const parsed = JSON.parse(stdout) as { signatures?: { type?: string; offset?: string }[] };
  return (parsed.signatures ?? []).map((signature) => ({ type: signature.type ?? 'unknown', offset: Number(signature.offset ?? 0) }));
}

export interface DeviceUsage {
  /** Mount points of the disk or any of its partitions (including FUSE mounts such as ntfs-3g). */
  readonly mountPoints: readonly string[];
  /** The disk, or a partition of it, is active swap. */
  readonly swap: boolean;
  /** Device-mapper, MD RAID or LVM devices built on the disk or a partition. */
  readonly holders: readonly string[];
  /** The disk holds the running system (/, /boot, /usr, /var or swap). */
  readonly systemDisk: boolean;
}

export interface UsageOptions extends SysfsOptions {
  /** Default /proc/self/mountinfo. */
  readonly mountInfoPath?: string;
  /** Default /proc/swaps. */
  readonly swapsPath?: string;
}

const SYSTEM_MOUNTS = new Set(['/', '/boot', '/boot/efi', '/usr', '/var']);

/** Whether anything on this host is using the disk: the checks before a disk may be claimed or written. */
export async function deviceUsage(identity: BlockDeviceIdentity, options: UsageOptions = {}): Promise<DeviceUsage> {
  const sysfsRoot = options.sysfsRoot ?? '/sys';
  const names = [identity.name, ...identity.partitions];
  const numbers = new Set<string>([identity.deviceNumber]);
  for (const partition of identity.partitions) {
    const dev = await readFile(path.join(sysfsRoot, 'block', identity.name, partition, 'dev'), 'utf8').catch(() => '');
    if (dev.trim()) numbers.add(dev.trim());
  }
  const devPaths = new Set(names.map((name) => `/dev/${name}`));
  const mountPoints: string[] = [];
  let systemDisk = false;
  const mountInfo = await readFile(options.mountInfoPath ?? '/proc/self/mountinfo', 'utf8').catch(() => '');
  for (const line of mountInfo.split('\n')) {
    // <id> <parent> <major:minor> <root> <mount point> <options> [optional...] - <fstype> <source> <super options>
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const source = right.split(' ')[1] ?? '';
    const deviceNumber = fields[2] ?? '';
    const mountPoint = unescapeMount(fields[4] ?? '');
    if (numbers.has(deviceNumber) || devPaths.has(await resolved(source))) {
      mountPoints.push(mountPoint);
      if (SYSTEM_MOUNTS.has(mountPoint)) systemDisk = true;
    }
  }
  let swap = false;
  const swaps = await readFile(options.swapsPath ?? '/proc/swaps', 'utf8').catch(() => '');
  for (const line of swaps.split('\n').slice(1)) {
    const source = line.split(/\s+/)[0];
    if (source && devPaths.has(await resolved(source))) swap = true;
  }
  const holders: string[] = [];
  for (const name of names) {
    const dir = name === identity.name ? path.join(sysfsRoot, 'block', name) : path.join(sysfsRoot, 'block', identity.name, name);
    holders.push(...(await readDirNames(path.join(dir, 'holders'))));
  }
  return { mountPoints, swap, holders, systemDisk: systemDisk || swap };
}

/** True when nothing may write the disk right now: mounted, swap, held by dm/md/LVM, or the system disk. */
export function isInUse(usage: DeviceUsage): boolean {
  return usage.mountPoints.length > 0 || usage.swap || usage.holders.length > 0 || usage.systemDisk;
}

async function readDirNames(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

async function resolved(source: string): Promise<string> {
  if (!source.startsWith('/dev/')) return source;
  try {
    return await realpath(source);
  } catch {
    return source;
  }
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMount(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** The loop device's backing file, for loop devices; undefined otherwise. */
export async function loopBackingFile(name: string, options: SysfsOptions = {}): Promise<string | undefined> {
  const file = await readFile(path.join(options.sysfsRoot ?? '/sys', 'block', name, 'loop', 'backing_file'), 'utf8').catch(() => '');
  return file.trim() || undefined;
}

