import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { TrustedCertificate } from './certificate.js';
import { assertDerWithinLimits } from './der-limits.js';
import { NotDer } from './der-reader.js';
import { cryptoEngine, toArrayBuffer } from './engine.js';
import { TrustError } from './errors.js';
import { digestOf, verifySignatureValue } from './node-verify.js';
import { OID } from './oids.js';
import { parseSignedDataDer, type SignerId } from './signed-data.js';

export interface VerifyOptions {
  /** The verifier's "now" (default: the clock given to the verifier, else the system time). */
  now?: Date;
  /**
   * `fast` (default): our DER/BER reader and Node's primitives, pkijs only for what the reader
   * refuses. `pkijs`: pkijs parses and verifies (the reference path; tests run both).
   */
  reader?: CmsReader;
}

export type CmsReader = 'fast' | 'pkijs';

export interface VerifiedSignature {
  certificate: TrustedCertificate;
  /** From the signed signing-time attribute; null when the signer sent none. */
  signingTime: Date | null;
  /** Signer certificate first, trust anchor last. */
  path: TrustedCertificate[];
}

/** A verified enveloped signature and the content it carried. */
export interface VerifiedContent extends VerifiedSignature {
  /** The encapsulated content: exactly the bytes the signature covers. */
  content: Uint8Array;
}

export interface SignatureVerifierOptions {
  /** How far in the future a signing time may lie (clock skew), default 5 minutes. */
  maxFutureSkewMs?: number;
  /** Refuse signatures without a signing-time attribute (default false). */
  requireSigningTime?: boolean;
  now?: () => Date;
}

const PATH_CACHE_MAX = 1_024;

/**
 * Verifies detached and enveloped CMS SignedData against a fixed set of trusted certificates: leaf certificates
 * (pinning a merchant's own certificate) or CA certificates (any certificate they issued).
 *
 * Checks, in order, each with its own error code: the structure (`malformed`), that the signer's
 * certificate is known and chains to a trusted one (`untrusted`), that every certificate of that
 * path is valid both now and at the signing time (`expired`), that its key usage allows signing
 * (`key_usage`), and that the signature covers exactly `data`, or the content it carries when
 * enveloped (`invalid`).
 *
 * The structure is read by a small DER/BER reader and checked with Node's primitives: pkijs's
 * schema parser alone costs ~5 ms per signature here, 50x the signature check. What the reader
 * refuses, and every call with `reader: 'pkijs'`, goes through pkijs in full; pkijs reports a bad
 * signature either by throwing or by `signatureVerified: false`, and both end as `invalid`. The
 * chain is built with pkijs once per signer certificate and cached.
 */
export class SignatureVerifier {
  readonly anchors: readonly TrustedCertificate[];
  private readonly anchorPrints: Set<string>;
  private readonly paths = new Map<string, TrustedCertificate[]>();

  constructor(
    anchors: readonly TrustedCertificate[],
    private readonly opts: SignatureVerifierOptions = {},
  ) {
    if (anchors.length === 0) throw new TrustError('untrusted', 'a signature verifier needs at least one trusted certificate');
    this.anchors = anchors;
    this.anchorPrints = new Set(anchors.map((a) => a.fingerprint));
    cryptoEngine();
  }

  /** A detached signature over `data`. */
  async verify(signature: Uint8Array, data: Uint8Array, opts: VerifyOptions = {}): Promise<VerifiedSignature> {
    const { certificate, signingTime, path } = await this.check(signature, data, opts);
    return { certificate, signingTime, path };
  }

  /**
   * An enveloped signature (the content inside the SignedData, `openssl cms -sign -nodetach`):
   * the same checks as `verify`, then the content, which is only ever handed out once verified.
   * A detached signature here is `malformed`, as an enveloped one is for `verify`.
   */
  verifyEnveloped(der: Uint8Array, opts: VerifyOptions = {}): Promise<VerifiedContent> {
    return this.check(der, null, opts);
  }

