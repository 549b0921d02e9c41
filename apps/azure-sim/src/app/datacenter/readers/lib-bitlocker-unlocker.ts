import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

import { BitLockerError, BitLockerErrorCode, BitLockerVolume } from '@seedship/bitlocker';

import { DriveReadError } from '../drive-reader';

import { type BitLockerUnlocker } from './ntfs-image-drive-reader';

const CHUNK = 8 * 1024 * 1024;

/**
 * Unlocks a drive's BitLocker volume with the recovery password from the job, using libs/bitlocker's
 * reader (metadata CRC and SHA-256 checks, VMK unwrap, XTS/CBC decryption), and writes the plaintext
 * NTFS volume to a private temp file for the ntfs-3g tools.
 */
export class LibBitLockerUnlocker implements BitLockerUnlocker {
  async unlock(imagePath: string, volumeOffset: number, volumeLength: number, recoveryPassword: string, target: string): Promise<void> {
    let volumePath = imagePath;
    if (volumeOffset !== 0) {
      // BitLockerVolume reads a volume from its first byte: lift the partition out first.
      volumePath = path.join(path.dirname(target), 'encrypted-volume.img');
      await pipeline(createReadStream(imagePath, { start: volumeOffset, end: volumeOffset + volumeLength - 1 }), createWriteStream(volumePath));
    }
    let volume: BitLockerVolume;
    try {
      volume = await BitLockerVolume.open(volumePath);
    } catch (error) {
      throw asDriveError(error);
    }
    try {
      await volume.unlock({ recoveryPassword });
      const output = await open(target, 'w');
      try {
        for (let offset = 0; offset < volume.volumeBytes; offset += CHUNK) {
          const bytes = await volume.read(offset, Math.min(CHUNK, volume.volumeBytes - offset));
          await output.write(bytes, 0, bytes.length, offset);
        }
      } finally {
        await output.close();
      }
    } catch (error) {
      throw asDriveError(error);
    } finally {
      await volume.close();
    }
  }
}

function asDriveError(error: unknown): unknown {
  if (!(error instanceof BitLockerError)) return error;
  const wrongKey = error.code === BitLockerErrorCode.WrongKey || error.code === BitLockerErrorCode.NoMatchingProtector;
  return wrongKey
    ? new DriveReadError('BitLockerKeyInvalid', `The BitLocker key in the job does not unlock the drive: ${error.message}`)
    : new DriveReadError('DriveUnreadable', `The BitLocker volume could not be read: ${error.message}`);
}
