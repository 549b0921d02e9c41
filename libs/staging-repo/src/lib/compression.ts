import { compress as zstdCompress, decompress as zstdDecompress } from '@mongodb-js/zstd';

/**
 * How a chunk is stored in a pack. zstd runs on libuv's thread pool (the @mongodb-js/zstd binding
 * ships its binary inside the npm package), so compression overlaps with chunking and hashing.
 */
export enum ChunkCompression {
  NONE = 0,
  ZSTD = 1,
}

export interface StoredChunk {
  readonly compression: ChunkCompression;
  readonly data: Buffer;
}

/** Compresses with zstd; keeps the raw bytes when compression does not save at least 1/64. */
export async function compressChunk(raw: Buffer, level: number): Promise<StoredChunk> {
  const compressed = await zstdCompress(raw, level);
  if (compressed.length >= raw.length - (raw.length >> 6)) return { compression: ChunkCompression.NONE, data: raw };
  return { compression: ChunkCompression.ZSTD, data: compressed };
}

export async function decompressChunk(stored: Buffer, compression: ChunkCompression): Promise<Buffer> {
  switch (compression) {
    case ChunkCompression.NONE:
      return stored;
    case ChunkCompression.ZSTD:
      return zstdDecompress(stored);
  }
}
