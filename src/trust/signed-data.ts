import { algorithmOf, children, expectTag, NotDer, octets, oidOf, readTlv, type AlgorithmId, type Tlv } from './der-reader.js';
import { TrustError } from './errors.js';
import { OID } from './oids.js';

export type SignerId = { issuer: Buffer; serial: Buffer } | { ski: Buffer };

/** The fields of a one-signer SignedData that verification needs, read straight from DER. */
export interface ParsedSignedData {
  signerCount: number;
  /** eContent present: not a detached signature. */
  embedsContent: boolean;
  /** The encapsulated content type (id-data for everything Railyard signs or takes). */
  eContentType: string;
  /** The encapsulated content (chunks of a constructed OCTET STRING joined); null when detached. */
  content: Buffer | null;
  /** Embedded X.509 certificates, DER. */
  certificates: Buffer[];
  sid: SignerId;
  digestAlgorithm: string;
  /** The signed attributes re-tagged as a SET: the bytes the signature covers (RFC 5652 5.4). */
  signedAttrs: Buffer | null;
  contentType: string | null;
  messageDigest: Buffer | null;
  signingTime: Date | null;
  signatureAlgorithm: AlgorithmId;
  signature: Buffer;
}

/** Throws `NotDer` for encodings this reader does not take (the caller falls back to pkijs). */
export function parseSignedDataDer(der: Uint8Array): ParsedSignedData {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const ci = readTlv(buf);
  if (ci.end !== buf.length) throw new NotDer('trailing bytes');
  const [type, explicit] = children(expectTag(ci, 0x30, 'ContentInfo').value);
  if (oidOf(type) !== OID.signedData) throw new TrustError('malformed', 'the CMS content is not SignedData');
  const sd = children(expectTag(children(expectTag(explicit, 0xa0, 'ContentInfo.content').value)[0], 0x30, 'SignedData').value);
  let i = 1; // version
  expectTag(sd[i++], 0x31, 'digestAlgorithms');
  const encap = children(expectTag(sd[i++], 0x30, 'encapContentInfo').value);
  const certificates: Buffer[] = [];
  if (sd[i]?.tag === 0xa0) for (const c of children(sd[i++]!.value)) if (c.tag === 0x30) certificates.push(c.raw);
  if (sd[i]?.tag === 0xa1) i++; // crls: revocation is not checked here
  const signerInfos = children(expectTag(sd[i], 0x31, 'signerInfos').value);
  const first = signerInfos[0];
  if (!first) throw new TrustError('malformed', 'the signature has no signer');
  const si = children(expectTag(first, 0x30, 'SignerInfo').value);
  let j = 1; // version
  const sidTlv = si[j++];
  const digestAlgorithm = algorithmOf(si[j++]).oid;
  const attrs = si[j]?.tag === 0xa0 ? si[j++]! : null;
  const signatureAlgorithm = algorithmOf(si[j++]);
  const signature = octets(expectTag(si[j++], 0x04, 'signature'));
  const parsed: ParsedSignedData = {
    signerCount: signerInfos.length,
    embedsContent: encap.length > 1,
    eContentType: oidOf(encap[0]),
    content: encap.length > 1 ? encapsulated(encap[1]) : null,
    certificates,
    sid: signerId(sidTlv),
    digestAlgorithm,
    signedAttrs: null,
    contentType: null,
    messageDigest: null,
    signingTime: null,
    signatureAlgorithm,
    signature,
  };
  if (attrs) {
    parsed.signedAttrs = Buffer.concat([Buffer.from([0x31]), attrs.raw.subarray(1)]);
    for (const a of children(attrs.value)) {
      const [t, set] = children(expectTag(a, 0x30, 'attribute').value);
      const oid = oidOf(t);
      const value = children(expectTag(set, 0x31, 'attribute values').value)[0];
      if (!value) continue;
      if (oid === OID.contentType) parsed.contentType = oidOf(value);
      else if (oid === OID.messageDigest) parsed.messageDigest = expectTag(value, 0x04, 'message digest').value;
      else if (oid === OID.signingTime) parsed.signingTime = timeOf(value);
    }
  }
  return parsed;
}

/** `[0] EXPLICIT OCTET STRING`: OpenSSL writes it primitive, streaming encoders in chunks. */
function encapsulated(t: Tlv | undefined): Buffer {
  const inner = children(expectTag(t, 0xa0, 'eContent').value)[0];
  if (!inner) throw new NotDer('eContent: empty');
  return octets(inner);
}

function signerId(t: Tlv | undefined): SignerId {
  if (t?.tag === 0x30) {
    const [issuer, serial] = children(t.value);
    return { issuer: expectTag(issuer, 0x30, 'issuer').raw, serial: expectTag(serial, 0x02, 'serial').value };
  }
  if (t?.tag === 0x80) return { ski: t.value };
  throw new NotDer('signer identifier: unexpected structure');
}

/** UTCTime (YYMMDDHHMMSSZ, 1950-2049) or GeneralizedTime (YYYYMMDDHHMMSS[.f]Z). */
export function timeOf(t: Tlv): Date {
  const s = t.value.toString('latin1');
  const m = t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : t.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s) : null;
  if (!m) throw new TrustError('malformed', 'the signing-time attribute is not a time');
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}
