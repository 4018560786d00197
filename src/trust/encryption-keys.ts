import { createHash, type JsonWebKey } from 'node:crypto';
import { TrustError } from './errors.js';
import type { Credential } from './keys.js';

/** The JWE key-management algorithm each key kind is published with. */
export type JweKeyAlgorithm = 'RSA-OAEP-256' | 'ECDH-ES+A256KW';

export interface PublishedKey {
  kid: string;
  alg: JweKeyAlgorithm;
  credential: Credential;
}

/** One entry of `GET /v1/encryption-keys` (RFC 7517), public parts only. */
export interface PublicJwk {
  kty: 'RSA' | 'EC';
  kid: string;
  use: 'enc';
  alg: JweKeyAlgorithm;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
  /** The certificate (base64 DER, RFC 7517 section 4.7), so a JWKS reader can check the issuer too. */
  x5c: string[];
  'x5t#S256': string;
}

/**
 * Railyard's encryption keys: the first is current (senders encrypt to it), the others still
 * decrypt, so a key can be rotated with overlap: publish the new one first, keep the old one
 * until no sender uses it. Each key's `kid` is its RFC 7638 JWK thumbprint (SHA-256), the same
 * whoever computes it.
 */
export class EncryptionKeys {
  readonly keys: readonly PublishedKey[];

  constructor(credentials: readonly Credential[]) {
    if (credentials.length === 0) throw new TrustError('malformed', 'at least one encryption key is needed');
    const seen = new Set<string>();
    this.keys = credentials.map((credential) => {
      if (credential.kind === 'rsa-pss') throw new TrustError('unsupported', `certificate ${credential.certificate.label}: an RSA-PSS key cannot decrypt (use an rsaEncryption or EC key)`);
      const kid = thumbprint(publicJwk(credential));
      if (seen.has(kid)) throw new TrustError('malformed', `certificate ${credential.certificate.label}: the same encryption key is configured twice`);
      seen.add(kid);
      return { kid, alg: credential.kind === 'ec' ? 'ECDH-ES+A256KW' : 'RSA-OAEP-256', credential };
    });
  }

  get current(): PublishedKey {
    return this.keys[0]!;
  }

  get credentials(): Credential[] {
    return this.keys.map((k) => k.credential);
  }

  byKid(kid: string): PublishedKey | undefined {
    return this.keys.find((k) => k.kid === kid);
  }

  /** The JWK Set: public keys with kid, use and alg; the current key first. */
  jwks(): { keys: PublicJwk[] } {
    return {
      keys: this.keys.map(({ kid, alg, credential }) => {
        const der = credential.certificate.x509.raw;
        return {
          ...publicJwk(credential),
          kid,
          use: 'enc' as const,
          alg,
          x5c: [der.toString('base64')],
          'x5t#S256': createHash('sha256').update(der).digest('base64url'),
        } as PublicJwk;
      }),
    };
  }

  /** The certificates as one PEM text, the current one first. */
  certificatesPem(): string {
    return this.keys.map((k) => k.credential.certificate.toPem()).join('');
  }
}

/** Only the public members: never spread a private JWK here. */
function publicJwk(c: Credential): JsonWebKey {
  const jwk = c.certificate.x509.publicKey.export({ format: 'jwk' });
  return jwk.kty === 'RSA' ? { kty: 'RSA', n: jwk.n, e: jwk.e } : { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
}

/** RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace. */
function thumbprint(jwk: JsonWebKey): string {
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}
