import { applyFixups, decodeRuns, parseBootSector, removeFixups } from './ntfs-structures';

describe('NTFS structures', () => {
  it('decodes mapping pairs: lengths, signed relative LCNs and sparse runs', () => {
    // 0x21: 1-byte length, 2-byte offset; 0x01: sparse; 0x31: 1-byte length, 3-byte negative offset.
    const pairs = Buffer.from([0x21, 0x10, 0x00, 0x10, 0x01, 0x08, 0x31, 0x04, 0x00, 0xf0, 0xff, 0x00]);
    expect(decodeRuns(pairs)).toEqual([
      { vcn: 0, lcn: 0x1000, clusters: 0x10 },
      { vcn: 0x10, lcn: undefined, clusters: 8 },
      { vcn: 0x18, lcn: 0x1000 - 0x1000, clusters: 4 },
    ]);
  });

  it('removes and restores update sequence fixups, and detects a torn record', () => {
    const record = Buffer.alloc(1024);
    record.write('FILE', 0, 'latin1');
    record.writeUInt16LE(0x30, 4);
    record.writeUInt16LE(3, 6);
    record.writeUInt16LE(0x0007, 0x30);
    record.writeUInt16LE(0xabcd, 510);
    record.writeUInt16LE(0x1234, 1022);
    const plain = Buffer.from(record);
    applyFixups(record);
    expect(record.readUInt16LE(510)).toBe(7);
    expect(record.readUInt16LE(0x32)).toBe(0xabcd);
    const copy = Buffer.from(record);
    expect(removeFixups(copy)).toBe(true);
    // The stride ends are back; the array itself keeps the saved bytes, as on disk.
    expect([copy.readUInt16LE(510), copy.readUInt16LE(1022)]).toEqual([0xabcd, 0x1234]);
    expect(copy.subarray(0x36).equals(plain.subarray(0x36))).toBe(true);
    record.writeUInt16LE(8, 1022);
    expect(removeFixups(record)).toBe(false);
  });

  it('reads the geometry from an NTFS boot sector and refuses anything else', () => {
    const boot = Buffer.alloc(512);
    boot.write('NTFS    ', 3, 'latin1');
    boot.writeUInt16LE(512, 11);
    boot[13] = 8;
    boot.writeBigUInt64LE(999n, 0x28);
    boot.writeBigUInt64LE(4n, 0x30);
    boot.writeBigUInt64LE(500n, 0x38);
    boot.writeInt8(-10, 0x40);
    expect(parseBootSector(boot)).toEqual({ bytesPerSector: 512, clusterSize: 4096, totalSectors: 999, mftLcn: 4, mftMirrLcn: 500, mftRecordSize: 1024 });
    expect(() => parseBootSector(Buffer.alloc(512))).toThrow('does not start with an NTFS boot sector');
  });
});
