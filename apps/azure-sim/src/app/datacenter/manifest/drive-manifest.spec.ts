import { ManifestError, parseDriveManifest } from './drive-manifest';

const HASH = '0123456789ABCDEF0123456789ABCDEF';

function manifest(blobs: string, { version = '2014-11-01', driveId = 'WD-1', credential = '<StorageAccountKey>k</StorageAccountKey>' } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<DriveManifest Version="${version}">
  <Drive>
    <DriveId>${driveId}</DriveId>
    ${credential}
    <BlobList>
${blobs}
    </BlobList>
  </Drive>
</DriveManifest>`;
}

function problemsOf(xml: string): readonly string[] {
  try {
    parseDriveManifest(xml);
  } catch (error) {
    if (error instanceof ManifestError) return error.problems;
    throw error;
  }
  throw new Error('the manifest was accepted');
}

describe('parseDriveManifest', () => {
  it('reads blobs with their block lists, page ranges and dispositions', () => {
    const parsed = parseDriveManifest(
      manifest(`
      <Blob>
        <BlobPath>seed/a.bin</BlobPath><FilePath>\\a.bin</FilePath><Length>10</Length>
        <BlockList>
          <Block Offset="0" Length="6" Id="QQ==" Hash="${HASH.toLowerCase()}" />
          <Block Offset="6" Length="4" Id="Qg==" Hash="${HASH}" />
        </BlockList>
      </Blob>
      <Blob>
        <BlobPath>seed/disk.vhd</BlobPath><FilePath>\\disk.vhd</FilePath><Length>1024</Length>
        <ImportDisposition>no-overwrite</ImportDisposition>
        <PageRangeList><PageRange Offset="512" Length="512" Hash="${HASH}" /></PageRangeList>
      </Blob>
      <Blob>
        <BlobPath>seed/empty</BlobPath><FilePath>\\empty</FilePath><Length>0</Length><BlockList />
      </Blob>`),
    );
    expect(parsed.driveId).toBe('WD-1');
    expect(parsed.blobs).toEqual([
      {
        blobPath: 'seed/a.bin',
        filePath: '\\a.bin',
        length: 10,
        importDisposition: 'rename',
        kind: 'BlockBlob',
        ranges: [
          { offset: 0, length: 6, id: 'QQ==', hash: HASH },
          { offset: 6, length: 4, id: 'Qg==', hash: HASH },
        ],
      },
      { blobPath: 'seed/disk.vhd', filePath: '\\disk.vhd', length: 1024, importDisposition: 'no-overwrite', kind: 'PageBlob', ranges: [{ offset: 512, length: 512, hash: HASH }] },
      { blobPath: 'seed/empty', filePath: '\\empty', length: 0, importDisposition: 'rename', kind: 'BlockBlob', ranges: [] },
    ]);
  });

  it('names every problem of a bad manifest', () => {
    expect(
      problemsOf(
        manifest(
          `
      <Blob>
        <BlobPath>nocontainer</BlobPath><FilePath>\\a</FilePath><Length>8</Length>
        <BlockList><Block Offset="0" Length="4" Hash="${HASH}" /><Block Offset="5" Length="3" Hash="nothex" /></BlockList>
      </Blob>`,
          { version: '2011-01-01', credential: '' },
        ),
      ),
    ).toEqual([
      "DriveManifest Version is '2011-01-01', expected '2014-11-01'",
      'Drive has neither StorageAccountKey nor ContainerSas',
      'Blob 1 (nocontainer): BlobPath must be container/name',
      'Blob 1 (nocontainer): range 2 needs Offset, Length and a Base16 MD5 Hash',
      'Blob 1 (nocontainer): blocks cover 4 bytes but Length is 8',
    ]);
    expect(problemsOf('<DriveManifest')[0]).toContain('not well-formed XML');
    expect(problemsOf('<Other/>')).toEqual(['the root element must be DriveManifest']);
  });

  it('refuses blocks that leave gaps', () => {
    const problems = problemsOf(
      manifest(`<Blob><BlobPath>c1c/x</BlobPath><FilePath>\\x</FilePath><Length>8</Length>
        <BlockList><Block Offset="0" Length="4" Hash="${HASH}" /><Block Offset="5" Length="3" Hash="${HASH}" /></BlockList></Blob>`),
    );
    expect(problems).toEqual(['Blob 1 (c1c/x): block at offset 5 leaves a gap or overlap (expected 4)']);
  });
});
