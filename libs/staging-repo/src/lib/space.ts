import { DEFAULT_CHUNKER_PARAMS } from './chunker';
import { type RepoConfig } from './format';
import { DEFAULT_PACK_TARGET_BYTES } from './repository';

export interface WorstCase {
  /** Bytes of chunk data if nothing compresses and nothing repeats. */
  readonly dataBytes: number;
  /** Pack trailers, index, journal and manifest, sized for the most chunks the input can make. */
  readonly metadataBytes: number;
  readonly totalBytes: number;
}

/** Bytes per entry for its manifest or journal line without chunk references (path, mode, times, hash). */
const ENTRY_LINE_BYTES = 512;
/** A chunk reference in a manifest or journal line: 64 hex digits, quotes and a comma. */
const CHUNK_REFERENCE_BYTES = 67;
/** A chunk in a pack trailer (41) and in the index (its JSON tuple, about 110). */
const CHUNK_RECORD_BYTES = 41 + 110;

/**
 * The most the staging repository can grow by when ingesting `files` files of `bytes` bytes in all:
 * no chunk compresses (chunks that do not shrink are stored raw, so never bigger) and none repeats,
 * every file makes at least one chunk, and the journal holds a second copy of the manifest until the
 * snapshot is sealed.
 */
export function worstCaseStagingBytes(
  bytes: number,
  files: number,
  config: Pick<RepoConfig, 'chunker' | 'packTargetBytes'> = { chunker: DEFAULT_CHUNKER_PARAMS, packTargetBytes: DEFAULT_PACK_TARGET_BYTES },
): WorstCase {
  const chunks = files + Math.ceil(bytes / config.chunker.minSize);
  const packs = Math.ceil(bytes / config.packTargetBytes) + 1;
  const metadataBytes = chunks * (CHUNK_RECORD_BYTES + 2 * CHUNK_REFERENCE_BYTES) + files * 2 * ENTRY_LINE_BYTES + packs * 4096 + 1024 * 1024;
  return { dataBytes: bytes, metadataBytes, totalBytes: bytes + metadataBytes };
}
