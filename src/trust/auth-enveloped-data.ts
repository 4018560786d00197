import { constants, publicEncrypt, randomBytes } from 'node:crypto';
import type { TrustedCertificate } from './certificate.js';
import { derOctetString, derSequence, derTlv, derExplicit } from './der.js';
import { children, expectTag, NotDer } from './der-reader.js';
import { subtle } from './engine.js';
import { contentKeyFor } from './envelope.js';
import { parseAuthEnvelopedDataDer, type ParsedAuthEnvelope } from './enveloped-data.js';
import { TrustError } from './errors.js';
import type { Credential } from './keys.js';
import { OID } from './oids.js';

/**
 * CMS AuthEnvelopedData with AES-GCM (RFC 5083, RFC 5084): what `openssl cms -encrypt
 * -aes-256-gcm` writes. pkijs has no model for it, so it is read with our DER reader and written
 * with our DER helpers. GCM authenticates the content: a changed bit anywhere in the ciphertext,
 * the nonce, the tag or the authenticated attributes fails the tag check, and the tag is checked
 * (WebCrypto's one-shot AES-GCM decrypt) before any plaintext is released.
 */

const GCM_KEY_BYTES: Record<string, number> = { [OID.aes128Gcm]: 16, [OID.aes192Gcm]: 24, [OID.aes256Gcm]: 32 };
/** Only full 16-byte tags and 12-byte nonces: what OpenSSL writes, and no truncated-tag forgery margin. */
const TAG_BYTES = 16;
const NONCE_BYTES = 12;

/**
 * Opens an AuthEnvelopedData with the first of `keys` it is addressed to (the recipient
 * identifier picks the key). Every failure is a `TrustError`; its code is for logs and tests, the
 * API answers all of them alike.
 */
export async function decryptAuthEnveloped(envelope: Uint8Array, keys: readonly Credential[]): Promise<Uint8Array> {
  let parsed: ParsedAuthEnvelope;
  try {
    parsed = parseAuthEnvelopedDataDer(envelope);
  } catch (err) {
    if (err instanceof NotDer) throw new TrustError('malformed', 'the envelope is not a DER CMS AuthEnvelopedData');
    throw err;
  }
  const { nonce, keyBytes } = gcmParameters(parsed);
  for (const key of keys) {
    const unwrap = contentKeyFor(parsed.recipients, key);
    if (!unwrap) continue;
    let cek: Buffer;
    try {
      cek = unwrap();
    } catch (err) {
      if (err instanceof TrustError && err.code !== 'decrypt_failed') throw err;
      throw new TrustError('decrypt_failed', 'the envelope cannot be opened with this key');
    }
    try {
      if (cek.length !== keyBytes) throw new TrustError('decrypt_failed', 'the content-encryption key has the wrong length');
      const aesKey = await subtle.importKey('raw', cek, 'AES-GCM', false, ['decrypt']);
      const sealed = Buffer.concat([parsed.encryptedContent, parsed.mac]);
      const clear = await subtle.decrypt({ name: 'AES-GCM', iv: nonce, additionalData: parsed.aad, tagLength: TAG_BYTES * 8 }, aesKey, sealed);
      return new Uint8Array(clear);
    } catch (err) {
      if (err instanceof TrustError) throw err;
      throw new TrustError('decrypt_failed', 'the envelope cannot be opened with this key (authentication failed)');
    } finally {
      cek.fill(0);
    }
  }
  throw new TrustError('decrypt_failed', 'the envelope is not addressed to any of the configured encryption keys');
}

/** GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING, aes-ICVlen INTEGER DEFAULT 12 } (RFC 5084). */
function gcmParameters(parsed: ParsedAuthEnvelope): { nonce: Buffer; keyBytes: number } {
  const alg = parsed.contentAlgorithm;
  const keyBytes = GCM_KEY_BYTES[alg.oid];
  if (!keyBytes) throw new TrustError('unsupported', 'AuthEnvelopedData content must be encrypted with AES-GCM');
  try {
    const [nonceTlv, icv] = children(expectTag(alg.params, 0x30, 'GCMParameters').value);
    const nonce = expectTag(nonceTlv, 0x04, 'aes-nonce').value;
    const icvLen = icv ? intOf(expectTag(icv, 0x02, 'aes-ICVlen').value) : 12;
    if (nonce.length !== NONCE_BYTES || icvLen !== TAG_BYTES || parsed.mac.length !== TAG_BYTES) {
      throw new TrustError('unsupported', 'AES-GCM must use a 12-byte nonce and a 16-byte tag');
    }
    return { nonce, keyBytes };
  } catch (err) {
    if (err instanceof NotDer) throw new TrustError('malformed', 'the AES-GCM parameters are malformed');
    throw err;
  }
}

function intOf(v: Buffer): number {
  if (v.length === 0 || v.length > 2) return -1;
  return v.readUIntBE(0, v.length);
}

/**
 * AuthEnvelopedData of `data` to an RSA recipient certificate: RSA-OAEP (SHA-256, MGF1-SHA-256)
 * key transport, AES-256-GCM content, 12-byte nonce, 16-byte tag; what `openssl cms -decrypt`
 * opens. EC recipients: use `openssl cms -encrypt -aes-256-gcm` or JWE (ECDH-ES+A256KW).
 * Returns the ContentInfo DER.
 */
export async function encryptAuthEnveloped(data: Uint8Array, recipient: TrustedCertificate): Promise<Uint8Array> {
  if (recipient.x509.publicKey.asymmetricKeyType !== 'rsa') throw new TrustError('unsupported', `certificate ${recipient.label}: Railyard writes AuthEnvelopedData to RSA keys only`);
  recipient.assertAllows('encryption', 'keyEncipherment');
  const cek = randomBytes(32);
  const nonce = randomBytes(NONCE_BYTES);
  try {
    const aesKey = await subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt']);
    const sealed = Buffer.from(await subtle.encrypt({ name: 'AES-GCM', iv: nonce, tagLength: TAG_BYTES * 8 }, aesKey, data));
    const encryptedKey = publicEncrypt({ key: recipient.x509.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, cek);
    const oid = (dotted: string) => derTlv(0x06, oidBytes(dotted));
    const sha256 = derSequence(oid(OID.sha256));
    const oaep = derSequence(oid(OID.rsaesOaep), derSequence(derExplicit(0, sha256), derExplicit(1, derSequence(oid(OID.mgf1), sha256))));
    const issuerAndSerial = derSequence(recipient.issuerDer, derTlv(0x02, recipient.serialDer));
    const ktri = derSequence(derTlv(0x02, Buffer.from([0])), issuerAndSerial, oaep, derOctetString(encryptedKey));
    const gcm = derSequence(oid(OID.aes256Gcm), derSequence(derOctetString(nonce), derTlv(0x02, Buffer.from([TAG_BYTES]))));
    const eci = derSequence(oid(OID.data), gcm, derTlv(0x80, sealed.subarray(0, sealed.length - TAG_BYTES)));
    const aed = derSequence(derTlv(0x02, Buffer.from([0])), derTlv(0x31, ktri), eci, derOctetString(sealed.subarray(sealed.length - TAG_BYTES)));
    return new Uint8Array(derSequence(oid(OID.authEnvelopedData), derExplicit(0, aed)));
  } finally {
    cek.fill(0);
  }
}

/** Content octets of an OBJECT IDENTIFIER from its dotted form. */
function oidBytes(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return Buffer.from(out);
}
