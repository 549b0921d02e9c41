import { crc32 } from 'node:zlib';

import { PARTITION_ALIGNMENT, buildPartitionTable, choosePartitionStyle, parsePartitionTable, planPartition } from './partition-table';

const GiB = 1024 ** 3;

describe('partition tables', () => {
  it('uses MBR while 32-bit sector numbers reach, GPT beyond', () => {
    expect(choosePartitionStyle(2 * 1024 * GiB - 512, 512)).toBe('mbr');
    expect(choosePartitionStyle(2 * 1024 * GiB, 512)).toBe('gpt');
    expect(choosePartitionStyle(10 * 1024 * GiB, 4096)).toBe('mbr');
  });

  it('writes one NTFS partition at 1 MiB in an MBR and reads it back', () => {
    const layout = planPartition(8 * GiB + 1000 * 512, 512, 'mbr');
    expect(layout).toMatchObject({ partitionOffset: PARTITION_ALIGNMENT, partitionBytes: 8 * GiB - PARTITION_ALIGNMENT });
    const { head, tail } = buildPartitionTable(layout);
    expect(tail).toBeUndefined();
    expect(head.length).toBe(PARTITION_ALIGNMENT);
    expect(head[446 + 4]).toBe(0x07);
    expect(parsePartitionTable(head, 512)).toEqual({ style: 'mbr', partitionOffset: layout.partitionOffset, partitionBytes: layout.partitionBytes });
  });

  it.each([512, 4096])('writes a GPT with valid CRCs and a backup at the end (%i-byte sectors)', (sectorSize) => {
    const disk = 4 * GiB;
    const layout = planPartition(disk, sectorSize, 'gpt');
    const { head, tail } = buildPartitionTable(layout);
    const header = head.subarray(sectorSize, sectorSize + 92);
    expect(header.toString('latin1', 0, 8)).toBe('EFI PART');
    const copy = Buffer.from(header);
    copy.writeUInt32LE(0, 16);
    expect(crc32(copy) >>> 0).toBe(header.readUInt32LE(16));
    const entries = head.subarray(2 * sectorSize, 2 * sectorSize + 128 * 128);
    expect(crc32(entries) >>> 0).toBe(header.readUInt32LE(88));
    expect(head[446 + 4]).toBe(0xee);
    // Basic data partition type, stored mixed-endian.
    expect(entries.subarray(0, 16).toString('hex')).toBe('a2a0d0ebe5b9334487c068b6b72699c7');
    expect(parsePartitionTable(head, sectorSize)).toEqual({ style: 'gpt', partitionOffset: PARTITION_ALIGNMENT, partitionBytes: layout.partitionBytes });
    // The partition ends before the backup table; the backup header is the disk's last sector.
    expect(layout.partitionOffset + layout.partitionBytes).toBeLessThanOrEqual(tail?.offset ?? 0);
    expect((tail?.offset ?? 0) + (tail?.data.length ?? 0)).toBe(disk);
    const backup = tail?.data.subarray(tail.data.length - sectorSize) ?? Buffer.alloc(0);
    expect(backup.toString('latin1', 0, 8)).toBe('EFI PART');
    expect(Number(backup.readBigUInt64LE(24))).toBe(disk / sectorSize - 1);
  });

  it('finds no partition on a blank disk', () => {
    expect(parsePartitionTable(Buffer.alloc(PARTITION_ALIGNMENT), 512)).toBeUndefined();
  });
});
