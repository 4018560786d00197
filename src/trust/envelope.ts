import { constants, createDecipheriv, privateDecrypt } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { TrustedCertificate } from './certificate.js';
import { algorithmOf, children, NotDer, readTlv, type AlgorithmId } from './der-reader.js';
import { cryptoEngine, toArrayBuffer } from './engine.js';
import { parseEnvelopedDataDer, type ParsedEnvelope } from './enveloped-data.js';
import { TrustError } from './errors.js';
import { unwrapKeyAgree } from './kari.js';
import type { Credential, HashName } from './keys.js';
import type { CmsReader } from './verify.js';
import { OID } from './oids.js';
import type { SignerId } from './signed-data.js';

export interface EncryptOptions {
  /** RSA recipients: the OAEP hash (default SHA-256). */
  oaepHash?: HashName;
}

const CBC: Record<string, string> = { [OID.aes128Cbc]: 'aes-128-cbc', [OID.aes192Cbc]: 'aes-192-cbc', [OID.aes256Cbc]: 'aes-256-cbc' };

/**
 * CMS EnvelopedData of `data` to one recipient certificate, content under AES-256-CBC: RSA
 * recipients get RSA-OAEP key transport, EC recipients ECDH (ephemeral-static, X9.63 SHA-256 KDF)
 * with AES-256 key wrap. What `openssl cms -decrypt` opens. Returns the ContentInfo DER.
 */
export async function encryptEnvelope(data: Uint8Array, recipient: TrustedCertificate, opts: EncryptOptions = {}): Promise<Uint8Array> {
  cryptoEngine();
  const ec = recipient.x509.publicKey.asymmetricKeyType === 'ec';
  recipient.assertAllows('encryption', ec ? 'keyAgreement' : 'keyEncipherment');
  const env = new pkijs.EnvelopedData();
  const ok = ec
    ? env.addRecipientByCertificate(recipient.pkijs, { kdfAlgorithm: 'SHA-256', kekEncryptionLength: 256 }, 2)
    : env.addRecipientByCertificate(recipient.pkijs, { oaepHashAlgorithm: opts.oaepHash ?? 'SHA-256' }, 1);
  if (!ok) throw new TrustError('unsupported', `certificate ${recipient.label} cannot receive envelopes`);
  try {
    await env.encrypt({ name: 'AES-CBC', length: 256 } as Parameters<pkijs.EnvelopedData['encrypt']>[0], toArrayBuffer(data));
  } catch (err) {
    throw new TrustError('unsupported', `cannot encrypt to ${recipient.label}: ${err instanceof Error ? err.message : 'unknown error'}`);
  }
  const ci = new pkijs.ContentInfo({ contentType: OID.envelopedData, content: env.toSchema() });
  return new Uint8Array(ci.toSchema().toBER(false));
}

/**
 * Opens an EnvelopedData addressed to `recipient`. The envelope is read by a small DER/BER reader
 * and opened with Node's primitives (RSA-OAEP, ECDH + X9.63 KDF + AES key wrap, AES-CBC): pkijs's
 * schema parser alone costs milliseconds per envelope. What the reader refuses, and every call
 * with `reader: 'pkijs'`, is parsed by pkijs; there RSA-OAEP goes through pkijs's own decrypt. ECDH always goes through our unwrap (kari.ts),
 * which also reads OpenSSL's envelopes without ukm.
 *
 * AES-CBC is NOT authenticated: anyone can change the ciphertext, and a caller whose answers
 * differ by what went wrong after decryption (padding, then the content's syntax) is a padding
 * oracle that gives the plaintext away (an attack on Railyard recovered card digits in about 740
 * requests). This function only opens; the API accepts CBC envelopes only from merchants
 * configured for them, and then answers every failure alike (src/api/encrypted-method.ts).
 * New senders use AuthEnvelopedData (auth-enveloped-data.ts) or JWE (jwe.ts).
 */
export async function decryptEnvelope(envelope: Uint8Array, recipient: Credential, opts: { reader?: CmsReader } = {}): Promise<Uint8Array> {
  cryptoEngine();
  if (opts.reader === 'pkijs') return decryptWithPkijs(envelope, recipient);
  let parsed: ParsedEnvelope;
  try {
    parsed = parseEnvelopedDataDer(envelope);
  } catch (err) {
    if (err instanceof NotDer) return decryptWithPkijs(envelope, recipient);
    throw err;
  }
  const cert = recipient.certificate;
  const cek = contentKeyFor(parsed.recipients, recipient);
  if (!cek) throw new TrustError('decrypt_failed', `the envelope is not addressed to ${cert.label}`);
  return opened(() => decryptContent(parsed.contentAlgorithm, parsed.encryptedContent, cek()));
}

