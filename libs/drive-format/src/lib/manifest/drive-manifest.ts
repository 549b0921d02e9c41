import { XMLParser } from 'fast-xml-parser';

import { DriveFormatError, DriveFormatErrorCode } from '../drive-format-error';

/** WAImportExport v1 drive manifest, Version="2014-11-01": the XML on the drive that maps blobs to files with an MD5 per block. */
export const MANIFEST_VERSION = '2014-11-01';
export const MANIFEST_FILE = '\\DriveManifest.xml';
/** Azure allows at most 50,000 blocks in a block blob. */
export const MAX_BLOCKS_PER_BLOB = 50_000;
export const DEFAULT_BLOCK_BYTES = 4 * 1024 * 1024;
/**
 * The manifest is padded (trailing whitespace) to at least this, so ntfs-3g allocates it clusters
 * outside the MFT record and it can be written after the data pass, like a blob file.
 */
export const MIN_MANIFEST_BYTES = 8 * 1024;
const PLACEHOLDER_HASH = '0'.repeat(32);

export type ImportDisposition = 'rename' | 'no-overwrite' | 'overwrite';
export type ImportCredential = { readonly storageAccountKey: string } | { readonly containerSas: string };

export interface ManifestBlock {
  readonly offset: number;
  readonly length: number;
  /** Base64 block id; the same length for every block of a blob, as Azure requires. */
  readonly id: string;
  /** Base16 MD5 of the block, upper case. */
  readonly hash: string;
}

export interface ManifestBlob {
  /** container/name, relative to the storage account. */
  readonly blobPath: string;
  readonly filePath: string;
  readonly length: number;
  readonly importDisposition: ImportDisposition;
  readonly blocks: readonly ManifestBlock[];
}

export interface DriveManifest {
  readonly driveId: string;
  readonly credential: ImportCredential;
  readonly blobs: readonly ManifestBlob[];
}

/** The block size for a blob: the default, or larger (whole MiB) when the default would need more than 50,000 blocks. */
export function blockSizeFor(length: number, preferred: number = DEFAULT_BLOCK_BYTES): number {
  const mib = 1024 * 1024;
  const needed = Math.ceil(length / MAX_BLOCKS_PER_BLOB / mib) * mib;
  return Math.max(preferred, needed);
}

/** Block ranges of a blob, with ids; hashes are placeholders until the data has been read. */
export function blockRanges(length: number, blockSize: number): ManifestBlock[] {
  const blocks: ManifestBlock[] = [];
  for (let offset = 0, index = 0; offset < length; offset += blockSize, index++) {
    blocks.push({ offset, length: Math.min(blockSize, length - offset), id: blockId(index), hash: PLACEHOLDER_HASH });
  }
  return blocks;
}

export function blockId(index: number): string {
  return Buffer.from(`seedship-block-${String(index).padStart(8, '0')}`, 'latin1').toString('base64');
}

/**
 * Renders the manifest. Every variable-width value is known before the data pass (hashes are always
 * 32 hex digits), so the placeholder rendering has exactly the final length and the file can be
 * allocated first and filled last.
 */
