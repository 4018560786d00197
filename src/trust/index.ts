/**
 * `railyard/trust`: CMS signatures and envelopes (pkijs over Node's crypto), certificates and
 * keys loaded from PEM with start-up checks, and `Secret<T>` for values that must never be shown.
 */
export { TrustedCertificate, type KeyUsageName } from './certificate.js';
export { decryptEnvelope, encryptEnvelope, type EncryptOptions } from './envelope.js';
export { decryptAuthEnveloped, encryptAuthEnveloped } from './auth-enveloped-data.js';
export { decryptJwe, encryptJwe } from './jwe.js';
export { EncryptionKeys, type JweKeyAlgorithm, type PublicJwk, type PublishedKey } from './encryption-keys.js';
export { TrustError, type TrustErrorCode } from './errors.js';
export {
  Credential,
  credentialFromPem,
  loadCertificates,
  loadCredential,
  type HashName,
  type KeyPurpose,
  type LoadCredentialOptions,
  type SignatureScheme,
} from './keys.js';
export { pemBlocks, toPem } from './pem.js';
export { signDetached, signEnveloped, type SignOptions } from './sign.js';
export { SignatureVerifier, type CmsReader, type SignatureVerifierOptions, type VerifiedContent, type VerifiedSignature, type VerifyOptions } from './verify.js';
export { Secret, secret } from '../domain/secret.js';
export {
  OrderSignatureError,
  OrderSignatures,
  type MerchantOrderSignature,
  type OrderSignatureFailure,
  type OrderSignatureNote,
  type OrderSignaturePolicy,
} from './order-signature.js';
export { loadTrust, type LoadedTrust, type TrustFiles } from './runtime.js';
export { createSelfSignedEncryptionCertificate, createSelfSignedSigningCertificate, loadOrCreateSandboxEncryption, loadOrCreateSandboxSigning } from './self-signed.js';
