import { createECDH, createPrivateKey, createPublicKey, type ECDH, type KeyObject, type webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TrustedCertificate, type KeyUsageName } from './certificate.js';
import { subtle } from './engine.js';
import { children, expectTag, readTlv } from './der-reader.js';
import { TrustError } from './errors.js';

export type KeyPurpose = 'sign' | 'encrypt';
export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';
export type SignatureScheme = 'pkcs1' | 'pss';

const PURPOSE_USAGES: Record<KeyPurpose, { rsa: KeyUsageName[]; ec: KeyUsageName[]; text: string }> = {
  sign: { rsa: ['digitalSignature', 'nonRepudiation'], ec: ['digitalSignature', 'nonRepudiation'], text: 'signing' },
  encrypt: { rsa: ['keyEncipherment'], ec: ['keyAgreement'], text: 'decrypting envelopes' },
};

const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/**
 * A private key with the certificate it belongs to. The key stays inside: no getter returns it,
 * and inspection or JSON show only the certificate's label.
 */
export class Credential {
  readonly #key: KeyObject;
  readonly #cryptoKeys = new Map<string, Promise<webcrypto.CryptoKey>>();
  readonly kind: 'rsa' | 'rsa-pss' | 'ec';
  /** The webcrypto curve name for EC keys. */
  readonly curve?: 'P-256' | 'P-384' | 'P-521';

  constructor(
    readonly certificate: TrustedCertificate,
    key: KeyObject,
    source = 'private key',
  ) {
    if (key.type !== 'private') throw new TrustError('malformed', `${source}: not a private key`);
    if (!certificate.publicKey.equals(createPublicKey(key))) {
      throw new TrustError('key_mismatch', `${source} does not belong to certificate ${certificate.label}`);
    }
    const type = key.asymmetricKeyType;
    if (type === 'rsa' || type === 'rsa-pss') this.kind = type;
    else if (type === 'ec') {
      const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
      if (!curve) throw new TrustError('unsupported', `${source}: EC curve ${key.asymmetricKeyDetails?.namedCurve ?? 'unknown'} is not supported (P-256, P-384, P-521)`);
      this.kind = 'ec';
      this.curve = curve;
    } else throw new TrustError('unsupported', `${source}: ${type ?? 'unknown'} keys are not supported (RSA, RSA-PSS, EC)`);
    this.#key = key;
  }

  /** Node's key object, for the primitives Railyard runs itself (RSA-OAEP, ECDH). */
  keyObject(): KeyObject {
    return this.#key;
  }

  #ecdh: ECDH | undefined;

  /**
   * The ECDH shared secret with a peer's raw EC point. Node's ECDH object takes the point as is;
   * going through a KeyObject for every ephemeral key would double the cost of opening an envelope.
   */
  agree(peerPoint: Uint8Array): Buffer {
    if (this.kind !== 'ec') throw new TrustError('unsupported', `certificate ${this.certificate.label} has no EC key`);
    if (!this.#ecdh) {
      const curve = this.#key.asymmetricKeyDetails?.namedCurve ?? '';
      const ecdh = createECDH(curve);
      ecdh.setPrivateKey(Buffer.from(this.#key.export({ format: 'jwk' }).d ?? '', 'base64url'));
      this.#ecdh = ecdh;
    }
    try {
      return this.#ecdh.computeSecret(peerPoint);
    } catch {
      throw new TrustError('malformed', "the originator's ephemeral public key is not a point on the recipient's curve");
    }
  }

  /** A non-extractable webcrypto key for pkijs, made once per algorithm. */
  cryptoKey(algorithm: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams, usage: webcrypto.KeyUsage): Promise<webcrypto.CryptoKey> {
    const id = `${JSON.stringify(algorithm)}:${usage}`;
    let k = this.#cryptoKeys.get(id);
    if (!k) {
      k = subtle.importKey('pkcs8', webcryptoPkcs8(this.#key), algorithm, false, [usage]);
      this.#cryptoKeys.set(id, k);
    }
    return k;
  }

  toJSON(): string {
    return `Credential(${this.certificate.label})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toJSON();
  }
}

/**
 * PKCS#8 as webcrypto takes it. It refuses a PSS-only key (id-RSASSA-PSS), and Node cannot export
 * one as JWK: the inner RSAPrivateKey is re-wrapped as rsaEncryption. The PSS restriction is still
 * honoured, because such keys are only ever used for PSS signatures (sign.ts).
 */
function webcryptoPkcs8(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'rsa-pss') return der;
  const fields = children(readTlv(der).value);
  const inner = expectTag(fields[2], 0x04, 'privateKey').value;
  return createPrivateKey({ key: inner, format: 'der', type: 'pkcs1' }).export({ format: 'der', type: 'pkcs8' });
}

export interface LoadCredentialOptions {
  purpose: KeyPurpose;
  /** When the start-up checks run (defaults to now). */
  now?: Date;
}

/**
 * Loads a certificate and its private key from PEM text and checks them before any request is
 * served: the key matches the certificate, the certificate is valid now and its key usage allows
 * the purpose. `sources` name the files in errors.
 */
export function credentialFromPem(
  certPem: string,
  keyPem: string,
  opts: LoadCredentialOptions,
  sources: { certificate: string; key: string } = { certificate: 'certificate', key: 'private key' },
): Credential {
  const certs = TrustedCertificate.fromPem(certPem, sources.certificate);
  const cert = certs[0];
  if (!cert) throw new TrustError('malformed', `${sources.certificate}: no certificate`);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: keyPem, format: 'pem' });
  } catch {
    // the parser's message may quote the input: say only what and where
    throw new TrustError('malformed', `${sources.key}: not a readable unencrypted PEM private key`);
  }
  const cred = new Credential(cert, key, `${sources.key} (for ${sources.certificate})`);
  cert.assertValidAt(opts.now ?? new Date());
  const usages = PURPOSE_USAGES[opts.purpose];
  cert.assertAllows(usages.text, ...(cred.kind === 'ec' ? usages.ec : usages.rsa));
  return cred;
}

/** Same as `credentialFromPem`, reading two files. */
export function loadCredential(certPath: string, keyPath: string, opts: LoadCredentialOptions): Credential {
  return credentialFromPem(readPem(certPath), readPem(keyPath), opts, { certificate: certPath, key: keyPath });
}

/** Certificates (a merchant's, a CA chain) from PEM files, each checked for validity now. */
export function loadCertificates(paths: readonly string[], opts: { now?: Date; allowExpired?: boolean } = {}): TrustedCertificate[] {
  const out: TrustedCertificate[] = [];
  for (const p of paths) {
    for (const c of TrustedCertificate.fromPem(readPem(p), p)) {
      if (!opts.allowExpired) c.assertValidAt(opts.now ?? new Date());
      out.push(c);
    }
  }
  return out;
}

export function readPem(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new TrustError('malformed', `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
