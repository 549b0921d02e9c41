import { readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

import { type BlockDeviceIdentity, type DeviceUsage, deviceUsage, listBlockDevices, loopBackingFile } from '@seedship/block-devices';

/** One whole disk present on this node, as the scanner sees it. */
export interface PresentDrive {
  readonly identity: BlockDeviceIdentity;
  /** The serial number (driveId); for loop devices, derived from the backing file's name. */
  readonly serialNumber: string;
  /** Stable bay name on this node (ATA port, or the loop device for tests). */
  readonly slot: string;
  readonly usage: DeviceUsage;
}

export interface ScanOptions {
  readonly sysfsRoot: string;
  readonly allowLoopDevices: boolean;
  readonly loopBackingDir: string | undefined;
}

/** The scan settings from the agent's configuration. */
export function scanOptionsFrom(config: { readonly SYSFS_ROOT: string; readonly ALLOW_LOOP_DEVICES: boolean; readonly LOOP_BACKING_DIR?: string | undefined }): ScanOptions {
  return { sysfsRoot: config.SYSFS_ROOT, allowLoopDevices: config.ALLOW_LOOP_DEVICES, loopBackingDir: config.LOOP_BACKING_DIR };
}

/**
 * Lists the disks that could be drives: every whole disk in /sys/block with a serial number, except
 * device-mapper, MD, RAM, zram and optical devices; loop devices only when tests allow them and only
 * those backed by a file under the configured directory (never the host's own loop devices).
 */
export async function scanDrives(options: ScanOptions): Promise<PresentDrive[]> {
  const sysfs = { sysfsRoot: options.sysfsRoot };
  const identities = await listBlockDevices(sysfs).catch(() => [] as BlockDeviceIdentity[]);
  const drives: PresentDrive[] = [];
  for (const identity of identities) {
    if (/^(dm-|md|ram|zram|sr|nbd)/.test(identity.name) || identity.sizeBytes === 0) continue;
    let serialNumber = identity.serial;
    let slot: string;
    if (identity.transport === 'loop') {
      if (!options.allowLoopDevices || !options.loopBackingDir) continue;
      const backing = await loopBackingFile(identity.name, sysfs);
      if (!backing || !isUnder(backing, options.loopBackingDir) || (await loopAutoclear(identity.name, options.sysfsRoot))) continue;
      serialNumber = loopSerial(backing);
      slot = identity.name;
    } else {
      slot = await baySlot(identity.name, options.sysfsRoot);
    }
    if (!serialNumber) continue;
    drives.push({ identity, serialNumber, slot, usage: await deviceUsage(identity, sysfs) });
  }
  return drives;
}

/** Whether the drive is still in its bay: the same serial at the same device. */
export async function stillPresent(drive: PresentDrive, options: ScanOptions): Promise<boolean> {
  const scanned = await scanDrives(options);
  return scanned.some((candidate) => candidate.serialNumber === drive.serialNumber && candidate.identity.devicePath === drive.identity.devicePath);
}

/** What a drive that left its bay while it was being prepared is marked FAILED with. */
export function pulledReason(slot: string): string {
  return `Pulled from bay ${slot} before it was ready`;
}

/** A loop device's stand-in serial: its image file's name without extension, as a technician would read a label. */
export function loopSerial(backingFile: string): string {
  return path
    .basename(backingFile)
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .toUpperCase()
    .slice(0, 128);
}

function isUnder(file: string, directory: string): boolean {
  const relative = path.relative(path.resolve(directory), path.resolve(file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * A loop device detached while open stays until its last user closes it, with autoclear set: for the
 * agent it has been pulled (the test's way to pull a drive mid-copy).
 */
async function loopAutoclear(name: string, sysfsRoot: string): Promise<boolean> {
  const value = await readFile(path.join(sysfsRoot, 'block', name, 'loop', 'autoclear'), 'utf8').catch(() => '0');
  return value.trim() === '1';
}

/** The ATA port (`ata3`) or SCSI host the disk hangs off: the same bay keeps the same name across reboots. */
async function baySlot(name: string, sysfsRoot: string): Promise<string> {
  const link = await readlink(path.join(sysfsRoot, 'block', name)).catch(() => '');
  const ata = /\/(ata\d+)\//.exec(link);
  if (ata?.[1]) return ata[1];
  const host = /\/(host\d+\/target[\d:]+)\//.exec(link);
  return host?.[1] ?? name;
}
