import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { RecoveryPassword } from '@seedship/domain';

import { describeVolume } from '../test-support/describe-volume';
import { windowsImages } from '../test-support/windows-images';
import { type WritableEncryption } from './encryption-method';
import { planVolumeLayout } from './layout';
import { BitLockerVolume } from './volume-reader';
import { encryptVolumeInPlace } from './volume-writer';

/**
 * The metadata this library writes, compared field by field with volumes Windows wrote. To compare
 * the placement-dependent fields too, our volume gets Windows' size, region offsets, partition
 * start, description and build number; everything else is the writer's own choice.
 */
const images = windowsImages();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'seedship-bitlocker-compat-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases: { image: string; encryption: WritableEncryption; note: string }[] = [
  { image: 'bitlk-aes-xts-128-new-entry', encryption: 'XTS-AES-128', note: 'Windows 10 1903, 512-byte sectors' },
  { image: 'bitlk-aes-xts-128-unicode', encryption: 'XTS-AES-128', note: 'Windows 11, 512-byte sectors, non-ASCII password' },
  { image: 'bitlk-aes-xts-128-4k', encryption: 'XTS-AES-128', note: 'Windows 10 1903, 4096-byte sectors' },
  { image: 'bitlk-aes-xts-256', encryption: 'XTS-AES-256', note: 'Windows 10 1709, XTS-256' },
];

describe.each(cases)('metadata written by this library against $image ($note)', ({ image, encryption }) => {
  it('matches in every field that is not random or a timestamp', async () => {
    const windows = images.get(image);
    if (!windows) throw new Error(`images.conf has no ${image}`);
    const reference = await BitLockerVolume.open(windows.path);
    const entry = reference.volumeHeaderEntry;
    const { header, metadata } = reference;
    const description = reference.description ?? '';
    await reference.close();
    if (!entry?.extendedInfo) throw new Error(`${image} has no extended info`);

    const layout = planVolumeLayout({
      volumeBytes: metadata.encryptedVolumeSize,
      sectorSize: header.sectorSize,
      placement: {
        metadataOffsets: header.metadataOffsets,
        bootSectorCopyOffset: metadata.bootSectorCopyOffset,
        spareRegionOffset: entry.extendedInfo.spareRegionOffset,
      },
    });
    const ours = join(dir, `${image}.img`);
    writeFileSync(ours, '');
    truncateSync(ours, layout.volumeBytes);
    const recoveryPassword = RecoveryPassword.parse(windows.recoveryPassword);
    await encryptVolumeInPlace(ours, {
      layout,
      encryption,
      recoveryPassword,
      password: windows.password,
      description,
      partitionStartSector: header.hiddenSectors,
      sectorsPerCluster: header.sectorsPerCluster,
      windowsBuild: entry.extendedInfo.windowsBuild,
      threads: 0,
    });

    const secrets = { recoveryPassword: windows.recoveryPassword, password: windows.password };
    const expected = describeVolume(windows.path, secrets);
    const actual = describeVolume(ours, secrets);
    if (image === 'bitlk-aes-xts-256') {
      // Windows 10 1709 did not write the 0x15 "recovery time" entry yet; 1903 and later do, and so do we.
      removeRecoveryTime(actual);
    }
    expect(actual).toEqual(expected);
  });
});

function removeRecoveryTime(shape: Record<string, unknown>): void {
  const entries = shape['entries'] as { nested?: { valueType: number; size: number }[]; size: number }[];
  let removed = 0;
  for (const entry of entries) {
    const before = entry.nested?.length ?? 0;
    const kept = entry.nested?.filter((nested) => nested.valueType !== 0x15);
    if (kept && kept.length !== before) {
      entry.nested = kept;
      entry.size -= 0x1c;
      removed += 0x1c;
    }
  }
  const header = shape['metadataHeader'] as { metadataSize: number; sizeCopy: number };
  header.metadataSize -= removed;
  header.sizeCopy -= removed;
  const block = shape['blockHeader'] as { units: number };
  block.units = Math.ceil((64 + header.metadataSize) / 16);
  shape['blockPadding'] = '00'.repeat(block.units * 16 - 64 - header.metadataSize);
  const validation = shape['validation'] as { size: number };
  validation.size = 0x10000 - block.units * 16;
}
