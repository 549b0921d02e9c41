import { createHash, randomBytes } from 'node:crypto';

import { describe, expect, it } from '@jest/globals';

import { ChunkCompression } from './compression';
import { PackBuilder, readPackTrailer } from './pack';

const id = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('pack format', () => {
  it('records every chunk with its offset and lengths in a trailer that can be read back', () => {
    const builder = new PackBuilder();
    const a = randomBytes(1000);
    const b = randomBytes(50);
    builder.add({ id: id(a), compression: ChunkCompression.NONE, data: a, rawLength: 1000 });
    builder.add({ id: id(b), compression: ChunkCompression.ZSTD, data: b, rawLength: 4096 });
    const { buffers, locations } = builder.build();
    const pack = Buffer.concat(buffers);
    expect(pack.length).toBe(builder.size);
    expect(readPackTrailer(pack)).toEqual(locations);
    expect(locations).toEqual([
      [id(a), 12, 1000, 1000, 0],
      [id(b), 1012, 50, 4096, 1],
    ]);
    expect(pack.subarray(1012, 1062).equals(b)).toBe(true);
  });

  it('rejects a truncated pack', () => {
    const builder = new PackBuilder();
    const a = randomBytes(100);
    builder.add({ id: id(a), compression: ChunkCompression.NONE, data: a, rawLength: 100 });
    const pack = Buffer.concat(builder.build().buffers);
    expect(() => readPackTrailer(pack.subarray(0, pack.length - 1))).toThrow(/Not a valid pack: bad footer/);
    expect(() => readPackTrailer(Buffer.concat([pack.subarray(0, 20), pack.subarray(21)]))).toThrow(/do not add up/);
  });
});
