import { type ChunkCompression } from './compression';
import { StagingRepoError, StagingRepoErrorCode } from './errors';

/**
 * Pack layout: "SEEDPACK" + u32 version, the stored chunks back to back, then a trailer with one
 * 41-byte record per chunk (32-byte SHA-256 of the raw chunk, u8 compression, u32 stored length, u32
 * raw length), then u32 chunk count and "SEEDPEND". The trailer makes a pack self-describing: the
 * index can be rebuilt from the packs alone.
 */
export const PACK_MAGIC = Buffer.from('SEEDPACK', 'ascii');
export const PACK_END_MAGIC = Buffer.from('SEEDPEND', 'ascii');
const HEADER_SIZE = PACK_MAGIC.length + 4;
export const PACK_HEADER_SIZE = HEADER_SIZE;
const RECORD_SIZE = 32 + 1 + 4 + 4;
const FOOTER_SIZE = 4 + PACK_END_MAGIC.length;

/** [chunk id, offset in pack, stored length, raw length, compression], as the index records it. */
export type PackLocation = [string, number, number, number, number];

/** Bytes a pack of these chunks has after its stored chunks: one record per chunk and the footer. */
export function packTrailerSize(chunks: number): number {
  return chunks * RECORD_SIZE + FOOTER_SIZE;
}

/** The trailer that ends a pack holding these chunks (in pack order). */
export function packTrailer(locations: readonly PackLocation[]): Buffer {
  const trailer = Buffer.alloc(packTrailerSize(locations.length));
  locations.forEach(([id, , stored, raw, compression], i) => {
    const at = i * RECORD_SIZE;
    trailer.write(id, at, 'hex');
    trailer.writeUInt8(compression, at + 32);
    trailer.writeUInt32BE(stored, at + 33);
    trailer.writeUInt32BE(raw, at + 37);
  });
  trailer.writeUInt32BE(locations.length, locations.length * RECORD_SIZE);
  PACK_END_MAGIC.copy(trailer, locations.length * RECORD_SIZE + 4);
  return trailer;
}

export interface PackedChunk {
  readonly id: string;
  readonly compression: ChunkCompression;
  readonly data: Buffer;
  readonly rawLength: number;
}

/** Chunks collected for the next pack, in order. */
export class PackBuilder {
  private readonly chunks: PackedChunk[] = [];
  private bytes = HEADER_SIZE + FOOTER_SIZE;

  get size(): number {
    return this.bytes;
  }

  get count(): number {
    return this.chunks.length;
  }

  /** The bytes every pack starts with (magic and format version). */
  static header(): Buffer {
    const header = Buffer.alloc(HEADER_SIZE);
    PACK_MAGIC.copy(header, 0);
    header.writeUInt32BE(1, PACK_MAGIC.length);
    return header;
  }

  add(chunk: PackedChunk): void {
    this.chunks.push(chunk);
    this.bytes += chunk.data.length + RECORD_SIZE;
  }

  /** The pack's bytes as a list of buffers (written with one writev), and where each chunk landed. */
  build(): { buffers: Buffer[]; locations: PackLocation[] } {
    const header = PackBuilder.header();
    const locations: PackLocation[] = [];
    let offset = HEADER_SIZE;
    for (const chunk of this.chunks) {
      locations.push([chunk.id, offset, chunk.data.length, chunk.rawLength, chunk.compression]);
      offset += chunk.data.length;
    }
    return { buffers: [header, ...this.chunks.map((chunk) => chunk.data), packTrailer(locations)], locations };
  }
}

/** Reads the chunk table of a whole pack, checking its structure. */
export function readPackTrailer(pack: Buffer): PackLocation[] {
  const fail = (why: string): never => {
    throw new StagingRepoError(StagingRepoErrorCode.INTEGRITY, `Not a valid pack: ${why}.`);
  };
  if (pack.length < HEADER_SIZE + FOOTER_SIZE || !pack.subarray(0, PACK_MAGIC.length).equals(PACK_MAGIC)) fail('bad header');
  if (!pack.subarray(pack.length - PACK_END_MAGIC.length).equals(PACK_END_MAGIC)) fail('bad footer');
  const count = pack.readUInt32BE(pack.length - FOOTER_SIZE);
  const trailerStart = pack.length - FOOTER_SIZE - count * RECORD_SIZE;
  if (trailerStart < HEADER_SIZE) fail('chunk count larger than the pack');
  const locations: PackLocation[] = [];
  let offset = HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    const at = trailerStart + i * RECORD_SIZE;
    const stored = pack.readUInt32BE(at + 33);
    locations.push([pack.toString('hex', at, at + 32), offset, stored, pack.readUInt32BE(at + 37), pack.readUInt8(at + 32)]);
    offset += stored;
  }
  if (offset !== trailerStart) fail('chunk lengths do not add up to the pack size');
  return locations;
}
