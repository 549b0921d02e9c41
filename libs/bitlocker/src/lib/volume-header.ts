import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';
import { guidToBytes, guidToString } from './guid';

export const FVE_SIGNATURE = '-FVE-FS-';
/** The boot jump of the Windows 7+ format ("version 2"); Vista used EB 52 90. */
const BOOT_JUMP_V2 = Buffer.from([0xeb, 0x58, 0x90]);
const BOOT_JUMP_V1 = Buffer.from([0xeb, 0x52, 0x90]);
/** Identifies a BitLocker volume (not used-space-only/EOW) in sector 0 at offset 160. */
export const BITLOCKER_IDENTIFIER = '4967d63b-2e29-4ad8-8399-f6a339e3d001';
/** The identifier Windows writes for used-space-only (encrypt-on-write) volumes. */
export const BITLOCKER_EOW_IDENTIFIER = '92a84d3b-dd80-4d0e-9e4e-b1e3284eaed8';

/**
 * The 16-bit "no operating system" routine Windows puts at offset 90: set up segments and stack,
 * print the message whose offset (within the sector's second half) is at 0x1FB, wait for a key
 * (int 16h), reboot (int 19h). Every Windows 10/11 sample carries exactly these bytes.
 *   xor cx,cx; mov ss,cx; mov sp,7BF4h; mov es,cx; mov ds,cx; mov bp,7C00h
 *   mov al,[7DFBh]; mov ah,7Dh; mov si,ax
 *   next: lodsb; cbw; inc ax; jz done; dec ax; jz wait; mov ah,0Eh; mov bx,7; int 10h; jmp next
 *   done: mov al,[7DFDh]; jmp …; wait: int 16h; int 19h
 */
const BOOT_CODE = Buffer.from(
  '33c98ed1bcf47b8ec18ed9bd007ca0fb7db47d8bf0ac9840740c48740eb40ebb0700cd10ebefa0fd7debe6cd16cd19',
  'hex',
);
/** Messages at 0x100, separated by FF and ended by 0, with their offsets at 0x1FB..0x1FD. */
const BOOT_MESSAGES = Buffer.from('\r\nRemove disks or other media.\xff\r\nDisk error\xff\r\nPress any key to restart\r\n', 'latin1');

export interface VolumeHeaderFields {
  sectorSize: number;
  sectorsPerCluster: number;
  /** Partition start in sectors ("hidden sectors"). */
  hiddenSectors: number;
  metadataOffsets: readonly [number, number, number];
}

export interface ParsedVolumeHeader extends VolumeHeaderFields {
  identifier: string;
}

/** Builds sector 0 of a BitLocker volume (plaintext on disk), as every Windows 10/11 sample has it. */
export function buildVolumeHeader(fields: VolumeHeaderFields): Buffer {
  const sector = Buffer.alloc(fields.sectorSize);
  BOOT_JUMP_V2.copy(sector, 0);
  sector.write(FVE_SIGNATURE, 3, 'latin1');
  sector.writeUInt16LE(fields.sectorSize, 11);
  sector.writeUInt8(fields.sectorsPerCluster, 13);
  sector.writeUInt8(0xf8, 21); // media descriptor: fixed disk
  sector.writeUInt16LE(0x3f, 24); // sectors per track
  sector.writeUInt16LE(0xff, 26); // heads
  sector.writeUInt32LE(fields.hiddenSectors, 28);
  sector.writeUInt32LE(0x1fe0, 36); // FAT32-style "sectors per FAT"
  sector.writeUInt16LE(1, 48); // FSInfo sector
  sector.writeUInt16LE(6, 50); // backup boot sector
  sector.writeUInt8(0x80, 64); // drive number
  sector.writeUInt8(0x29, 66); // extended boot signature
  sector.write('NO NAME    ', 71, 'latin1');
  sector.write('FAT32   ', 82, 'latin1');
  BOOT_CODE.copy(sector, 90);
  guidToBytes(BITLOCKER_IDENTIFIER).copy(sector, 160);
  fields.metadataOffsets.forEach((offset, index) => sector.writeBigUInt64LE(BigInt(offset), 176 + index * 8));
  BOOT_MESSAGES.copy(sector, 0x100);
  sector.fill(0x78, 0x198, 0x1e8);
  sector.fill(0xff, 0x1e8, 0x1fb);
  sector.writeUInt8(0x00, 0x1fb); // offset of "Remove disks…" in the 0x7D00 page
  sector.writeUInt8(0x1f, 0x1fc); // "Disk error"
  sector.writeUInt8(0x2c, 0x1fd); // "Press any key…"
  sector.writeUInt16LE(0xaa55, 510);
  return sector;
}

export function parseVolumeHeader(sector: Buffer): ParsedVolumeHeader {
  if (sector.length < 512 || sector.toString('latin1', 3, 11) !== FVE_SIGNATURE) {
    const togo = sector.length >= 11 && sector.toString('latin1', 3, 11) === 'MSWIN4.1';
    throw new BitLockerError(
      togo ? BitLockerErrorCode.UnsupportedVersion : BitLockerErrorCode.NotBitLocker,
      togo
        ? 'This is a BitLocker To Go volume (FAT signature MSWIN4.1); only fixed-disk BitLocker volumes are supported.'
        : 'Sector 0 has no -FVE-FS- signature: this is not a BitLocker volume.',
    );
  }
  const jump = sector.subarray(0, 3);
  if (jump.equals(BOOT_JUMP_V1)) {
    throw new BitLockerError(BitLockerErrorCode.UnsupportedVersion, 'This is a Windows Vista BitLocker volume (version 1), which is not supported.');
  }
  if (!jump.equals(BOOT_JUMP_V2)) {
    throw new BitLockerError(BitLockerErrorCode.NotBitLocker, `Sector 0 starts with ${jump.toString('hex')}, not the BitLocker boot jump eb5890.`);
  }
  const identifier = guidToString(sector.subarray(160, 176));
  if (identifier !== BITLOCKER_IDENTIFIER && identifier !== BITLOCKER_EOW_IDENTIFIER) {
    throw new BitLockerError(BitLockerErrorCode.NotBitLocker, `Sector 0 carries the unknown identifier {${identifier}}.`);
  }
  const sectorSize = sector.readUInt16LE(11);
  if (![512, 1024, 2048, 4096].includes(sectorSize)) {
    throw new BitLockerError(BitLockerErrorCode.MalformedMetadata, `Sector 0 gives ${sectorSize} bytes per sector.`);
  }
  const offsets = [0, 1, 2].map((index) => Number(sector.readBigUInt64LE(176 + index * 8)));
  return {
    identifier,
    sectorSize,
    sectorsPerCluster: sector.readUInt8(13),
    hiddenSectors: sector.readUInt32LE(28),
    metadataOffsets: [offsets[0] ?? 0, offsets[1] ?? 0, offsets[2] ?? 0],
  };
}
