import { randomBytes } from 'node:crypto';

import { describe, expect, it } from '@jest/globals';

import { ChunkSplitter } from './chunk-splitter';
import { Chunker, DEFAULT_CHUNKER_PARAMS } from './chunker';

function chunkAll(data: Buffer, pieceSize: number, chunker = new Chunker()): Buffer[] {
  const splitter = new ChunkSplitter(chunker);
  const out: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += pieceSize) out.push(...splitter.push(data.subarray(offset, offset + pieceSize)));
  out.push(...splitter.finish());
  return out;
}

describe('Chunker (FastCDC-style)', () => {
  const data = randomBytes(48 * 1024 * 1024);

  it('cuts chunks that reassemble to the input, within the min and max sizes, about 1 MiB on average', () => {
    const chunks = chunkAll(data, 1 << 20);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    const sizes = chunks.map((chunk) => chunk.length);
    for (const size of sizes.slice(0, -1)) {
      expect(size).toBeGreaterThanOrEqual(DEFAULT_CHUNKER_PARAMS.minSize);
      expect(size).toBeLessThanOrEqual(DEFAULT_CHUNKER_PARAMS.maxSize);
    }
    const average = data.length / chunks.length;
    expect(average).toBeGreaterThan(0.75 * 1024 * 1024);
    expect(average).toBeLessThan(1.5 * 1024 * 1024);
  });

  it('finds the same boundaries however the stream is split into reads', () => {
    const a = chunkAll(data, 1 << 20).map((chunk) => chunk.length);
    const b = chunkAll(data, 65_537).map((chunk) => chunk.length);
    const c = chunkAll(data, 7 * 1024 * 1024 + 3).map((chunk) => chunk.length);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('keeps most chunks when bytes are inserted at the front (content-defined, not offset-defined)', () => {
    const original = chunkAll(data, 1 << 20).map((chunk) => chunk.toString('base64'));
    const shifted = chunkAll(Buffer.concat([randomBytes(1234), data]), 1 << 20).map((chunk) => chunk.toString('base64'));
    const kept = new Set(original);
    const shared = shifted.filter((chunk) => kept.has(chunk)).length;
    expect(shared).toBeGreaterThanOrEqual(original.length - 3);
  });

  it('cuts at max size on data without cut points, and leaves short input whole', () => {
    const zeros = Buffer.alloc(10 * 1024 * 1024);
    const sizes = chunkAll(zeros, 1 << 20).map((chunk) => chunk.length);
    expect(sizes.slice(0, 2)).toEqual([DEFAULT_CHUNKER_PARAMS.maxSize, DEFAULT_CHUNKER_PARAMS.maxSize]);
    expect(chunkAll(Buffer.from('tiny'), 3).map((chunk) => chunk.toString())).toEqual(['tiny']);
    expect(chunkAll(Buffer.alloc(0), 3)).toEqual([]);
  });

  it('refuses sizes that break the algorithm, naming them', () => {
    expect(() => new Chunker({ minSize: 1024, avgSize: 3000, maxSize: 8192, seed: 1 })).toThrow(/avg a power of two; got min=1024, avg=3000/);
    expect(() => new Chunker({ minSize: 4096, avgSize: 2048, maxSize: 8192, seed: 1 })).toThrow(/min < avg < max/);
  });
});
