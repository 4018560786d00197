import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { children, expectTag, readTlv } from './der-reader.js';
import { cryptoEngine, toArrayBuffer } from './engine.js';
import { TrustError } from './errors.js';
import { pemBlocks } from './pem.js';

export type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign';
const KEY_USAGE_BITS: readonly KeyUsageName[] = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'];

/**
 * One X.509 certificate, parsed once: pkijs's view (for CMS) and Node's (for its public key),
 * with the facts the trust checks ask for. `label` is what errors and the timeline show.
 */
export class TrustedCertificate {
  readonly der: Uint8Array;
  readonly pkijs: pkijs.Certificate;
  readonly x509: X509Certificate;
  readonly subject: string;
  readonly issuer: string;
  /** Upper-case hex, as OpenSSL prints it. */
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SHA-256 of the DER, hex: a stable identity for caches and logs. */
  readonly fingerprint: string;
  /** Absent when the certificate has no keyUsage extension (then any usage is allowed). */
  readonly keyUsage?: ReadonlySet<KeyUsageName>;
  /** The issuer Name as encoded, and the serial's INTEGER content: how CMS names a certificate. */
  readonly issuerDer: Buffer;
  readonly serialDer: Buffer;
  /** SHA-1 of the subject public key (RFC 5280 4.2.1.2 (1)): the other way CMS names it. */
  readonly keyId: Buffer;

  constructor(der: Uint8Array, source = 'certificate') {
    cryptoEngine();
    try {
      this.pkijs = pkijs.Certificate.fromBER(toArrayBuffer(der));
      this.x509 = new X509Certificate(Buffer.from(der));
    } catch {
      throw new TrustError('malformed', `${source}: not a valid X.509 certificate`);
    }
    this.der = der;
    try {
      const tbs = children(expectTag(children(expectTag(readTlv(Buffer.from(der)), 0x30, 'certificate').value)[0], 0x30, 'tbsCertificate').value);
      const k = tbs[0]?.tag === 0xa0 ? 1 : 0; // explicit version
      this.serialDer = expectTag(tbs[k], 0x02, 'serial').value;
      this.issuerDer = expectTag(tbs[k + 2], 0x30, 'issuer').raw;
      const spki = children(expectTag(tbs[k + 5], 0x30, 'subjectPublicKeyInfo').value);
      this.keyId = createHash('sha1').update(expectTag(spki[1], 0x03, 'subjectPublicKey').value.subarray(1)).digest();
    } catch {
      throw new TrustError('malformed', `${source}: not a DER X.509 certificate`);
    }
    this.subject = oneLine(this.x509.subject);
    this.issuer = oneLine(this.x509.issuer);
    this.serial = this.x509.serialNumber.toUpperCase();
    this.notBefore = this.pkijs.notBefore.value;
    this.notAfter = this.pkijs.notAfter.value;
    this.fingerprint = createHash('sha256').update(der).digest('hex');
    const ku = this.pkijs.extensions?.find((e) => e.extnID === '2.5.29.15');
    if (ku) this.keyUsage = parseKeyUsage(ku);
  }

  get label(): string {
    return `"${this.subject}" (serial ${this.serial})`;
  }

  /** Node's getter builds a new KeyObject on every read: keep one. */
  get publicKey(): KeyObject {
    return (this.#publicKey ??= this.x509.publicKey);
  }

  #publicKey: KeyObject | undefined;

  validAt(at: Date): boolean {
    return at.getTime() >= this.notBefore.getTime() && at.getTime() <= this.notAfter.getTime();
  }

  /** Throws `expired` naming the certificate and the instant that fell outside its validity. */
  assertValidAt(at: Date, what = 'now'): void {
    if (at.getTime() > this.notAfter.getTime()) {
      throw new TrustError('expired', `certificate ${this.label} expired ${this.notAfter.toISOString()} (checked at ${what}: ${at.toISOString()})`);
    }
    if (at.getTime() < this.notBefore.getTime()) {
      throw new TrustError('expired', `certificate ${this.label} is not valid before ${this.notBefore.toISOString()} (checked at ${what}: ${at.toISOString()})`);
    }
  }

  /** True when the certificate allows at least one of `usages` (or restricts none). */
  allows(...usages: KeyUsageName[]): boolean {
    return !this.keyUsage || usages.some((u) => this.keyUsage?.has(u));
  }

  assertAllows(purpose: string, ...usages: KeyUsageName[]): void {
    if (!this.allows(...usages)) {
      throw new TrustError('key_usage', `certificate ${this.label} may not be used for ${purpose} (key usage lacks ${usages.join(' or ')})`);
    }
  }

  toPem(): string {
    return this.x509.toString();
  }

  /** One parsed object per distinct certificate: signatures embed the same few over and over. */
  static fromDerCached(der: Uint8Array): TrustedCertificate {
    // keyed by the bytes themselves: cheaper than hashing them, and no collision to reason about
    const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
    let c = CACHE.get(key);
    if (!c) {
      c = new TrustedCertificate(new Uint8Array(der), 'embedded certificate');
      if (CACHE.size >= CACHE_MAX) CACHE.delete(CACHE.keys().next().value ?? '');
      CACHE.set(key, c);
    }
    return c;
  }

  static fromPem(text: string, source = 'certificate'): TrustedCertificate[] {
    const blocks = pemBlocks(text, source).filter((b) => b.label === 'CERTIFICATE');
    if (blocks.length === 0) throw new TrustError('malformed', `${source}: no CERTIFICATE block found`);
    return blocks.map((b, i) => new TrustedCertificate(b.der, blocks.length > 1 ? `${source} #${i + 1}` : source));
  }
}

const CACHE = new Map<string, TrustedCertificate>();
const CACHE_MAX = 1_024;

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

function parseKeyUsage(ext: pkijs.Extension): Set<KeyUsageName> {
  const parsed: unknown = ext.parsedValue;
  const bits = parsed instanceof asn1js.BitString ? parsed.valueBlock.valueHexView : new Uint8Array();
  const out = new Set<KeyUsageName>();
  KEY_USAGE_BITS.forEach((name, i) => {
    const byte = bits[i >> 3] ?? 0;
    if (byte & (0x80 >> (i & 7))) out.add(name);
  });
  return out;
}
