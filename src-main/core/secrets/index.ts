export {
  createEncryptedSecretStore,
  createFileSecretStore,
  type SecretCipher,
} from './fileSecretStore';
