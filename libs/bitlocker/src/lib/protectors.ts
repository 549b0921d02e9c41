import { type NonceCounter, ccmUnwrap, ccmWrap } from './aes-ccm';
import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';
import { type Datum, EntryType, ValueType, encodeDatum, keyDatum, makeDatum, parseKeyDatum } from './datum';
import { guidToString } from './guid';
import { type StretchSecret, stretchInWorker } from './key-stretch';

/** VMK protection types (u16 in the VMK entry). */
export const Protection = {
  ClearKey: 0x0000,
  Tpm: 0x0100,
  StartupKey: 0x0200,
  TpmAndPin: 0x0500,
  RecoveryPassword: 0x0800,
  Password: 0x2000,
} as const;

/** Methods of KEY entries and stretch entries. */
export const KeyMethod = {
  StretchRecoveryPassword: 0x1000,
  StretchPassword: 0x1001,
  Vmk: 0x2003,
  PasswordStretchedKey: 0x2007,
  RecoveryStretchedKey: 0x2008,
  RecoveryKey: 0x1000,
} as const;

export function protectionName(protection: number): string {
  switch (protection) {
    case Protection.ClearKey:
      return 'clear key';
    case Protection.Tpm:
      return 'TPM';
    case Protection.StartupKey:
      return 'startup key';
    case Protection.TpmAndPin:
      return 'TPM and PIN';
    case Protection.RecoveryPassword:
      return 'recovery password';
    case Protection.Password:
      return 'password';
    default:
      return `unknown protection 0x${protection.toString(16)}`;
  }
}

export interface VmkProtectorInput {
  guid: Buffer;
  /** The protector's key after stretching with `salt` (see key-stretch.ts). */
  stretchedKey: Buffer;
  modified: bigint;
  vmk: Buffer;
  salt: Buffer;
  nonces: NonceCounter;
}

function vmkHeader(guid: Buffer, modified: bigint, protection: number): Buffer {
  const value = Buffer.alloc(28);
  guid.copy(value, 0);
  value.writeBigUInt64LE(modified, 16);
  value.writeUInt16LE(0, 24);
  value.writeUInt16LE(protection, 26);
  return value;
}

function stretchValue(method: number, salt: Buffer): Buffer {
  const value = Buffer.alloc(20);
  value.writeUInt16LE(method, 0);
  salt.copy(value, 4);
  return value;
}

function ccmDatum(entryType: number, key: Buffer, nonce: Buffer, inner: Datum): Datum {
  return makeDatum(entryType, ValueType.AesCcm, ccmWrap(key, nonce, encodeDatum(inner)));
}

/**
 * A recovery-password VMK entry as Windows 10 (1903+) writes it: the stretch entry (salt) holding
 * the recovery key (0x12) and the stretched key (0x13), both wrapped with the VMK so Windows can
 * show the password later; the VMK wrapped with the stretched key; the "recovery time" entry.
 */
export function buildRecoveryPasswordVmk(input: VmkProtectorInput & { recoveryKey: Uint8Array }): Datum {
  const stretched = input.stretchedKey;
  const recoveryKeyCopy = ccmDatum(EntryType.RecoveryKeyCopy, input.vmk, input.nonces.next(), keyDatum(KeyMethod.RecoveryKey, Buffer.from(input.recoveryKey)));
  const stretchedCopy = ccmDatum(EntryType.StretchedKeyCopy, input.vmk, input.nonces.next(), keyDatum(KeyMethod.RecoveryStretchedKey, stretched));
  const stretch = makeDatum(EntryType.Property, ValueType.StretchKey, stretchValue(KeyMethod.StretchRecoveryPassword, input.salt), [
    recoveryKeyCopy,
    stretchedCopy,
  ]);
  const wrappedVmk = ccmDatum(EntryType.Property, stretched, input.nonces.next(), keyDatum(KeyMethod.Vmk, input.vmk));
  const time = Buffer.alloc(20);
  time.writeBigUInt64LE(input.modified, 0);
  time.writeBigUInt64LE(input.modified, 8);
  time.writeUInt16LE(8, 16);
  time.writeUInt16LE(2, 18);
  const recoveryTime = makeDatum(EntryType.Property, ValueType.RecoveryTime, time);
  return makeDatum(EntryType.Vmk, ValueType.Vmk, vmkHeader(input.guid, input.modified, Protection.RecoveryPassword), [
    stretch,
    wrappedVmk,
    recoveryTime,
  ]);
}

/** A user-password VMK entry: stretch entry (salt) holding KEY{0x2007, stretched key} under the VMK; the VMK under the stretched key. */
export function buildPasswordVmk(input: VmkProtectorInput): Datum {
  const stretched = input.stretchedKey;
  const stretchedCopy = ccmDatum(EntryType.Property, input.vmk, input.nonces.next(), keyDatum(KeyMethod.PasswordStretchedKey, stretched));
  const stretch = makeDatum(EntryType.Property, ValueType.StretchKey, stretchValue(KeyMethod.StretchPassword, input.salt), [stretchedCopy]);
  const wrappedVmk = ccmDatum(EntryType.Property, stretched, input.nonces.next(), keyDatum(KeyMethod.Vmk, input.vmk));
  return makeDatum(EntryType.Vmk, ValueType.Vmk, vmkHeader(input.guid, input.modified, Protection.Password), [stretch, wrappedVmk]);
}

export interface VmkEntryInfo {
  guid: string;
  protection: number;
  modified: bigint;
  salt: Buffer | undefined;
  datum: Datum;
}

export function describeVmk(datum: Datum): VmkEntryInfo {
  if (datum.value.length < 28) throw new BitLockerError(BitLockerErrorCode.MalformedMetadata, 'A VMK entry is shorter than its header.');
  const stretch = datum.nested.find((nested) => nested.valueType === ValueType.StretchKey);
  return {
    guid: guidToString(datum.value.subarray(0, 16)),
    modified: datum.value.readBigUInt64LE(16),
    protection: datum.value.readUInt16LE(26),
    salt: stretch && stretch.value.length >= 20 ? Buffer.from(stretch.value.subarray(4, 20)) : undefined,
    datum,
  };
}

/** Unwraps the VMK of one VMK entry with a protector's (stretched) key; throws WrongKey. */
export function unwrapVmk(info: VmkEntryInfo, protectorKey: Buffer): Buffer {
  const wrapped = info.datum.nested.find((nested) => nested.valueType === ValueType.AesCcm && nested.entryType === EntryType.Property);
  if (!wrapped) {
    throw new BitLockerError(BitLockerErrorCode.MalformedMetadata, `The VMK entry {${info.guid}} holds no wrapped key.`);
  }
  const { method, key } = parseKeyDatum(ccmUnwrap(protectorKey, wrapped.value, `VMK {${info.guid}}`), `VMK {${info.guid}}`);
  if (method !== KeyMethod.Vmk || key.length !== 32) {
    throw new BitLockerError(BitLockerErrorCode.MalformedMetadata, `The VMK {${info.guid}} unwraps to a key of method 0x${method.toString(16)} and ${key.length} bytes.`);
  }
  return key;
}

export async function stretchFor(info: VmkEntryInfo, secret: StretchSecret): Promise<Buffer> {
  if (!info.salt) throw new BitLockerError(BitLockerErrorCode.MalformedMetadata, `The VMK entry {${info.guid}} has no salt.`);
  return stretchInWorker(secret, info.salt);
}
