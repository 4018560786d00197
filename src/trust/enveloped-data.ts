import { algorithmOf, children, expectTag, NotDer, octets, oidOf, readTlv, type AlgorithmId, type Tlv } from './der-reader.js';
import { TrustError } from './errors.js';
import { OID } from './oids.js';
import type { SignerId } from './signed-data.js';

export interface KeyTransRecipient {
  kind: 'ktri';
  rid: SignerId;
  algorithm: AlgorithmId;
  encryptedKey: Buffer;
}

export interface KeyAgreeRecipient {
  kind: 'kari';
  /** The originator's ephemeral public key: the EC point (BIT STRING content without its unused-bits octet). */
  originatorKey: Buffer;
  ukm: Buffer | null;
  /** dhSinglePass-stdDH-sha*kdf-scheme, with the key-wrap AlgorithmIdentifier as parameters. */
  algorithm: AlgorithmId;
  keys: { rid: SignerId; encryptedKey: Buffer }[];
  /** The named curve of the originator's key when the sender named one (an OID), else null. */
  originatorCurve: string | null;
}

export interface ParsedEnvelope {
  recipients: (KeyTransRecipient | KeyAgreeRecipient)[];
  contentAlgorithm: AlgorithmId;
  encryptedContent: Buffer;
}

/** Reads an EnvelopedData ContentInfo from strict DER; `NotDer` sends the caller to pkijs. */
export function parseEnvelopedDataDer(der: Uint8Array): ParsedEnvelope {
  const { type, fields } = contentInfoOf(der);
  if (type !== OID.envelopedData) throw new TrustError('malformed', 'the CMS content is not EnvelopedData');
  versionOf(fields[0], [0, 2], 'EnvelopedData');
  let i = 1;
  if (fields[i]?.tag === 0xa0) i++; // originatorInfo
  const recipients = children(expectTag(fields[i++], 0x31, 'recipientInfos').value).flatMap((r) => recipientOf(r));
  const { contentAlgorithm, encryptedContent } = encryptedContentOf(fields[i]);
  return { recipients, contentAlgorithm, encryptedContent };
}

export interface ParsedAuthEnvelope extends ParsedEnvelope {
  /** The additional authenticated data: the DER of authAttrs re-tagged as SET OF (RFC 5083 section 2.2), or empty. */
  aad: Buffer;
  /** The authentication tag (AuthEnvelopedData.mac). */
  mac: Buffer;
}

/**
 * Reads an AuthEnvelopedData ContentInfo (RFC 5083) from DER or BER. pkijs has no model for it;
 * the structure is EnvelopedData's with authenticated attributes and a MAC:
 * `SEQUENCE { version, [0] originatorInfo OPT, recipientInfos SET, authEncryptedContentInfo,
 * [1] authAttrs OPT, mac OCTET STRING, [2] unauthAttrs OPT }`.
 */
export function parseAuthEnvelopedDataDer(der: Uint8Array): ParsedAuthEnvelope {
  const { type, fields } = contentInfoOf(der);
  if (type !== OID.authEnvelopedData) throw new TrustError('malformed', 'the CMS content is not AuthEnvelopedData');
  versionOf(fields[0], [0], 'AuthEnvelopedData');
  let i = 1;
  if (fields[i]?.tag === 0xa0) i++; // originatorInfo: certificates we do not need
  const recipients = children(expectTag(fields[i++], 0x31, 'recipientInfos').value).flatMap((r) => recipientOf(r));
  const { contentAlgorithm, encryptedContent } = encryptedContentOf(fields[i++]);
  let aad = Buffer.alloc(0);
  if (fields[i]?.tag === 0xa1) {
    // the MAC covers the attributes as a DER SET OF, not as the [1] IMPLICIT on the wire
    const raw = fields[i++]!.raw;
    aad = Buffer.concat([Buffer.from([0x31]), raw.subarray(1)]);
  }
  const mac = expectTag(fields[i++], 0x04, 'mac').value;
  if (fields[i]?.tag === 0xa2) i++;
  if (i !== fields.length) throw new TrustError('malformed', 'AuthEnvelopedData has unexpected trailing fields');
  return { recipients, contentAlgorithm, encryptedContent, aad, mac };
}

/** The content type of a CMS ContentInfo, or null when the bytes are not one. Reads only the outer structure. */
export function cmsContentType(der: Uint8Array): string | null {
  try {
    return contentInfoOf(der).type;
  } catch {
    return null;
  }
}

