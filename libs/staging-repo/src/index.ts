export { assertBlobName, blobNameProblems, joinBlobName, MAX_BLOB_NAME_LENGTH, MAX_BLOB_PATH_SEGMENTS } from './lib/blob-names';
export { Chunker, DEFAULT_CHUNKER_PARAMS, type ChunkerParams } from './lib/chunker';
export { ChunkSplitter } from './lib/chunk-splitter';
export { StagingRepoError, StagingRepoErrorCode } from './lib/errors';
export { paths as repositoryPaths, type RepoConfig, type SnapshotHeader, type SnapshotKind, type SnapshotStats, type TreeEntry } from './lib/format';
export {
  AzureRepositorySource,
  LocalRepositorySource,
  StagingRepositoryReader,
  type RepositorySource,
  type RestoreProgress,
  type RestoreReport,
} from './lib/reader';
export { DEFAULT_PACK_TARGET_BYTES, StagingRepository, type CreateRepositoryOptions, type StartSnapshotOptions } from './lib/repository';
export {
  SnapshotWriter,
  type ContentSource,
  type SealResult,
  type StagedObject,
  type StoredContent,
  type WriterCounters,
} from './lib/snapshot-writer';
export {
  ingestTree,
  IngestIssueKind,
  issueOutcome,
  scanTree,
  type IngestIssue,
  type IngestIssueOutcome,
  type TreeIngestOptions,
  type TreeIngestProgress,
  type TreeIngestResult,
  type TreeScan,
} from './lib/tree-ingest';
export { uploadStagedObjects } from './lib/upload';
export { worstCaseStagingBytes } from './lib/space';
export { describeTree, generateCorpus, textBytes, type CorpusOptions } from './lib/corpus';
