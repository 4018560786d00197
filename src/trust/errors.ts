/**
 * Every failure of the trust layer is a `TrustError` with a stable `code`, so callers map it to
 * their own answer (a 401 code, a start-up message) without parsing text. Messages name the file
 * or the certificate (subject, serial) at fault, never key bytes or the data itself.
 */
export type TrustErrorCode =
  /** A PEM file, a base64 value or a CMS structure cannot be read. */
  | 'malformed'
  /** The signer's certificate is not among, or does not chain to, the trusted certificates. */
  | 'untrusted'
  /** A certificate is outside its validity period at the time it matters. */
  | 'expired'
  /** The signature does not match the data (tampered, other body, wrong key). */
  | 'invalid'
  /** A certificate's key usage does not allow what it is used for. */
  | 'key_usage'
  /** A private key does not belong to the certificate it is configured with. */
  | 'key_mismatch'
  /** An algorithm or structure Railyard does not support. */
  | 'unsupported'
  /** An envelope is not for this recipient, or it cannot be opened with its key. */
  | 'decrypt_failed';

export class TrustError extends Error {
  override readonly name = 'TrustError';
  constructor(
    readonly code: TrustErrorCode,
    message: string,
  ) {
    super(message);
  }
}
