import { DriveFormatError } from '../drive-format-error';

import { MAX_BLOCKS_PER_BLOB, MIN_MANIFEST_BYTES, blockId, blockRanges, blockSizeFor, parseManifest, renderManifest, type DriveManifest } from './drive-manifest';

const MiB = 1024 * 1024;

function manifest(hash: (index: number) => string): DriveManifest {
  const blocks = blockRanges(9 * MiB + 5, 4 * MiB).map((block, index) => ({ ...block, hash: hash(index) }));
  return {
    driveId: 'WD-123',
    credential: { storageAccountKey: 'a2V5' },
    blobs: [
      { blobPath: 'seed/job & co/<pack>.bin', filePath: '\\Blobs\\000001.bin', length: 9 * MiB + 5, importDisposition: 'overwrite', blocks },
      { blobPath: 'seed/empty', filePath: '\\Blobs\\000002.bin', length: 0, importDisposition: 'overwrite', blocks: [] },
    ],
  };
}

describe('the drive manifest', () => {
  it('has the same length before and after the hashes are known, so it can be allocated first', () => {
    const placeholder = renderManifest(manifest(() => '0'.repeat(32)));
    const final = renderManifest(manifest((index) => `${'ABCDEF0123456789'.repeat(2).slice(index)}${'F'.repeat(index)}`));
    expect(final.length).toBe(placeholder.length);
    expect(final.equals(placeholder)).toBe(false);
  });

  it('round-trips through the parser, with escaped names, block ids of one length and Base16 hashes', () => {
    const written = manifest((index) => `${index}`.padStart(32, 'A'));
    const parsed = parseManifest(renderManifest(written).toString('utf8'));
    expect(parsed).toEqual(written);
    const ids = parsed.blobs[0]?.blocks.map((block) => block.id) ?? [];
    expect(new Set(ids.map((id) => id.length)).size).toBe(1);
    expect(Buffer.from(blockId(7), 'base64').toString('latin1')).toBe('seedship-block-00000007');
  });

  it('is padded to a size ntfs-3g never keeps inside an MFT record', () => {
    const small = renderManifest({ driveId: 'D', credential: { containerSas: '?sv=1&sig=x' }, blobs: [] });
    expect(small.length).toBe(MIN_MANIFEST_BYTES);
    expect(small.toString('utf8')).toContain('<ContainerSas>?sv=1&amp;sig=x</ContainerSas>');
    expect(parseManifest(small.toString('utf8')).credential).toEqual({ containerSas: '?sv=1&sig=x' });
  });

  it('grows the block size in whole MiB when a blob would need more than 50,000 blocks', () => {
    expect(blockSizeFor(100 * MiB)).toBe(4 * MiB);
    const huge = 300 * 1024 * MiB;
    const size = blockSizeFor(huge);
    expect(size % MiB).toBe(0);
    expect(Math.ceil(huge / size)).toBeLessThanOrEqual(MAX_BLOCKS_PER_BLOB);
    expect(Math.ceil(huge / (size - MiB))).toBeGreaterThan(MAX_BLOCKS_PER_BLOB);
  });

  it('names what is missing from a manifest it cannot use', () => {
    expect(() => parseManifest('<DriveManifest Version="2011-01-01"><Drive></Drive></DriveManifest>')).toThrow(DriveFormatError);
    try {
      parseManifest('<DriveManifest Version="2011-01-01"><Drive></Drive></DriveManifest>');
    } catch (error) {
      expect((error as DriveFormatError).problems).toEqual([
        'DriveManifest Version is not 2014-11-01',
        'the manifest has no DriveId',
        'the manifest has neither StorageAccountKey nor ContainerSas',
      ]);
    }
  });
});
