/**
 * The 48-digit BitLocker recovery password: the key Azure needs in a job's drive list, and the one a
 * person types on a Windows machine. Pure: no I/O, no randomness (callers pass the 16 key bytes).
 *
 * Format: eight groups of six digits, separated by dashes. Each group is a multiple of 11 below
 * 65536 × 11; group / 11 is one little-endian 16-bit word of the 16-byte recovery key.
 */
export enum RecoveryPasswordErrorCode {
  Empty = 'RECOVERY_PASSWORD_EMPTY',
  InvalidCharacters = 'RECOVERY_PASSWORD_INVALID_CHARACTERS',
  GroupCount = 'RECOVERY_PASSWORD_GROUP_COUNT',
  GroupLength = 'RECOVERY_PASSWORD_GROUP_LENGTH',
  NotDivisibleBy11 = 'RECOVERY_PASSWORD_GROUP_NOT_DIVISIBLE_BY_11',
  OutOfRange = 'RECOVERY_PASSWORD_GROUP_OUT_OF_RANGE',
  KeyLength = 'RECOVERY_PASSWORD_KEY_LENGTH',
}

export class RecoveryPasswordError extends Error {
  constructor(
    readonly code: RecoveryPasswordErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RecoveryPasswordError';
  }
}

export const RECOVERY_PASSWORD_GROUPS = 8;
export const RECOVERY_PASSWORD_GROUP_DIGITS = 6;
export const RECOVERY_KEY_BYTES = 16;
/** Every group must be below this: 65536 × 11. */
const GROUP_LIMIT = 65536 * 11;

export class RecoveryPassword {
  private constructor(private readonly keyBytes: Uint8Array) {}

  /**
   * Parses a typed password. Spaces around groups and around the whole text are tolerated; groups may
   * be separated by dashes or single spaces, as people copy them from different places.
   */
  static parse(text: string): RecoveryPassword {
    const trimmed = text.trim();
    if (trimmed === '') {
      throw new RecoveryPasswordError(
        RecoveryPasswordErrorCode.Empty,
        'The recovery password is empty; enter the 48 digits as 8 groups of 6, separated by dashes.',
      );
    }
    const bad = /[^0-9\-\s]/.exec(trimmed);
    if (bad) {
      throw new RecoveryPasswordError(
        RecoveryPasswordErrorCode.InvalidCharacters,
        `The recovery password contains "${bad[0]}" at position ${bad.index + 1}; it may hold only digits and dashes.`,
      );
    }
    const groups = trimmed.split(/\s*-\s*|\s+/);
    if (groups.length !== RECOVERY_PASSWORD_GROUPS) {
      throw new RecoveryPasswordError(
        RecoveryPasswordErrorCode.GroupCount,
        `The recovery password has ${groups.length} group${groups.length === 1 ? '' : 's'}; it needs ${RECOVERY_PASSWORD_GROUPS} groups of ${RECOVERY_PASSWORD_GROUP_DIGITS} digits (55 characters with dashes).`,
      );
    }
    const key = new Uint8Array(RECOVERY_KEY_BYTES);
    groups.forEach((group, index) => {
      const position = index + 1;
      if (group.length !== RECOVERY_PASSWORD_GROUP_DIGITS || !/^[0-9]+$/.test(group)) {
        throw new RecoveryPasswordError(
          RecoveryPasswordErrorCode.GroupLength,
          `Group ${position} of the recovery password ("${group}") has ${group.length} characters; every group has exactly ${RECOVERY_PASSWORD_GROUP_DIGITS} digits.`,
        );
      }
      const value = Number(group);
      if (value % 11 !== 0) {
        throw new RecoveryPasswordError(
          RecoveryPasswordErrorCode.NotDivisibleBy11,
          `Group ${position} of the recovery password (${group}) is not divisible by 11, so it was mistyped; check that group.`,
        );
      }
      if (value >= GROUP_LIMIT) {
        throw new RecoveryPasswordError(
          RecoveryPasswordErrorCode.OutOfRange,
          `Group ${position} of the recovery password (${group}) is out of range: every group is below ${GROUP_LIMIT}; check that group.`,
        );
      }
      const word = value / 11;
      key[index * 2] = word & 0xff;
      key[index * 2 + 1] = word >>> 8;
    });
    return new RecoveryPassword(key);
  }

  /** The password whose recovery key is these 16 bytes (any 16 bytes give a valid password). */
  static fromKey(key: Uint8Array): RecoveryPassword {
    if (key.length !== RECOVERY_KEY_BYTES) {
      throw new RecoveryPasswordError(
        RecoveryPasswordErrorCode.KeyLength,
        `A recovery key is ${RECOVERY_KEY_BYTES} bytes, not ${key.length}.`,
      );
    }
    return new RecoveryPassword(Uint8Array.from(key));
  }

  /** A copy of the 16-byte recovery key that is stretched into the VMK-unwrapping key. */
  get key(): Uint8Array {
    return Uint8Array.from(this.keyBytes);
  }

  equals(other: RecoveryPassword): boolean {
    return this.keyBytes.every((byte, index) => other.keyBytes[index] === byte);
  }

  /** The canonical 55-character form: `123456-…-123456`. */
  toString(): string {
    const groups: string[] = [];
    for (let index = 0; index < RECOVERY_PASSWORD_GROUPS; index++) {
      const word = (this.keyBytes[index * 2] ?? 0) | ((this.keyBytes[index * 2 + 1] ?? 0) << 8);
      groups.push(String(word * 11).padStart(RECOVERY_PASSWORD_GROUP_DIGITS, '0'));
    }
    return groups.join('-');
  }

  /** Never print the secret by accident (logs, template strings of objects). */
  toJSON(): string {
    return '[recovery password]';
  }
}
