import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

export type PartitionStyle = 'mbr' | 'gpt';

/** Where the one data partition sits on the disk. */
export interface PartitionLayout {
  readonly style: PartitionStyle;
  readonly sectorSize: number;
  readonly diskBytes: number;
  readonly partitionOffset: number;
  readonly partitionBytes: number;
}

/** Partitions start at 1 MiB, as Windows aligns them. */
export const PARTITION_ALIGNMENT = 1024 * 1024;
const GPT_ENTRIES = 128;
const GPT_ENTRY_BYTES = 128;
/** Microsoft basic data partition (EBD0A0A2-B9E5-4433-87C0-68B6B72699C7). */
const BASIC_DATA_GUID = 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7';
const MBR_MAX_SECTORS = 0xffffffff;

/** MBR up to what its 32-bit sector counts reach, GPT beyond. */
export function choosePartitionStyle(diskBytes: number, sectorSize: number): PartitionStyle {
  return diskBytes / sectorSize > MBR_MAX_SECTORS ? 'gpt' : 'mbr';
}

/** One partition from 1 MiB to the last whole MiB before the end (before the backup GPT for GPT). */
export function planPartition(diskBytes: number, sectorSize: number, style: PartitionStyle = choosePartitionStyle(diskBytes, sectorSize)): PartitionLayout {
  const tableSectors = (GPT_ENTRIES * GPT_ENTRY_BYTES) / sectorSize;
  const reservedAtEnd = style === 'gpt' ? (tableSectors + 1) * sectorSize : 0;
  let end = Math.floor((diskBytes - reservedAtEnd) / PARTITION_ALIGNMENT) * PARTITION_ALIGNMENT;
  if (style === 'mbr') end = Math.min(end, Math.floor(((MBR_MAX_SECTORS + 1) * sectorSize) / PARTITION_ALIGNMENT) * PARTITION_ALIGNMENT);
  return { style, sectorSize, diskBytes, partitionOffset: PARTITION_ALIGNMENT, partitionBytes: Math.max(0, end - PARTITION_ALIGNMENT) };
}

/** The bytes to write at the start of the disk (the first 1 MiB, so no old table survives) and, for GPT, at its end. */
export function buildPartitionTable(layout: PartitionLayout): { head: Buffer; tail: { offset: number; data: Buffer } | undefined } {
  const { sectorSize, diskBytes, partitionOffset, partitionBytes } = layout;
  const head = Buffer.alloc(PARTITION_ALIGNMENT);
  const firstLba = partitionOffset / sectorSize;
  const sectors = partitionBytes / sectorSize;
  const totalSectors = diskBytes / sectorSize;
  if (layout.style === 'mbr') {
    writeMbrEntry(head, 0, 0x07, firstLba, sectors);
    head.writeUInt32LE(randomBytes(4).readUInt32LE(0), 440); // disk signature
    head.writeUInt16LE(0xaa55, 510);
    return { head, tail: undefined };
  }
  writeMbrEntry(head, 0, 0xee, 1, Math.min(totalSectors - 1, MBR_MAX_SECTORS));
  head.writeUInt16LE(0xaa55, 510);
  const tableSectors = (GPT_ENTRIES * GPT_ENTRY_BYTES) / sectorSize;
  const lastLba = totalSectors - 1;
  const entries = Buffer.alloc(GPT_ENTRIES * GPT_ENTRY_BYTES);
  guidBytes(BASIC_DATA_GUID).copy(entries, 0);
  randomGuid().copy(entries, 16);
  entries.writeBigUInt64LE(BigInt(firstLba), 32);
  entries.writeBigUInt64LE(BigInt(firstLba + sectors - 1), 40);
  entries.write('Seedship data', 56, 'utf16le');
  const diskGuid = randomGuid();
  const header = (current: number, backup: number, entriesLba: number): Buffer => {
    const h = Buffer.alloc(sectorSize);
    h.write('EFI PART', 0, 'latin1');
    h.writeUInt32LE(0x00010000, 8);
    h.writeUInt32LE(92, 12);
    h.writeBigUInt64LE(BigInt(current), 24);
    h.writeBigUInt64LE(BigInt(backup), 32);
    h.writeBigUInt64LE(BigInt(2 + tableSectors), 40);
    h.writeBigUInt64LE(BigInt(lastLba - tableSectors - 1), 48);
    diskGuid.copy(h, 56);
    h.writeBigUInt64LE(BigInt(entriesLba), 72);
    h.writeUInt32LE(GPT_ENTRIES, 80);
    h.writeUInt32LE(GPT_ENTRY_BYTES, 84);
    h.writeUInt32LE(crc32(entries) >>> 0, 88);
    h.writeUInt32LE(crc32(h.subarray(0, 92)) >>> 0, 16);
    return h;
  };
  header(1, lastLba, 2).copy(head, sectorSize);
  entries.copy(head, 2 * sectorSize);
  const tail = Buffer.concat([entries, header(lastLba, 1, lastLba - tableSectors)]);
  return { head, tail: { offset: (lastLba - tableSectors) * sectorSize, data: tail } };
}

/** Reads back the one data partition a disk's MBR or GPT describes; undefined when there is none. */
export function parsePartitionTable(firstSectors: Buffer, sectorSize: number): { style: PartitionStyle; partitionOffset: number; partitionBytes: number } | undefined {
  if (firstSectors.readUInt16LE(510) !== 0xaa55) return undefined;
  const type = firstSectors[446 + 4];
  if (type === 0xee) {
    const header = firstSectors.subarray(sectorSize, 2 * sectorSize);
    if (header.toString('latin1', 0, 8) !== 'EFI PART') return undefined;
    const entriesAt = Number(header.readBigUInt64LE(72)) * sectorSize;
    const entry = firstSectors.subarray(entriesAt, entriesAt + GPT_ENTRY_BYTES);
    if (entry.length < GPT_ENTRY_BYTES) return undefined;
    const first = Number(entry.readBigUInt64LE(32));
    const last = Number(entry.readBigUInt64LE(40));
    return { style: 'gpt', partitionOffset: first * sectorSize, partitionBytes: (last - first + 1) * sectorSize };
  }
  if (!type) return undefined;
  return { style: 'mbr', partitionOffset: firstSectors.readUInt32LE(446 + 8) * sectorSize, partitionBytes: firstSectors.readUInt32LE(446 + 12) * sectorSize };
}

function writeMbrEntry(mbr: Buffer, index: number, type: number, firstLba: number, sectors: number): void {
  const at = 446 + index * 16;
  // CHS fields say "use LBA" (the maximum 1023/254/63), as every tool does for disks past 8 GB.
  mbr.set([0x00, 0xfe, 0xff, 0xff, type, 0xfe, 0xff, 0xff], at);
  mbr.writeUInt32LE(firstLba, at + 8);
  mbr.writeUInt32LE(sectors, at + 12);
}

/** GUIDs on disk: the first three fields little-endian, the last two as written. */
function guidBytes(text: string): Buffer {
  const hex = text.replace(/-/g, '');
  const raw = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from(raw.subarray(0, 4)).reverse(), Buffer.from(raw.subarray(4, 6)).reverse(), Buffer.from(raw.subarray(6, 8)).reverse(), raw.subarray(8)]);
}

function randomGuid(): Buffer {
  const guid = randomBytes(16);
  guid[7] = ((guid[7] ?? 0) & 0x0f) | 0x40; // version 4 (byte 7 holds the high byte of the little-endian third field)
  guid[8] = ((guid[8] ?? 0) & 0x3f) | 0x80;
  return guid;
}
