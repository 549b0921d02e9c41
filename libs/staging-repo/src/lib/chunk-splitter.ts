import { type Chunker } from './chunker';

/**
 * Turns a byte stream into content-defined chunks. Bytes go in either by `push` (any source) or by
 * reading straight into `writableRegion()` and calling `commit` (files: one copy fewer). Chunks come
 * out as buffers the caller owns.
 */
export class ChunkSplitter {
  private buf: Buffer;
  private start = 0;
  private end = 0;

  constructor(
    private readonly chunker: Chunker,
    bufferSize = Math.max(16 * 1024 * 1024, chunker.params.maxSize * 4),
  ) {
    this.buf = Buffer.allocUnsafe(bufferSize);
  }

  /** Free space to read into; never empty. */
  writableRegion(): Buffer {
    if (this.end === this.buf.length) this.compact();
    return this.buf.subarray(this.end);
  }

  /** Declares that `n` bytes were written into the region and returns the chunks now complete. */
  commit(n: number): Buffer[] {
    this.end += n;
    return this.drain(false);
  }

  push(piece: Uint8Array): Buffer[] {
    const out: Buffer[] = [];
    let offset = 0;
    while (offset < piece.length) {
      const region = this.writableRegion();
      const n = Math.min(region.length, piece.length - offset);
      region.set(piece.subarray(offset, offset + n), 0);
      offset += n;
      out.push(...this.commit(n));
    }
    return out;
  }

  /** The stream ended: the remaining bytes become the last chunks. */
  finish(): Buffer[] {
    const out = this.drain(true);
    this.start = 0;
    this.end = 0;
    return out;
  }

  private drain(final: boolean): Buffer[] {
    const out: Buffer[] = [];
    for (;;) {
      const cut = this.chunker.nextCut(this.buf, this.start, this.end, final);
      if (cut === 0) break;
      out.push(Buffer.from(this.buf.subarray(this.start, this.start + cut)));
      this.start += cut;
    }
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    }
    return out;
  }

  private compact(): void {
    this.buf.copyWithin(0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
  }
}
