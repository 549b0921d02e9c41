import { RecoveryPassword, RecoveryPasswordError, RecoveryPasswordErrorCode } from './recovery-password';

/** A real password from a Windows-made test volume (cryptsetup's bitlk images). */
const WINDOWS_PASSWORD = '235818-357951-253979-013365-241120-245575-342914-591910';

function errorOf(text: string): RecoveryPasswordError {
  try {
    RecoveryPassword.parse(text);
  } catch (error) {
    if (error instanceof RecoveryPasswordError) return error;
    throw error;
  }
  throw new Error(`"${text}" was accepted`);
}

describe('RecoveryPassword', () => {
  it('turns each group into group/11 as a little-endian word of the recovery key', () => {
    const password = RecoveryPassword.parse(WINDOWS_PASSWORD);
    const words = WINDOWS_PASSWORD.split('-').map((group) => Number(group) / 11);
    const expected = Buffer.alloc(16);
    words.forEach((word, index) => expected.writeUInt16LE(word, index * 2));
    expect(Buffer.from(password.key).toString('hex')).toBe(expected.toString('hex'));
    expect(password.toString()).toBe(WINDOWS_PASSWORD);
  });

  it('round-trips any 16 bytes, including the extremes', () => {
    for (const fill of [0x00, 0xff, 0x5a]) {
      const key = new Uint8Array(16).fill(fill);
      const text = RecoveryPassword.fromKey(key).toString();
      expect(text).toMatch(/^(\d{6}-){7}\d{6}$/);
      expect(RecoveryPassword.parse(text).key).toEqual(key);
    }
    expect(RecoveryPassword.fromKey(new Uint8Array(16).fill(0xff)).toString()).toBe(
      Array(8).fill('720885').join('-'),
    );
  });

  it('accepts spaces instead of dashes and surrounding whitespace', () => {
    const spaced = ` ${WINDOWS_PASSWORD.replaceAll('-', ' ')} `;
    expect(RecoveryPassword.parse(spaced).equals(RecoveryPassword.parse(WINDOWS_PASSWORD))).toBe(true);
  });

  it('names the wrong group count', () => {
    const error = errorOf(WINDOWS_PASSWORD.split('-').slice(0, 7).join('-'));
    expect(error.code).toBe(RecoveryPasswordErrorCode.GroupCount);
    expect(error.message).toContain('has 7 groups; it needs 8 groups of 6 digits');
  });

  it('names a group that is not divisible by 11', () => {
    const error = errorOf(WINDOWS_PASSWORD.replace('357951', '357952'));
    expect(error.code).toBe(RecoveryPasswordErrorCode.NotDivisibleBy11);
    expect(error.message).toContain('Group 2 of the recovery password (357952) is not divisible by 11');
  });

  it('names a group that is out of range', () => {
    // 720896 = 65536 × 11 is divisible by 11 but does not fit a 16-bit word.
    const error = errorOf(WINDOWS_PASSWORD.replace('591910', '720896'));
    expect(error.code).toBe(RecoveryPasswordErrorCode.OutOfRange);
    expect(error.message).toContain('Group 8');
  });

  it('names a short group, letters and an empty input', () => {
    expect(errorOf(WINDOWS_PASSWORD.replace('253979', '25397')).code).toBe(RecoveryPasswordErrorCode.GroupLength);
    expect(errorOf(WINDOWS_PASSWORD.replace('253979', '2539x9')).message).toContain('contains "x" at position 19');
    expect(errorOf('   ').code).toBe(RecoveryPasswordErrorCode.Empty);
  });

  it('refuses a key of the wrong length', () => {
    expect(() => RecoveryPassword.fromKey(new Uint8Array(15))).toThrow('A recovery key is 16 bytes, not 15.');
  });

  it('does not leak the password through JSON', () => {
    expect(JSON.stringify({ password: RecoveryPassword.parse(WINDOWS_PASSWORD) })).not.toContain('235818');
  });
});
