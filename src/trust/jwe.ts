import { CompactEncrypt, compactDecrypt, decodeProtectedHeader, importJWK } from 'jose';
import type { EncryptionKeys, PublicJwk } from './encryption-keys.js';
import { TrustError } from './errors.js';

/**
 * JWE compact serialization (RFC 7516) for account data, what a browser makes with WebCrypto:
 * `alg` RSA-OAEP-256 or ECDH-ES+A256KW, `enc` A256GCM, nothing else. The protected header is the
 * GCM additional data, so a change to any of the five parts fails the tag check before `jose`
 * releases plaintext; when the key unwrap fails, `jose` goes on with a random key (RFC 7516
 * section 11.5), so a bad encrypted key and a bad tag fail the same way.
 */

export const JWE_ENC = 'A256GCM';
const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** True when `text` has the shape of a JWE compact serialization (five base64url parts). */
export function looksLikeJwe(text: string): boolean {
  return COMPACT.test(text);
}

/**
 * Opens a compact JWE with the key its `kid` names, or, without a `kid`, with each configured key
 * of the header's `alg` in turn. Every failure is a `TrustError` (code for logs; the API answers
 * them alike).
 */
export async function decryptJwe(compact: string, keys: EncryptionKeys): Promise<Uint8Array> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(compact);
  } catch {
    throw new TrustError('malformed', 'the JWE protected header is not readable');
  }
  if (header.enc !== JWE_ENC) throw new TrustError('unsupported', `JWE enc must be ${JWE_ENC}`);
  const candidates = typeof header.kid === 'string' ? [keys.byKid(header.kid)].filter((k) => k !== undefined) : keys.keys.filter((k) => k.alg === header.alg);
  if (candidates.length === 0) throw new TrustError('decrypt_failed', 'the JWE is not addressed to any configured encryption key');
  for (const key of candidates) {
    if (header.alg !== key.alg) throw new TrustError('unsupported', `key ${key.kid} takes JWE alg ${key.alg}`);
    try {
      const { plaintext } = await compactDecrypt(compact, key.credential.keyObject(), { keyManagementAlgorithms: [key.alg], contentEncryptionAlgorithms: [JWE_ENC] });
      return plaintext;
    } catch {
      // the tag did not verify with this key: the next one of the same alg may be the sender's
    }
  }
  throw new TrustError('decrypt_failed', 'the JWE cannot be opened with the configured keys');
}

/**
 * A compact JWE of `data` to one published key (an entry of `GET /v1/encryption-keys`), as a
 * sender would make it. For tests and server-side integrators; browsers use `jose` the same way.
 */
export async function encryptJwe(data: Uint8Array, jwk: PublicJwk): Promise<string> {
  const { kty, n, e, crv, x, y } = jwk;
  const key = await importJWK({ kty, ...(n ? { n, e } : { crv, x, y }) }, jwk.alg);
  return new CompactEncrypt(data).setProtectedHeader({ alg: jwk.alg, enc: JWE_ENC, kid: jwk.kid }).encrypt(key);
}
