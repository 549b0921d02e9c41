/**
 * The error and verbose logs the service writes per drive, as XML block blobs under the job's
 * diagnostics path (`waies/<job>_<drive>_<timestamp>_error.xml` / `_verbose.xml`). Element names follow
 * the documented Import/Export log format (DriveLog, Blob, BlobPath, FilePath, Length, BlockList/Block
 * with a Status attribute, a final Status); the status words are the simulator's, named for the error
 * categories that page lists.
 */
export type BlockStatus = 'Completed' | 'Corrupted' | 'NotProcessed';

export interface LoggedBlock {
  readonly offset: number;
  readonly length: number;
  readonly id?: string;
  readonly status: BlockStatus;
}

export interface LoggedBlob {
  readonly blobPath: string;
  readonly filePath: string;
  readonly length: number;
  /** Completed, or the reason the blob was not (fully) imported. */
  readonly status: string;
  readonly importDisposition?: { readonly requested: string; readonly outcome: string; readonly finalBlobPath: string };
  readonly blocks: readonly LoggedBlock[];
  readonly message?: string;
}

export interface DriveLog {
  readonly driveId: string;
  readonly blobs: readonly LoggedBlob[];
  /** Drive-level outcome: Completed, CompletedWithErrors, or the drive error. */
  readonly status: string;
  readonly message?: string;
}

export function renderDriveLog(log: DriveLog, onlyErrors: boolean): string {
  const blobs = onlyErrors ? log.blobs.filter((blob) => blob.status !== 'Completed') : log.blobs;
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', '<DriveLog Version="2014-11-01">', `  <DriveId>${escape(log.driveId)}</DriveId>`];
  for (const blob of blobs) {
    lines.push(`  <Blob Status="${escape(blob.status)}">`);
    lines.push(`    <BlobPath>${escape(blob.blobPath)}</BlobPath>`);
    lines.push(`    <FilePath>${escape(blob.filePath)}</FilePath>`);
    lines.push(`    <Length>${blob.length}</Length>`);
    if (blob.importDisposition) {
      const { requested, outcome, finalBlobPath } = blob.importDisposition;
      lines.push(`    <ImportDisposition Status="${escape(outcome)}" BlobPath="${escape(finalBlobPath)}">${escape(requested)}</ImportDisposition>`);
    }
    if (blob.message) lines.push(`    <Message>${escape(blob.message)}</Message>`);
    const blocks = onlyErrors ? blob.blocks.filter((block) => block.status !== 'Completed') : blob.blocks;
    if (blocks.length > 0) {
      lines.push('    <BlockList>');
      for (const block of blocks) {
        const id = block.id === undefined ? '' : ` Id="${escape(block.id)}"`;
        lines.push(`      <Block Offset="${block.offset}" Length="${block.length}"${id} Status="${block.status}" />`);
      }
      lines.push('    </BlockList>');
    }
    lines.push('  </Blob>');
  }
  if (log.message) lines.push(`  <Message>${escape(log.message)}</Message>`);
  lines.push(`  <Status>${escape(log.status)}</Status>`, '</DriveLog>', '');
  return lines.join('\n');
}

function escape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
