import { RecoveryPassword } from '@seedship/domain';

import { stretchInWorker, stretchPassword, stretchRecoveryKey } from './key-stretch';

// Vectors from the Windows-made volume bitlk-aes-xts-128 (cryptsetup test data): these stretched keys
// unwrap that volume's VMK, so they are what Windows computes.
const PASSWORD_SALT = Buffer.from('8d7637cc5d885d5ff4f748dbc8440d2e', 'hex');
const PASSWORD_KEY = '37554410c6e0df5b4fe096259f4a21b847338d3e8d8d8d8c30012d1447cca957';
const RECOVERY_SALT = Buffer.from('2ba080989af9b50c203aaebd0b40d498', 'hex');
const RECOVERY_KEY = '1a39f926dab83e947fa85125b91e556e9ecc2bc5968924e03de234878d1fd4bd';
const RECOVERY_PASSWORD = RecoveryPassword.parse('235818-357951-253979-013365-241120-245575-342914-591910');

describe('key stretching', () => {
  it('derives the key Windows derived from a user password', () => {
    expect(stretchPassword('anaconda', PASSWORD_SALT).toString('hex')).toBe(PASSWORD_KEY);
  });

  it('derives the key Windows derived from a recovery password', () => {
    expect(stretchRecoveryKey(RECOVERY_PASSWORD.key, RECOVERY_SALT).toString('hex')).toBe(RECOVERY_KEY);
  });

  it('gives the same keys in a worker thread', async () => {
    const [password, recovery] = await Promise.all([
      stretchInWorker({ password: 'anaconda' }, PASSWORD_SALT),
      stretchInWorker({ recoveryKey: RECOVERY_PASSWORD.key }, RECOVERY_SALT),
    ]);
    expect([password.toString('hex'), recovery.toString('hex')]).toEqual([PASSWORD_KEY, RECOVERY_KEY]);
  });
});
