import { randomBytes } from 'node:crypto';

import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const key = randomBytes(32).toString('base64');

  it('opens what it sealed, and never stores the plaintext', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('123456-234567-345678');
    expect(Buffer.from(sealed).toString('latin1')).not.toContain('123456');
    expect(box.open(sealed)).toBe('123456-234567-345678');
  });

  it('refuses another key, altered bytes and short keys with a message that says what to do', () => {
    const sealed = new SecretBox(key).seal('secret');
    expect(() => new SecretBox(randomBytes(32).toString('base64')).open(sealed)).toThrow(/wrong key, or the value was altered/);
    const altered = Buffer.from(sealed);
    altered.writeUInt8((altered.at(-1) ?? 0) ^ 1, altered.length - 1);
    expect(() => new SecretBox(key).open(altered)).toThrow(/altered/);
    expect(() => new SecretBox('c2hvcnQ=')).toThrow(/32 bytes .* openssl rand -base64 32/);
  });
});
