/** The few DER encodings the ECDH key derivation needs, byte-exact (RFC 5753 ECC-CMS-SharedInfo). */
export function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const derTlv = (tag: number, content: Uint8Array): Buffer => Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
export const derOctetString = (content: Uint8Array): Buffer => derTlv(0x04, content);
export const derSequence = (...parts: Uint8Array[]): Buffer => derTlv(0x30, Buffer.concat(parts));
/** [n] EXPLICIT, constructed, context-specific. */
export const derExplicit = (n: number, inner: Uint8Array): Buffer => derTlv(0xa0 | n, inner);
