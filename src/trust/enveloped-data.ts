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
}

export interface ParsedEnvelope {
  recipients: (KeyTransRecipient | KeyAgreeRecipient)[];
  contentAlgorithm: AlgorithmId;
  encryptedContent: Buffer;
}

/** Reads an EnvelopedData ContentInfo from strict DER; `NotDer` sends the caller to pkijs. */
export function parseEnvelopedDataDer(der: Uint8Array): ParsedEnvelope {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const ci = readTlv(buf);
  if (ci.end !== buf.length) throw new NotDer('trailing bytes');
  const [type, explicit] = children(expectTag(ci, 0x30, 'ContentInfo').value);
  if (oidOf(type) !== OID.envelopedData) throw new TrustError('malformed', 'the CMS content is not EnvelopedData');
  const ed = children(expectTag(children(expectTag(explicit, 0xa0, 'ContentInfo.content').value)[0], 0x30, 'EnvelopedData').value);
  let i = 1; // version
  if (ed[i]?.tag === 0xa0) i++; // originatorInfo
  const recipients = children(expectTag(ed[i++], 0x31, 'recipientInfos').value).flatMap((r) => recipientOf(r));
  const eci = children(expectTag(ed[i], 0x30, 'encryptedContentInfo').value);
  const contentAlgorithm = algorithmOf(eci[1]);
  const content = eci[2];
  if (!content) throw new TrustError('malformed', 'the envelope has no encrypted content');
  return { recipients, contentAlgorithm, encryptedContent: octets(content, 0x80) };
}

function recipientOf(r: Tlv): (KeyTransRecipient | KeyAgreeRecipient)[] {
  if (r.tag === 0x30) {
    const [, rid, alg, ek] = children(r.value);
    return [{ kind: 'ktri', rid: ridOf(rid), algorithm: algorithmOf(alg), encryptedKey: octets(expectTag(ek, 0x04, 'encryptedKey')) }];
  }
  if (r.tag === 0xa1) {
    const f = children(r.value);
    let j = 1; // version
    const originator = children(expectTag(f[j++], 0xa0, 'originator').value)[0];
    // only originatorKey [1] (ephemeral-static ECDH); identified originators are not supported
    if (originator?.tag !== 0xa1) throw new TrustError('unsupported', 'only ephemeral-static ECDH originators (originatorKey) are supported');
    const [, point] = children(originator.value);
    const originatorKey = expectTag(point, 0x03, 'originator public key').value.subarray(1);
    let ukm: Buffer | null = null;
    if (f[j]?.tag === 0xa1) ukm = octets(expectTag(children(f[j++]!.value)[0], 0x04, 'ukm'));
    const algorithm = algorithmOf(f[j++]);
    const keys = children(expectTag(f[j], 0x30, 'recipientEncryptedKeys').value).map((k) => {
      const [rid, ek] = children(expectTag(k, 0x30, 'RecipientEncryptedKey').value);
      // rKeyId [0] IMPLICIT RecipientKeyIdentifier: its first field is the subject key identifier
      const id = rid?.tag === 0xa0 ? { ski: expectTag(children(rid.value)[0], 0x04, 'subjectKeyIdentifier').value } : ridOf(rid);
      return { rid: id, encryptedKey: octets(expectTag(ek, 0x04, 'encryptedKey')) };
    });
    return [{ kind: 'kari', originatorKey, ukm, algorithm, keys }];
  }
  return []; // KEK, password and other recipient kinds are not ours
}

function ridOf(t: Tlv | undefined): SignerId {
  if (t?.tag === 0x30) {
    const [issuer, serial] = children(t.value);
    return { issuer: expectTag(issuer, 0x30, 'issuer').raw, serial: expectTag(serial, 0x02, 'serial').value };
  }
  if (t?.tag === 0x80) return { ski: t.value };
  throw new NotDer('recipient identifier: unexpected structure');
}
