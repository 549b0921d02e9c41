export { SecretBox, SecretBoxError } from './lib/secret-box';