  /** `data`: the detached content the signature must cover; null: the content must be inside. */
  private async check(der: Uint8Array, data: Uint8Array | null, opts: VerifyOptions): Promise<VerifiedContent> {
    const now = opts.now ?? this.opts.now?.() ?? new Date();
    // before any recursive reader (ours, asn1js): a deep nesting would overflow the stack
    assertDerWithinLimits(der);
    if (opts.reader === 'pkijs') return this.verifyWithPkijs(der, data, now);
    let parsed;
    try {
      parsed = parseSignedDataDer(der);
    } catch (err) {
      if (err instanceof NotDer) return this.verifyWithPkijs(der, data, now);
      throw err;
    }
    if (parsed.signerCount !== 1) throw new TrustError('malformed', `expected exactly one signer, found ${parsed.signerCount}`);
    if (parsed.eContentType !== OID.data) throw new TrustError('malformed', 'the signed content type is not id-data');
    const content = signedContent(parsed.content, data);
    const embedded = parsed.certificates.map((c) => TrustedCertificate.fromDerCached(c));
    const signer = this.findSigner(parsed.sid, embedded);
    const path = await this.trustedPath(signer, embedded, parsed.signingTime, now);

    let signed: Uint8Array = content;
    if (parsed.signedAttrs) {
      if (parsed.contentType !== OID.data) throw new TrustError('malformed', 'the signed attributes lack content-type id-data');
      if (!parsed.messageDigest) throw new TrustError('malformed', 'the signed attributes lack a message digest');
      if (!digestOf(parsed.digestAlgorithm, content).equals(parsed.messageDigest)) {
        throw new TrustError('invalid', `the signature by ${signer.label} was made over other data`);
      }
      signed = parsed.signedAttrs;
    }
    if (!verifySignatureValue(parsed.signatureAlgorithm, parsed.digestAlgorithm, signer.publicKey, signed, parsed.signature)) {
      throw new TrustError('invalid', `the signature by ${signer.label} does not match the data`);
    }
    // a copy: the verified bytes must not change if the caller reuses the buffer it passed in
    return { certificate: signer, signingTime: parsed.signingTime, path, content: data ?? Uint8Array.from(content) };
  }

  /** The BER route: pkijs parses and verifies; its two ways of failing are both mapped. */
  private async verifyWithPkijs(signature: Uint8Array, data: Uint8Array | null, now: Date): Promise<VerifiedContent> {
    const signed = parsePkijs(signature);
    const info = signed.signerInfos[0];
    if (signed.signerInfos.length !== 1 || !info) throw new TrustError('malformed', `expected exactly one signer, found ${signed.signerInfos.length}`);
    if (signed.encapContentInfo.eContentType !== OID.data) throw new TrustError('malformed', 'the signed content type is not id-data');
    const eContent = signed.encapContentInfo.eContent;
    const content = signedContent(eContent ? new Uint8Array(eContent.getValue()) : null, data);
    const embeddedPkijs = (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
    const embedded = embeddedPkijs.map((c) => TrustedCertificate.fromDerCached(new Uint8Array(c.toSchema().toBER(false))));
    const signer = this.findSigner(pkijsSignerId(info), embedded);
    const signingTime = pkijsSigningTime(info);
    const path = await this.trustedPath(signer, embedded, signingTime, now);
    // pkijs looks for the signer among the embedded certificates only
    if (!embedded.includes(signer)) signed.certificates = [...(signed.certificates ?? []), signer.pkijs];
    let verified: boolean;
    try {
      // enveloped: pkijs hashes its own eContent when no data is passed
      const result = await signed.verify({ signer: 0, ...(data ? { data: toArrayBuffer(data) } : {}), checkChain: false, extendedMode: true });
      verified = result.signatureVerified === true;
    } catch (err) {
      throw classifyPkijsFailure(err);
    }
    if (!verified) throw new TrustError('invalid', `the signature by ${signer.label} does not match the data`);
    return { certificate: signer, signingTime, path, content };
  }

  private findSigner(sid: SignerId, embedded: readonly TrustedCertificate[]): TrustedCertificate {
    const match = 'ski' in sid ? (c: TrustedCertificate) => c.keyId.equals(sid.ski) : (c: TrustedCertificate) => c.serialDer.equals(sid.serial) && c.issuerDer.equals(sid.issuer);
    const found = this.anchors.find(match) ?? embedded.find(match);
    if (!found) throw new TrustError('untrusted', 'the signer certificate is neither embedded nor among the trusted certificates');
    return found;
  }

  /** Trust, validity (now and at the signing time) and key usage of the signer. */
  private async trustedPath(signer: TrustedCertificate, embedded: readonly TrustedCertificate[], signingTime: Date | null, now: Date): Promise<TrustedCertificate[]> {
    if (!signingTime && this.opts.requireSigningTime) throw new TrustError('malformed', 'the signature has no signing-time attribute');
    if (signingTime && signingTime.getTime() > now.getTime() + (this.opts.maxFutureSkewMs ?? 300_000)) {
      throw new TrustError('invalid', `the signing time ${signingTime.toISOString()} lies in the future`);
    }
    const path = await this.pathOf(signer, embedded, now);
    for (const c of path) {
      c.assertValidAt(now, 'verification time');
      if (signingTime) c.assertValidAt(signingTime, 'signing time');
    }
    signer.assertAllows('signing', 'digitalSignature', 'nonRepudiation');
    return path;
  }

  private async pathOf(signer: TrustedCertificate, embedded: readonly TrustedCertificate[], now: Date): Promise<TrustedCertificate[]> {
    if (this.anchorPrints.has(signer.fingerprint)) return [signer];
    const cached = this.paths.get(signer.fingerprint);
    if (cached) return cached;
    const engine = new pkijs.CertificateChainValidationEngine({
      trustedCerts: this.anchors.map((a) => a.pkijs),
      certs: [...embedded.filter((c) => c !== signer).map((c) => c.pkijs), signer.pkijs],
      checkDate: now,
    });
    let result: pkijs.CertificateChainValidationEngineVerifyResult;
    try {
      result = await engine.verify();
    } catch {
      throw new TrustError('untrusted', `certificate ${signer.label} does not chain to a trusted certificate`);
    }
    if (!result.result) {
      // resultCode 8: a certificate of an otherwise good path is outside its validity
      if (result.resultCode === 8) throw new TrustError('expired', `a certificate on the path of ${signer.label} is expired or not yet valid`);
      throw new TrustError('untrusted', `certificate ${signer.label} does not chain to a trusted certificate`);
    }
    const known = [signer, ...this.anchors, ...embedded];
    const path = (result.certificatePath ?? [signer.pkijs]).map((p) => known.find((k) => k.pkijs === p) ?? TrustedCertificate.fromDerCached(new Uint8Array(p.toSchema().toBER(false))));
    if (this.paths.size >= PATH_CACHE_MAX) this.paths.clear();
    this.paths.set(signer.fingerprint, path);
    return path;
  }
}

/** Detached and enveloped signatures are not interchangeable: each is refused where the other is expected. */
function signedContent(embedded: Uint8Array | null, detached: Uint8Array | null): Uint8Array {
  if (detached !== null) {
    if (embedded !== null) throw new TrustError('malformed', 'the signature is not detached (it embeds content)');
    return detached;
  }
  if (embedded === null) throw new TrustError('malformed', 'the signature is detached: it carries no content');
  return embedded;
}

function parsePkijs(der: Uint8Array): pkijs.SignedData {
  try {
    const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(der));
    if (ci.contentType !== OID.signedData) throw new TrustError('malformed', 'the CMS content is not SignedData');
    return new pkijs.SignedData({ schema: ci.content });
  } catch (err) {
    if (err instanceof TrustError) throw err;
    throw new TrustError('malformed', 'the signature is not a DER CMS SignedData');
  }
}