export function renderManifest(manifest: DriveManifest): Buffer {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<DriveManifest Version="${MANIFEST_VERSION}">`,
    '  <Drive>',
    `    <DriveId>${escapeXml(manifest.driveId)}</DriveId>`,
    'storageAccountKey' in manifest.credential
      ? `    <StorageAccountKey>${escapeXml(manifest.credential.storageAccountKey)}</StorageAccountKey>`
      : `    <ContainerSas>${escapeXml(manifest.credential.containerSas)}</ContainerSas>`,
    '    <BlobList>',
    ...manifest.blobs.map(renderBlob),
    '    </BlobList>',
    '  </Drive>',
    '</DriveManifest>',
    '',
  ];
  const text = Buffer.from(lines.join('\r\n'), 'utf8');
  if (text.length >= MIN_MANIFEST_BYTES) return text;
  // Whitespace after the root element is allowed by XML and ignored by every parser.
  return Buffer.concat([text, Buffer.alloc(MIN_MANIFEST_BYTES - text.length - 2, 0x20), Buffer.from('\r\n')]);
}

/** Bytes one blob adds to the manifest (its rendering is the same length whatever its hashes). */
export function manifestBlobEntryBytes(blob: ManifestBlob): number {
  return Buffer.byteLength(renderBlob(blob), 'utf8') + 2;
}

function renderBlob(blob: ManifestBlob): string {
  return [
    '      <Blob>',
    `        <BlobPath>${escapeXml(blob.blobPath)}</BlobPath>`,
    `        <FilePath>${escapeXml(blob.filePath)}</FilePath>`,
    `        <Length>${blob.length}</Length>`,
    `        <ImportDisposition>${blob.importDisposition}</ImportDisposition>`,
    blob.blocks.length === 0 ? '        <BlockList />' : '        <BlockList>',
    ...blob.blocks.map((block) => `          <Block Offset="${block.offset}" Length="${block.length}" Id="${block.id}" Hash="${block.hash}" />`),
    ...(blob.blocks.length === 0 ? [] : ['        </BlockList>']),
    '      </Blob>',
  ].join('\r\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ['BlobList', 'Blob', 'Block'].includes(name),
});

/** Reads a manifest this library wrote (block blobs only); throws with every problem found. */
export function parseManifest(xml: string): DriveManifest {
  let document: XmlNode;
  try {
    document = parser.parse(xml, true) as XmlNode;
  } catch (error) {
    throw new DriveFormatError(DriveFormatErrorCode.VerificationFailed, `The drive manifest is not well-formed XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const problems: string[] = [];
  const root = node(document['DriveManifest']);
  if (text(root?.['@Version']) !== MANIFEST_VERSION) problems.push(`DriveManifest Version is not ${MANIFEST_VERSION}`);
  const drive = node(root?.['Drive']);
  const driveId = text(drive?.['DriveId']) ?? '';
  if (!driveId) problems.push('the manifest has no DriveId');
  const key = text(drive?.['StorageAccountKey']);
  const sas = text(drive?.['ContainerSas']);
  if (key === undefined && sas === undefined) problems.push('the manifest has neither StorageAccountKey nor ContainerSas');
  const blobs: ManifestBlob[] = [];
  for (const list of nodes(drive?.['BlobList'])) {
    for (const blob of nodes(list['Blob'])) {
      const blobPath = text(blob['BlobPath']) ?? '';
      const filePath = text(blob['FilePath']) ?? '';
      const length = Number(text(blob['Length']) ?? NaN);
      const blocks = nodes(node(blob['BlockList'])?.['Block']).map((block) => ({
        offset: Number(text(block['@Offset']) ?? NaN),
        length: Number(text(block['@Length']) ?? NaN),
        id: text(block['@Id']) ?? '',
        hash: (text(block['@Hash']) ?? '').toUpperCase(),
      }));
      if (!blobPath || !filePath || !Number.isSafeInteger(length)) problems.push(`a Blob lacks BlobPath, FilePath or Length (${blobPath || '?'})`);
      const disposition = (text(blob['ImportDisposition']) ?? 'rename') as ImportDisposition;
      blobs.push({ blobPath, filePath, length, importDisposition: disposition, blocks });
    }
  }
  if (problems.length > 0) throw new DriveFormatError(DriveFormatErrorCode.VerificationFailed, `The drive manifest is invalid: ${problems.join('; ')}`, problems);
  return { driveId, credential: key !== undefined ? { storageAccountKey: key } : { containerSas: sas ?? '' }, blobs };
}

function node(value: unknown): XmlNode | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as XmlNode) : undefined;
}

function nodes(value: unknown): XmlNode[] {
  if (Array.isArray(value)) return value.map(node).filter((entry): entry is XmlNode => entry !== undefined);
  const single = node(value);
  return single ? [single] : [];
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const inner = node(value)?.['#text'];
  return typeof inner === 'string' ? inner : undefined;
}
