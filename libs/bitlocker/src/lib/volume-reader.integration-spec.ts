import { createHash } from 'node:crypto';

import { type WindowsImage, windowsImages } from '../test-support/windows-images';
import { BitLockerErrorCode } from './bitlocker-error';
import { BitLockerVolume } from './volume-reader';

const images = windowsImages();
const CHUNK = 8 * 1024 * 1024;

async function decryptedSha256(volume: BitLockerVolume): Promise<string> {
  const hash = createHash('sha256');
  for (let offset = 0; offset < volume.volumeBytes; offset += CHUNK) {
    hash.update(await volume.read(offset, Math.min(CHUNK, volume.volumeBytes - offset)));
  }
  return hash.digest('hex');
}

function image(name: string): WindowsImage {
  const found = images.get(name);
  if (!found) throw new Error(`images.conf has no ${name}`);
  return found;
}

const decryptable = [...images.values()].filter(
  (i) => i.recoveryPassword !== '' && !i.name.includes('togo') && !i.cipher.includes('elephant') && !i.name.endsWith('-eow'),
);

describe('reading volumes made by Windows 10 and 11', () => {
  it('covers every XTS and CBC fixed-disk image of the test data', () => {
    expect(decryptable.length).toBeGreaterThanOrEqual(14);
    expect(decryptable.map((i) => i.cipher)).toEqual(expect.arrayContaining(['aes-xts-plain64', 'aes-cbc-eboiv']));
  });

  it.each(decryptable.map((i) => [i.name, i] as const))(
    '%s: all metadata checks pass, the recovery password unlocks it, and it decrypts to the expected bytes',
    async (_name, img) => {
      const volume = await BitLockerVolume.open(img.path);
      try {
        expect(volume.volumeGuid).toBe(img.guid);
        await volume.unlock({ recoveryPassword: img.recoveryPassword });
        expect(volume.copyStatus.some((status) => status.crc === 'ok' && status.hash === 'ok')).toBe(true);
        // NTFS boot sector, served from the relocated copy.
        const boot = await volume.read(0, volume.sectorSize);
        expect(boot.toString('latin1', 3, 11)).toBe('NTFS    ');
        if (img.sha256 !== '') expect(await decryptedSha256(volume)).toBe(img.sha256);
      } finally {
        await volume.close();
      }
    },
  );

  it('unlocks with the user password too, including a non-ASCII one', async () => {
    for (const name of ['bitlk-aes-xts-128', 'bitlk-aes-xts-128-unicode']) {
      const img = image(name);
      const volume = await BitLockerVolume.open(img.path);
      try {
        await volume.unlock({ password: img.password });
        expect((await volume.read(0, 512)).toString('latin1', 3, 11)).toBe('NTFS    ');
      } finally {
        await volume.close();
      }
    }
  });

  it('falls back to an intact copy when the first copies are corrupt, and says which are corrupt', async () => {
    const img = image('bitlk-aes-xts-128-crc');
    const volume = await BitLockerVolume.open(img.path);
    try {
      expect(volume.copyStatus.map((s) => s.crc.startsWith('The metadata copy') ? 'bad' : s.crc)).toEqual(['bad', 'bad', 'ok']);
      await volume.unlock({ recoveryPassword: img.recoveryPassword });
      expect(await decryptedSha256(volume)).toBe(img.sha256);
    } finally {
      await volume.close();
    }
  });

  it('rejects a wrong recovery password and a wrong user password', async () => {
    const img = image('bitlk-aes-xts-128');
    const volume = await BitLockerVolume.open(img.path);
    try {
      await expect(volume.unlock({ recoveryPassword: image('bitlk-aes-xts-256').recoveryPassword })).rejects.toMatchObject({
        code: BitLockerErrorCode.WrongKey,
      });
      await expect(volume.unlock({ password: 'not-anaconda' })).rejects.toMatchObject({ code: BitLockerErrorCode.WrongKey });
      await expect(volume.read(0, 512)).rejects.toMatchObject({ code: BitLockerErrorCode.Locked });
    } finally {
      await volume.close();
    }
  });

  it('unlocks Elephant-diffuser volumes but says clearly that it cannot decrypt them', async () => {
    const img = image('bitlk-aes-cbc-elephant-128');
    const volume = await BitLockerVolume.open(img.path);
    try {
      await volume.unlock({ recoveryPassword: img.recoveryPassword });
      await expect(volume.read(0, 512)).rejects.toThrow('AES-CBC-128 with Elephant diffuser (the Windows Vista/7 default), which this library does not decrypt');
    } finally {
      await volume.close();
    }
  });

  it('unlocks the used-space-only (encrypt-on-write) volume but says clearly that it cannot decrypt it', async () => {
    const img = image('bitlk-aes-xts-128-eow');
    const volume = await BitLockerVolume.open(img.path);
    try {
      await volume.unlock({ recoveryPassword: img.recoveryPassword });
      expect(volume.allCopiesValid).toBe(true);
      await expect(volume.read(0, 512)).rejects.toThrow('used-space-only (encrypt-on-write) volume whose boot-sector copy is stored in plaintext');
    } finally {
      await volume.close();
    }
  });

  it('refuses BitLocker To Go volumes by name', async () => {
    await expect(BitLockerVolume.open(image('bitlk-togo-aes-xts-128').path)).rejects.toMatchObject({
      code: BitLockerErrorCode.UnsupportedVersion,
    });
  });
});