function pkijsSignerId(info: pkijs.SignerInfo): SignerId {
  const sid: unknown = info.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return { issuer: Buffer.from(sid.issuer.toSchema().toBER(false)), serial: Buffer.from(sid.serialNumber.valueBlock.valueHexView) };
  }
  if (sid instanceof asn1js.Primitive) return { ski: Buffer.from(sid.valueBlock.valueHexView) };
  if (sid instanceof asn1js.Constructed) {
    const inner = sid.valueBlock.value[0];
    if (inner instanceof asn1js.OctetString) return { ski: Buffer.from(inner.valueBlock.valueHexView) };
  }
  throw new TrustError('malformed', 'the signer identifier cannot be read');
}

function pkijsSigningTime(info: pkijs.SignerInfo): Date | null {
  const attr = info.signedAttrs?.attributes.find((a) => a.type === OID.signingTime);
  const v: unknown = attr?.values[0];
  if (v instanceof asn1js.UTCTime || v instanceof asn1js.GeneralizedTime) return v.toDate();
  if (attr) throw new TrustError('malformed', 'the signing-time attribute is not a time');
  return null;
}

function classifyPkijsFailure(err: unknown): TrustError {
  if (err instanceof pkijs.SignedDataVerifyError) {
    // 15 covers the message-digest mismatch (another body) and errors inside the signature check
    if (err.code === 15 || err.code === 14) return new TrustError('invalid', 'the signature does not match the data');
    if (err.code === 7) return new TrustError('unsupported', 'the signature uses an unsupported digest algorithm');
    return new TrustError('malformed', `the signature cannot be checked (${err.message})`);
  }
  return new TrustError('invalid', 'the signature does not match the data');
}