function contentInfoOf(der: Uint8Array): { type: string; fields: Tlv[] } {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const ci = readTlv(buf);
  if (ci.end !== buf.length) throw new NotDer('trailing bytes');
  const [typeTlv, explicit] = children(expectTag(ci, 0x30, 'ContentInfo').value);
  const type = oidOf(typeTlv);
  const fields = children(expectTag(children(expectTag(explicit, 0xa0, 'ContentInfo.content').value)[0], 0x30, 'CMS content').value);
  return { type, fields };
}

function encryptedContentOf(t: Tlv | undefined): { contentAlgorithm: AlgorithmId; encryptedContent: Buffer } {
  const eci = children(expectTag(t, 0x30, 'encryptedContentInfo').value);
  // only id-data is ever sent; checked, because this field is outside what any MAC covers
  if (oidOf(eci[0]) !== OID.data) throw new TrustError('unsupported', 'the encrypted content type must be id-data');
  const contentAlgorithm = algorithmOf(eci[1]);
  const content = eci[2];
  if (!content) throw new TrustError('malformed', 'the envelope has no encrypted content');
  return { contentAlgorithm, encryptedContent: octets(content, 0x80) };
}

function recipientOf(r: Tlv): (KeyTransRecipient | KeyAgreeRecipient)[] {
  if (r.tag === 0x30) {
    const [version, rid, alg, ek] = children(r.value);
    versionOf(version, [rid?.tag === 0x80 ? 2 : 0], 'KeyTransRecipientInfo');
    return [{ kind: 'ktri', rid: ridOf(rid), algorithm: algorithmOf(alg), encryptedKey: octets(expectTag(ek, 0x04, 'encryptedKey')) }];
  }
  if (r.tag === 0xa1) {
    const f = children(r.value);
    versionOf(f[0], [3], 'KeyAgreeRecipientInfo');
    let j = 1;
    const originator = children(expectTag(f[j++], 0xa0, 'originator').value)[0];
    // only originatorKey [1] (ephemeral-static ECDH); identified originators are not supported
    if (originator?.tag !== 0xa1) throw new TrustError('unsupported', 'only ephemeral-static ECDH originators (originatorKey) are supported');
    const [keyAlg, point] = children(originator.value);
    const originatorAlgorithm = algorithmOf(keyAlg);
    if (originatorAlgorithm.oid !== EC_PUBLIC_KEY) throw new TrustError('unsupported', "the originator's key must be an EC public key");
    const originatorCurve = originatorAlgorithm.params ? oidOf(originatorAlgorithm.params) : null;
    const bits = expectTag(point, 0x03, 'originator public key').value;
    if (bits[0] !== 0) throw new TrustError('malformed', "the originator's public key has unused bits");
    const originatorKey = bits.subarray(1);
    let ukm: Buffer | null = null;
    if (f[j]?.tag === 0xa1) ukm = octets(expectTag(children(f[j++]!.value)[0], 0x04, 'ukm'));
    const algorithm = algorithmOf(f[j++]);
    const keys = children(expectTag(f[j], 0x30, 'recipientEncryptedKeys').value).map((k) => {
      const [rid, ek] = children(expectTag(k, 0x30, 'RecipientEncryptedKey').value);
      // rKeyId [0] IMPLICIT RecipientKeyIdentifier: its first field is the subject key identifier
      const id = rid?.tag === 0xa0 ? { ski: expectTag(children(rid.value)[0], 0x04, 'subjectKeyIdentifier').value } : ridOf(rid);
      return { rid: id, encryptedKey: octets(expectTag(ek, 0x04, 'encryptedKey')) };
    });
    return [{ kind: 'kari', originatorKey, ukm, algorithm, keys, originatorCurve }];
  }
  return []; // KEK, password and other recipient kinds are not ours
}

const EC_PUBLIC_KEY = '1.2.840.10045.2.1';

/**
 * Versions are checked exactly: they sit outside what the key unwrap or a MAC covers, so an
 * unchecked one would be a field an attacker can change and still be served.
 */
function versionOf(t: Tlv | undefined, allowed: number[], what: string): void {
  const v = t?.tag === 0x02 ? t.value : null;
  if (v?.length !== 1 || !allowed.includes(v[0]!)) throw new TrustError('malformed', `${what}: version must be ${allowed.join(' or ')}`);
}

function ridOf(t: Tlv | undefined): SignerId {
  if (t?.tag === 0x30) {
    const [issuer, serial] = children(t.value);
    return { issuer: expectTag(issuer, 0x30, 'issuer').raw, serial: expectTag(serial, 0x02, 'serial').value };
  }
  if (t?.tag === 0x80) return { ski: t.value };
  throw new NotDer('recipient identifier: unexpected structure');
}
