/**
 * Content-defined chunking in the FastCDC style (Xia et al., "FastCDC", USENIX ATC 2016): a gear
 * rolling hash, cut points searched only after the minimum size, and normalized chunking (a harder
 * mask before the normal size, an easier one after it) so that chunk sizes cluster around the average.
 *
 * Differences from the paper, chosen for JavaScript: the hash is 32 bits (V8 keeps it in a small
 * integer, no BigInt), and the masks use the hash's top bits, which depend on the last 11 to 32 bytes.
 * The gear table is derived from a fixed seed, so the same bytes give the same chunks on every machine
 * and in every version of the format that keeps the seed (it is recorded in the repository config).
 */

export interface ChunkerParams {
  readonly minSize: number;
  readonly avgSize: number;
  readonly maxSize: number;
  /** Seed of the gear table; part of the repository format. */
  readonly seed: number;
}

export const DEFAULT_CHUNKER_PARAMS: ChunkerParams = {
  minSize: 256 * 1024,
  avgSize: 1024 * 1024,
  maxSize: 4 * 1024 * 1024,
  seed: 0x5eed5417,
};

const gearCache = new Map<number, Int32Array>();

/** 256 pseudo-random 32-bit values from a seed (SplitMix32-style mixing, deterministic). */
export function gearTable(seed: number): Int32Array {
  const cached = gearCache.get(seed);
  if (cached) return cached;
  const table = new Int32Array(256);
  let state = seed >>> 0;
  for (let i = 0; i < 256; i++) {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    table[i] = z ^ (z >>> 16);
  }
  gearCache.set(seed, table);
  return table;
}

function topBitsMask(bits: number): number {
  return bits >= 32 ? -1 : ((0xffffffff << (32 - bits)) | 0);
}

export function validateChunkerParams(params: ChunkerParams): void {
  const { minSize, avgSize, maxSize } = params;
  const powerOfTwo = Number.isInteger(Math.log2(avgSize));
  if (!(minSize >= 64 && minSize < avgSize && avgSize < maxSize && maxSize <= 64 * 1024 * 1024) || !powerOfTwo) {
    throw new RangeError(
      `Chunker sizes must satisfy 64 <= min < avg < max <= 64 MiB with avg a power of two; got min=${minSize}, avg=${avgSize}, max=${maxSize}.`,
    );
  }
}

/**
 * Finds cut points. Stateless between chunks: a chunk boundary depends only on the bytes after the
 * previous boundary, so chunking restarted at any boundary yields the same following boundaries.
 */
export class Chunker {
  readonly params: ChunkerParams;
  private readonly gear: Int32Array;
  private readonly maskSmall: number;
  private readonly maskLarge: number;

  constructor(params: ChunkerParams = DEFAULT_CHUNKER_PARAMS) {
    validateChunkerParams(params);
    this.params = params;
    this.gear = gearTable(params.seed);
    const bits = Math.log2(params.avgSize);
    // Normalization level 2: two bits harder before the normal size, two bits easier after it.
    this.maskSmall = topBitsMask(bits + 2);
    this.maskLarge = topBitsMask(bits - 2);
  }

  /**
   * Length of the next chunk of buf[start, end). When `final` is false (more bytes follow) and fewer
   * than maxSize bytes are available, returns 0: the caller must supply more and ask again.
   */
  nextCut(buf: Uint8Array, start: number, end: number, final: boolean): number {
    const { minSize, maxSize } = this.params;
    const available = end - start;
    if (available <= 0) return 0;
    // Decide only with a full window in hand, so the result never depends on how reads were split.
    if (available < maxSize && !final) return 0;
    if (available <= minSize) return available;
    return this.scan(buf, start, Math.min(available, maxSize));
  }

  private scan(buf: Uint8Array, start: number, length: number): number {
    const { minSize, avgSize } = this.params;
    const gear = this.gear;
    const normal = Math.min(avgSize, length);
    let hash = 0;
    // The hash only needs the last 32 bytes before a candidate; warm it up on those.
    for (let j = start + Math.max(0, minSize - 32); j < start + minSize; j++) hash = ((hash << 1) + (gear[buf[j] as number] as number)) | 0;
    const small = gearRun(buf, gear, start + minSize, start + normal, hash, this.maskSmall);
    if (small.cut >= 0) return small.cut - start;
    const large = gearRun(buf, gear, start + normal, start + length, small.hash, this.maskLarge);
    return large.cut >= 0 ? large.cut - start : length;
  }
}

const runResult = { cut: -1, hash: 0 };

/**
 * Rolls the gear hash over buf[from, to) and returns the index just past the first byte after which
 * (hash & mask) is zero (cut), or cut -1 and the hash at `to`. Four bytes per step with the hash after
 * each byte still tested: h(i+k) = (h(i) << k) + sum of the newer gear values, so only one shift-add
 * per four bytes is on the dependency chain; same cut points as the byte-at-a-time loop, about three
 * times faster in V8. Returns a shared object to keep the hot path free of allocations.
 */
function gearRun(buf: Uint8Array, gear: Int32Array, from: number, to: number, hash: number, mask: number): typeof runResult {
  let h = hash;
  let i = from;
  for (const end = to - 3; i < end; i += 4) {
    const g0 = gear[buf[i] as number] as number;
    const g1 = gear[buf[i + 1] as number] as number;
    const g2 = gear[buf[i + 2] as number] as number;
    const g3 = gear[buf[i + 3] as number] as number;
    const h0 = ((h << 1) + g0) | 0;
    const h1 = ((h << 2) + ((g0 << 1) + g1)) | 0;
    const h2 = ((h << 3) + ((g0 << 2) + (g1 << 1) + g2)) | 0;
    const h3 = ((h << 4) + ((g0 << 3) + (g1 << 2) + (g2 << 1) + g3)) | 0;
    if ((h0 & mask) === 0 || (h1 & mask) === 0 || (h2 & mask) === 0 || (h3 & mask) === 0) {
      runResult.cut = (h0 & mask) === 0 ? i + 1 : (h1 & mask) === 0 ? i + 2 : (h2 & mask) === 0 ? i + 3 : i + 4;
      return runResult;
    }
    h = h3;
  }
  for (; i < to; i++) {
    h = ((h << 1) + (gear[buf[i] as number] as number)) | 0;
    if ((h & mask) === 0) {
      runResult.cut = i + 1;
      return runResult;
    }
  }
  runResult.cut = -1;
  runResult.hash = h;
  return runResult;
}