/**
 * The content-encryption key of the recipient entry addressed to `recipient` (matched by its
 * recipient identifier: issuer and serial, or subject key identifier), as a thunk that unwraps it;
 * null when no entry is for this key. Shared by EnvelopedData and AuthEnvelopedData.
 */
export function contentKeyFor(recipients: ParsedEnvelope['recipients'], recipient: Credential): (() => Buffer) | null {
  const cert = recipient.certificate;
  for (const r of recipients) {
    if (r.kind === 'ktri' && ridMatches(r.rid, cert)) {
      if (recipient.kind === 'ec') return null;
      const hash = oaepHash(r.algorithm);
      return () => privateDecrypt({ key: recipient.keyObject(), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, r.encryptedKey);
    }
    if (r.kind === 'kari' && recipient.kind === 'ec') {
      const key = r.keys.find((k) => ridMatches(k.rid, cert));
      if (!key) continue;
      if (r.originatorCurve !== null && r.originatorCurve !== CURVE_OID[recipient.curve ?? '']) {
        throw new TrustError('decrypt_failed', "the originator's key is not on the recipient's curve");
      }
      return () => unwrapKeyAgree(r, key.encryptedKey, (p) => recipient.agree(p));
    }
  }
  return null;
}

/** Runs the opening steps; any failure that is not a refusal of the algorithm becomes `decrypt_failed`. */
export function opened(fn: () => Uint8Array): Uint8Array {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TrustError && err.code !== 'decrypt_failed') throw err;
    throw new TrustError('decrypt_failed', 'the envelope cannot be opened with this key');
  }
}

