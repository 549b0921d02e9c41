import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

import { MasterKey, SecretDecryptionError, SecretFormatError, decryptSecret, encryptSecret } from './secret-box';

describe('secret box (AES-256-GCM under the master key)', () => {
  const key = MasterKey.fromHex(randomBytes(32).toString('hex'));
  const password = '123456-234567-345678-456789-567890-678901-789012-890123';

  it('opens what it sealed, and seals the same text differently every time', () => {
    const first = encryptSecret(key, password, 'drive.recovery-password:a');
    const second = encryptSecret(key, password, 'drive.recovery-password:a');
    expect(first.equals(second)).toBe(false);
    expect(first.includes(Buffer.from(password))).toBe(false);
    expect(decryptSecret(key, first, 'drive.recovery-password:a')).toBe(password);
  });

  it('refuses another key, another context, and altered bytes', () => {
    const sealed = encryptSecret(key, password, 'ctx');
    const otherKey = MasterKey.fromHex(randomBytes(32).toString('hex'));
    expect(() => decryptSecret(otherKey, sealed, 'ctx')).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(key, sealed, 'other')).toThrow(SecretDecryptionError);
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    expect(() => decryptSecret(key, altered, 'ctx')).toThrow(SecretDecryptionError);
  });

  it('explains malformed input and keys', () => {
    expect(() => decryptSecret(key, Buffer.alloc(5), 'ctx')).toThrow(/at least 29 bytes; this one has 5/);
    const wrongVersion = encryptSecret(key, 'x', 'ctx');
    wrongVersion[0] = 9;
    expect(() => decryptSecret(key, wrongVersion, 'ctx')).toThrow(SecretFormatError);
    expect(() => MasterKey.fromHex('abc')).toThrow(/64 hexadecimal characters/);
  });

  it('never shows the key when printed or serialized', () => {
    const hex = 'ab'.repeat(32);
    const printable = MasterKey.fromHex(hex);
    expect(JSON.stringify({ printable })).not.toContain('abab');
    expect(inspect(printable)).not.toContain('abab');
    expect(printable.derive('sessions').equals(printable.derive('other'))).toBe(false);
  });
});
