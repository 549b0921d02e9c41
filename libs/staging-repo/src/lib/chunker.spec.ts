import { randomBytes } from 'node:crypto';

import { describe, expect, it } from '@jest/globals';

import { ChunkSplitter } from './chunk-splitter';
import { Chunker, type ChunkerParams, DEFAULT_CHUNKER_PARAMS, gearTable } from './chunker';
import { textBytes } from './corpus';

function chunkAll(data: Buffer, pieceSize: number, chunker = new Chunker()): Buffer[] {
  const splitter = new ChunkSplitter(chunker);
  const out: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += pieceSize) out.push(...splitter.push(data.subarray(offset, offset + pieceSize)));
  out.push(...splitter.finish());
  return out;
}

/** The byte-at-a-time gear loop the format was defined with: the fast loop must cut exactly here. */
function referenceCuts(data: Uint8Array, params: ChunkerParams): number[] {
  const gear = gearTable(params.seed);
  const bits = Math.log2(params.avgSize);
  const maskSmall = (0xffffffff << (32 - (bits + 2))) | 0;
  const maskLarge = (0xffffffff << (32 - (bits - 2))) | 0;
  const cuts: number[] = [];
  let start = 0;
  while (start < data.length) {
    const length = Math.min(data.length - start, params.maxSize);
    let cut = length;
    if (length > params.minSize) {
      let hash = 0;
      for (let j = Math.max(0, params.minSize - 32); j < params.minSize; j++) hash = ((hash << 1) + (gear[data[start + j] as number] as number)) | 0;
      const normal = Math.min(params.avgSize, length);
      for (let i = params.minSize; i < length; i++) {
        hash = ((hash << 1) + (gear[data[start + i] as number] as number)) | 0;
        if ((hash & (i < normal ? maskSmall : maskLarge)) === 0) {
          cut = i + 1;
          break;
        }
      }
    }
    cuts.push(cut);
    start += cut;
  }
  return cuts;
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

  it('cuts exactly where the byte-at-a-time gear loop cuts (the format does not change with the fast loop)', () => {
    const mixed = Buffer.concat([data.subarray(0, 8 * 1024 * 1024), textBytes(8 * 1024 * 1024, 99), Buffer.alloc(9 * 1024 * 1024), data.subarray(0, 3)]);
    expect(chunkAll(mixed, 1 << 20).map((chunk) => chunk.length)).toEqual(referenceCuts(mixed, DEFAULT_CHUNKER_PARAMS));
    // Small sizes give many cuts, including ones in the byte-wise tail of each four-byte step.
    const small: ChunkerParams = { minSize: 64, avgSize: 256, maxSize: 1024, seed: 7 };
    const sample = data.subarray(0, 2 * 1024 * 1024);
    const cuts = chunkAll(sample, 4097, new Chunker(small)).map((chunk) => chunk.length);
    expect(cuts.length).toBeGreaterThan(4000);
    expect(cuts).toEqual(referenceCuts(sample, small));
  });

  it('refuses sizes that break the algorithm, naming them', () => {
    expect(() => new Chunker({ minSize: 1024, avgSize: 3000, maxSize: 8192, seed: 1 })).toThrow(/avg a power of two; got min=1024, avg=3000/);
    expect(() => new Chunker({ minSize: 4096, avgSize: 2048, maxSize: 8192, seed: 1 })).toThrow(/min < avg < max/);
  });
});