const CURVE_OID: Record<string, string> = { 'P-256': '1.2.840.10045.3.1.7', 'P-384': '1.3.132.0.34', 'P-521': '1.3.132.0.35' };
const OAEP = '1.2.840.113549.1.1.7';
const MGF1 = '1.2.840.113549.1.1.8';
const SHA1 = '1.3.14.3.2.26';
const NODE_HASH: Record<string, string> = { [SHA1]: 'sha1', [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };

/** RSAES-OAEP-params (RFC 4055; defaults SHA-1): Node uses one hash for OAEP and MGF1, so both must agree. */
function oaepHash(alg: AlgorithmId): string {
  if (alg.oid !== OAEP) {
    // PKCS#1 v1.5 key transport is refused on purpose: it is OpenSSL's default and a padding oracle
    throw new TrustError('unsupported', 'only RSA-OAEP key transport is accepted (openssl cms -encrypt -keyopt rsa_padding_mode:oaep)');
  }
  let hash = SHA1;
  let mgfHash = SHA1;
  try {
    // strict: these parameters are not covered by any MAC, so nothing in them may be ignored
    if (alg.params && alg.params.tag !== 0x30) throw new TrustError('malformed', 'the RSA-OAEP parameters are malformed');
    for (const f of alg.params ? children(alg.params.value) : []) {
      const inner = children(f.value);
      if (inner.length !== 1) throw new TrustError('malformed', 'the RSA-OAEP parameters are malformed');
      if (f.tag === 0xa0) hash = algorithmOf(inner[0]).oid;
      else if (f.tag === 0xa1) {
        const mgf = algorithmOf(inner[0]);
        if (mgf.oid !== MGF1 || !mgf.params) throw new TrustError('unsupported', 'RSA-OAEP with a mask generation other than MGF1');
        mgfHash = algorithmOf(mgf.params).oid;
      } else if (f.tag === 0xa2) throw new TrustError('unsupported', 'RSA-OAEP with a label (pSourceAlgorithm) is not supported');
      else throw new TrustError('malformed', 'the RSA-OAEP parameters are malformed');
    }
  } catch (err) {
    if (err instanceof NotDer) throw new TrustError('malformed', 'the RSA-OAEP parameters are malformed');
    throw err;
  }
  const name = NODE_HASH[hash];
  if (!name || hash !== mgfHash) throw new TrustError('unsupported', 'RSA-OAEP must use SHA-1/256/384/512 with MGF1 over the same hash');
  return name;
}

function decryptContent(alg: AlgorithmId, content: Uint8Array, cek: Uint8Array): Uint8Array {
  const cipher = CBC[alg.oid];
  if (!cipher) throw new TrustError('unsupported', `content encryption ${alg.oid} is not supported (AES-CBC)`);
  if (alg.params?.tag !== 0x04 || alg.params.value.length !== 16) throw new TrustError('malformed', 'the content encryption has no 16-byte IV');
  const d = createDecipheriv(cipher, cek, alg.params.value);
  return new Uint8Array(Buffer.concat([d.update(content), d.final()]));
}

/** The BER route: pkijs parses; RSA-OAEP through pkijs, ECDH through our unwrap. */
async function decryptWithPkijs(envelope: Uint8Array, recipient: Credential): Promise<Uint8Array> {
  const env = parsePkijs(envelope);
  const cert = recipient.certificate;
  for (const [index, ri] of env.recipientInfos.entries()) {
    if (ri.variant === 1 && ri.value instanceof pkijs.KeyTransRecipientInfo && ridMatches(pkijsRid(ri.value.rid), cert)) {
      if (recipient.kind === 'ec') break;
      const hash = oaepHash(algorithmOf(readTlv(Buffer.from(ri.value.keyEncryptionAlgorithm.toSchema().toBER(false)))));
      try {
        const key = await recipient.cryptoKey({ name: 'RSA-OAEP', hash: WEBCRYPTO_HASH[hash] ?? 'SHA-256' }, 'decrypt');
        return new Uint8Array(await env.decrypt(index, { recipientPrivateKey: key as unknown as pkijs.EnvelopedDataDecryptKeyParams['recipientPrivateKey'] }));
      } catch {
        throw new TrustError('decrypt_failed', 'the envelope cannot be opened with this key');
      }
    }
    if (ri.variant === 2 && ri.value instanceof pkijs.KeyAgreeRecipientInfo && recipient.kind === 'ec') {
      const kari = ri.value;
      const rek = kari.recipientEncryptedKeys.encryptedKeys.find((k) => ridMatches(pkijsRid(k.rid.value), cert));
      if (!rek) continue;
      if (kari.originator.variant !== 3) throw new TrustError('unsupported', 'only ephemeral-static ECDH originators (originatorKey) are supported');
      const ukm: unknown = kari.ukm;
      const agreement = {
        originatorKey: (kari.originator.value as pkijs.OriginatorPublicKey).publicKey.valueBlock.valueHexView,
        ukm: ukm instanceof asn1js.OctetString ? ukm.valueBlock.valueHexView : null,
        algorithm: algorithmOf(readTlv(Buffer.from(kari.keyEncryptionAlgorithm.toSchema().toBER(false)))),
      };
      const eci = env.encryptedContentInfo;
      const contentAlg = algorithmOf(readTlv(Buffer.from(eci.contentEncryptionAlgorithm.toSchema().toBER(false))));
      return opened(() => decryptContent(contentAlg, new Uint8Array(eci.getEncryptedContent()), unwrapKeyAgree(agreement, rek.encryptedKey.valueBlock.valueHexView, (p) => recipient.agree(p))));
    }
  }
  throw new TrustError('decrypt_failed', `the envelope is not addressed to ${cert.label}`);
}

const WEBCRYPTO_HASH: Record<string, string> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

function parsePkijs(der: Uint8Array): pkijs.EnvelopedData {
  try {
    const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(der));
    if (ci.contentType !== OID.envelopedData) throw new TrustError('malformed', 'the CMS content is not EnvelopedData');
    return new pkijs.EnvelopedData({ schema: ci.content });
  } catch (err) {
    if (err instanceof TrustError) throw err;
    throw new TrustError('malformed', 'the envelope is not a DER CMS EnvelopedData');
  }
}

function pkijsRid(rid: unknown): SignerId | null {
  if (rid instanceof pkijs.IssuerAndSerialNumber) return { issuer: Buffer.from(rid.issuer.toSchema().toBER(false)), serial: Buffer.from(rid.serialNumber.valueBlock.valueHexView) };
  const keyId = rid instanceof pkijs.RecipientKeyIdentifier ? rid.subjectKeyIdentifier : rid;
  if (keyId instanceof asn1js.OctetString) return { ski: Buffer.from(keyId.valueBlock.valueHexView) };
  return null;
}

function ridMatches(rid: SignerId | null, cert: TrustedCertificate): boolean {
  if (!rid) return false;
  return 'ski' in rid ? cert.keyId.equals(rid.ski) : cert.serialDer.equals(rid.serial) && cert.issuerDer.equals(rid.issuer);
}
