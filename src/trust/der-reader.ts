/**
 * A minimal DER/BER reader for the hot paths (verifying an order signature, opening an
 * envelope). pkijs parses these structures through asn1js schemas at about 1.5 ms per certificate
 * and 5 ms per SignedData on this machine, far above the cost of the cryptography itself; reading
 * the few fields we need directly costs microseconds. It takes definite lengths and BER's
 * indefinite lengths (pkijs itself writes envelopes that way); anything else it refuses (high tag
 * numbers, lengths over 4 octets, primitive indefinite values) raises `NotDer`, and the caller
 * falls back to pkijs.
 */
export class NotDer extends Error {
  override readonly name = 'NotDer';
}

export interface Tlv {
  /** The identifier octet (class, constructed bit, tag number < 31). */
  tag: number;
  /** Content octets. */
  value: Buffer;
  /** The whole encoding, identifier and length included. */
  raw: Buffer;
}

export function readTlv(buf: Buffer, offset = 0): Tlv & { end: number } {
  if (offset + 2 > buf.length) throw new NotDer('truncated');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new NotDer('high tag number');
  let len = buf[offset + 1]!;
  let p = offset + 2;
  if (len === 0x80) {
    // indefinite length (BER, constructed only): the contents run to the end-of-contents octets
    if (!(tag & 0x20)) throw new NotDer('indefinite length on a primitive value');
    for (let q = p; ; ) {
      if (q + 2 > buf.length) throw new NotDer('truncated');
      if (buf[q] === 0 && buf[q + 1] === 0) return { tag, value: buf.subarray(p, q), raw: buf.subarray(offset, q + 2), end: q + 2 };
      q = readTlv(buf, q).end;
    }
  }
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4) throw new NotDer('length too long');
    if (p + n > buf.length) throw new NotDer('truncated');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  const end = p + len;
  if (end > buf.length) throw new NotDer('truncated');
  return { tag, value: buf.subarray(p, end), raw: buf.subarray(offset, end), end };
}

/** The elements of a constructed value, in order. */
export function children(value: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let p = 0; p < value.length; ) {
    const t = readTlv(value, p);
    out.push(t);
    p = t.end;
  }
  return out;
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new NotDer(`${what}: unexpected structure`);
  return t;
}

/** Dotted OID from the content octets of an OBJECT IDENTIFIER. */
export function oidOf(t: Tlv | undefined): string {
  const v = expectTag(t, 0x06, 'object identifier').value;
  const parts: number[] = [];
  let acc = 0;
  for (const b of v) {
    acc = acc * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) parts.push(acc < 80 ? Math.floor(acc / 40) : 2, acc < 80 ? acc % 40 : acc - 80);
      else parts.push(acc);
      acc = 0;
    }
  }
  return parts.join('.');
}

export interface AlgorithmId {
  oid: string;
  params?: Tlv;
  raw: Buffer;
}

export function algorithmOf(t: Tlv | undefined): AlgorithmId {
  const seq = expectTag(t, 0x30, 'algorithm identifier');
  const [oid, params] = children(seq.value);
  return { oid: oidOf(oid), ...(params && params.tag !== 0x05 ? { params } : {}), raw: seq.raw };
}

/** An OCTET STRING, primitive or (as some BER-minded encoders write) constructed from chunks. */
export function octets(t: Tlv, primitiveTag = 0x04): Buffer {
  if (t.tag === primitiveTag) return t.value;
  if (t.tag === (primitiveTag | 0x20)) return Buffer.concat(children(t.value).map((c) => octets(c, 0x04)));
  throw new NotDer('octet string: unexpected structure');
}
