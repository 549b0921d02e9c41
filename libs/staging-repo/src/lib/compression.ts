import { createRequire } from 'node:module';

interface ZstdBindings {
  compress(data: Buffer, level?: number): Promise<Buffer>;
  decompress(data: Buffer): Promise<Buffer>;
}

/**
 * The package's own index drops the level argument (it always compresses at zstd's default, 3), so
 * we call its napi bindings, which take it. Same binary, same async work on the libuv pool.
 */
const zstd = createRequire(__filename)('@mongodb-js/zstd/bindings') as ZstdBindings;

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
  const compressed = await zstd.compress(raw, level);
  if (compressed.length >= raw.length - (raw.length >> 6)) return { compression: ChunkCompression.NONE, data: raw };
  return { compression: ChunkCompression.ZSTD, data: compressed };
}

export async function decompressChunk(stored: Buffer, compression: ChunkCompression): Promise<Buffer> {
  switch (compression) {
    case ChunkCompression.NONE:
      return stored;
    case ChunkCompression.ZSTD:
      return zstd.decompress(stored);
  }
}
