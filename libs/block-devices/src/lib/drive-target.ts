import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

import { BlockDeviceError, BlockDeviceErrorCode } from './block-device-error';
import { type DeviceUsage, type DiskSignature, type UsageOptions, deviceUsage, findSignatures } from './device-usage';
import { type BlockDeviceIdentity, identifyBlockDevice, normalizeSerial } from './sysfs-identity';

/** A drive to prepare: a whole block device, or a plain image file standing in for one. */
export interface DriveTarget {
  readonly path: string;
  readonly kind: 'block-device' | 'image-file';
  readonly sizeBytes: number;
  readonly logicalSectorSize: number;
  /** The hardware serial without spaces, or the id given for a device that has none (loop devices, images). */
  readonly driveId: string;
  /** sysfs identity; undefined for image files. */
  readonly identity: BlockDeviceIdentity | undefined;
}

export interface DriveTargetOptions extends UsageOptions {
  /** Required when the device reports no serial number (loop devices, image files); ignored otherwise unless it disagrees. */
  readonly driveId?: string;
  /** Sector size of an image file (default 512); block devices report their own. */
  readonly imageSectorSize?: number;
}

/** Resolves a device path or image file into what drive preparation needs to know about it. */
export async function openDriveTarget(devicePath: string, options: DriveTargetOptions = {}): Promise<DriveTarget> {
  let info;
  try {
    info = await stat(devicePath);
  } catch {
    throw new BlockDeviceError(BlockDeviceErrorCode.NotFound, `${devicePath} does not exist; give the drive's device (e.g. /dev/sdb) or an image file.`);
  }
  const given = normalizeSerial(options.driveId);
  if (info.isFile()) {
    if (!given) throw new BlockDeviceError(BlockDeviceErrorCode.InvalidArgument, `${devicePath} is an image file, which has no serial number: pass driveId.`);
    return { path: devicePath, kind: 'image-file', sizeBytes: info.size, logicalSectorSize: options.imageSectorSize ?? 512, driveId: given, identity: undefined };
  }
  if (!info.isBlockDevice()) {
    throw new BlockDeviceError(BlockDeviceErrorCode.NotABlockDevice, `${devicePath} is neither a block device nor an image file.`);
  }
  const identity = await identifyBlockDevice(path.basename(await realpath(devicePath)), options);
  if (identity.serial && given && identity.serial !== given) {
    throw new BlockDeviceError(
      BlockDeviceErrorCode.InvalidArgument,
      `${devicePath} has serial number ${identity.serial}, not ${given}: check that the right drive is in the bay.`,
    );
  }
  const driveId = identity.serial ?? given;
  if (!driveId) {
    throw new BlockDeviceError(BlockDeviceErrorCode.InvalidArgument, `${devicePath} reports no serial number (${identity.transport} device): pass driveId.`);
  }
  return { path: devicePath, kind: 'block-device', sizeBytes: identity.sizeBytes, logicalSectorSize: identity.logicalSectorSize, driveId, identity };
}

/** Why a drive may not be written now; empty when it may. */
export interface WriteCheck {
  readonly problems: readonly string[];
  readonly signatures: readonly DiskSignature[];
  readonly usage: DeviceUsage | undefined;
}

/**
 * The rules before anything is written: never a disk that is mounted, swap, held by another device or
 * the system disk; never a read-only one; and a disk with a partition table or filesystem only when an
 * operator confirmed it may be wiped.
 */
export async function checkDriveWritable(target: DriveTarget, options: UsageOptions & { wipeConfirmed?: boolean } = {}): Promise<WriteCheck> {
  const problems: string[] = [];
  let usage: DeviceUsage | undefined;
  if (target.identity) {
    usage = await deviceUsage(target.identity, options);
    if (usage.systemDisk) problems.push(`${target.path} holds the running system`);
    if (usage.mountPoints.length > 0) problems.push(`${target.path} is mounted at ${usage.mountPoints.join(', ')}`);
    if (usage.swap) problems.push(`${target.path} is in use as swap`);
    if (usage.holders.length > 0) problems.push(`${target.path} is in use by ${usage.holders.join(', ')}`);
    if (target.identity.readOnly) problems.push(`${target.path} is read-only`);
  }
  const signatures = await findSignatures(target.path);
  if (signatures.length > 0 && !options.wipeConfirmed) {
    problems.push(
      `${target.path} is not blank (found ${signatures.map((signature) => signature.type).join(', ')}); an operator must confirm it may be wiped`,
    );
  }
  return { problems, signatures, usage };
}


