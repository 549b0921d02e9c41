export {
  MasterKey,
  SecretDecryptionError,
  SecretFormatError,
  decryptSecret,
  encryptSecret,
  recoveryPasswordContext,
} from './lib/secret-box';
