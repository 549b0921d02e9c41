import { XMLParser } from 'fast-xml-parser';

/**
 * The drive manifest (WAImportExport v1, Version="2014-11-01"): the XML file on the drive that maps
 * blobs to files with an MD5 per block or page range. Read by the datacenter, never sent through the API.
 */
export interface ManifestRange {
  readonly offset: number;
  readonly length: number;
  /** Block id (block blobs only), as written in the manifest (Base64). */
  readonly id?: string;
  /** Base16 MD5 of the range's bytes. */
  readonly hash: string;
}

export type ImportDisposition = 'rename' | 'no-overwrite' | 'overwrite';

export interface ManifestBlob {
  /** container/name, relative to the storage account. */
  readonly blobPath: string;
  /** Path of the data file on the drive. */
  readonly filePath: string;
  readonly length: number;
  readonly importDisposition: ImportDisposition;
  readonly kind: 'BlockBlob' | 'PageBlob';
  readonly ranges: readonly ManifestRange[];
}

export interface DriveManifest {
  readonly version: string;
  readonly driveId: string;
  readonly blobs: readonly ManifestBlob[];
}

export class ManifestError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The drive manifest is invalid: ${problems.join('; ')}`);
    this.name = 'ManifestError';
  }
}

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ['BlobList', 'Blob', 'Block', 'PageRange'].includes(name),
});

export function parseDriveManifest(xml: string): DriveManifest {
  const problems: string[] = [];
  let document: XmlNode;
  try {
    document = parser.parse(xml, true) as XmlNode;
  } catch (error) {
    throw new ManifestError([`not well-formed XML (${error instanceof Error ? error.message : String(error)})`]);
  }
  const root = asNode(document['DriveManifest']);
  if (!root) throw new ManifestError(['the root element must be DriveManifest']);
  const version = textOf(root['@Version']);
  if (version !== '2014-11-01') problems.push(`DriveManifest Version is '${version ?? ''}', expected '2014-11-01'`);
  const drive = asNode(root['Drive']);
  if (!drive) throw new ManifestError([...problems, 'DriveManifest has no Drive element']);
  const driveId = textOf(drive['DriveId']) ?? '';
  if (!driveId) problems.push('Drive has no DriveId');
  if (drive['StorageAccountKey'] === undefined && drive['ContainerSas'] === undefined) {
    problems.push('Drive has neither StorageAccountKey nor ContainerSas');
  }
  const blobs: ManifestBlob[] = [];
  const lists = asNodes(drive['BlobList']);
  if (lists.length === 0) problems.push('Drive has no BlobList');
  for (const list of lists) {
    for (const [index, blob] of asNodes(list['Blob']).entries()) {
      const parsed = parseBlob(blob, `Blob ${blobs.length + index + 1}`, problems);
      if (parsed) blobs.push(parsed);
    }
  }
  if (problems.length > 0) throw new ManifestError(problems);
  return { version: version ?? '', driveId, blobs };
}

function parseBlob(node: XmlNode, where: string, problems: string[]): ManifestBlob | undefined {
  const blobPath = textOf(node['BlobPath']);
  const filePath = textOf(node['FilePath']);
  const length = integerOf(node['Length']);
  const label = blobPath ? `${where} (${blobPath})` : where;
  const before = problems.length;
  if (!blobPath || !/^[a-z0-9$][a-z0-9-]{2,62}\/.+/.test(blobPath)) problems.push(`${label}: BlobPath must be container/name`);
  if (!filePath) problems.push(`${label}: FilePath is missing`);
  if (length === undefined) problems.push(`${label}: Length is missing or not a whole number`);
  const disposition = (textOf(node['ImportDisposition']) ?? 'rename').toLowerCase();
  if (!['rename', 'no-overwrite', 'overwrite'].includes(disposition)) {
    problems.push(`${label}: ImportDisposition '${disposition}' is not rename, no-overwrite or overwrite`);
  }
  const hasBlockList = node['BlockList'] !== undefined;
  const hasPageList = node['PageRangeList'] !== undefined;
  if (hasBlockList === hasPageList) problems.push(`${label}: needs exactly one of BlockList or PageRangeList`);
  const kind = hasPageList ? 'PageBlob' : 'BlockBlob';
  const rangeNodes = hasBlockList
    ? asNodes(asNode(node['BlockList'])?.['Block'])
    : asNodes(asNode(node['PageRangeList'])?.['PageRange']);
  const ranges: ManifestRange[] = [];
  for (const [index, range] of rangeNodes.entries()) {
    const offset = integerOf(range['@Offset']);
    const rangeLength = integerOf(range['@Length']);
    const hash = textOf(range['@Hash']);
    const id = textOf(range['@Id']);
    if (offset === undefined || rangeLength === undefined || !hash || !/^[0-9A-Fa-f]{32}$/.test(hash)) {
      problems.push(`${label}: range ${index + 1} needs Offset, Length and a Base16 MD5 Hash`);
      continue;
    }
    ranges.push({ offset, length: rangeLength, hash: hash.toUpperCase(), ...(id ? { id } : {}) });
  }
  if (length !== undefined && kind === 'BlockBlob') {
    let expected = 0;
    for (const range of ranges) {
      if (range.offset !== expected) problems.push(`${label}: block at offset ${range.offset} leaves a gap or overlap (expected ${expected})`);
      expected = range.offset + range.length;
    }
    if (expected !== length) problems.push(`${label}: blocks cover ${expected} bytes but Length is ${length}`);
  }
  if (problems.length > before || !blobPath || !filePath || length === undefined) return undefined;
  return { blobPath, filePath, length, importDisposition: disposition as ImportDisposition, kind, ranges };
}

function asNode(value: unknown): XmlNode | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as XmlNode) : undefined;
}

function asNodes(value: unknown): XmlNode[] {
  if (Array.isArray(value)) return value.map(asNode).filter((node): node is XmlNode => node !== undefined);
  const single = asNode(value);
  return single ? [single] : [];
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const node = asNode(value);
  const inner = node?.['#text'];
  return typeof inner === 'string' ? inner : undefined;
}

function integerOf(value: unknown): number | undefined {
  const raw = textOf(value);
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  const parsed = Number(raw);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}
