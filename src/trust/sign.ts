import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { TrustedCertificate } from './certificate.js';
import { cryptoEngine, subtle, toArrayBuffer, type CryptoKey } from './engine.js';
import { TrustError } from './errors.js';
import type { Credential, HashName, SignatureScheme } from './keys.js';
import { OID } from './oids.js';

export interface SignOptions {
  /** Digest and signature hash (default SHA-256, as `openssl cms -md sha256`). */
  hash?: HashName;
  /** RSA keys only: PKCS#1 v1.5 (default) or PSS. RSA-PSS-only keys always sign with PSS. */
  scheme?: SignatureScheme;
  /** The signing-time attribute (default now). */
  signingTime?: Date;
  /** Intermediate certificates to embed beside the signer's, so a verifier can build the chain. */
  chain?: readonly TrustedCertificate[];
}

/**
 * Detached CMS SignedData over `data`, with signed attributes (content type, message digest,
 * signing time) and the signer's certificate embedded: what `openssl cms -sign -binary` makes.
 * Returns the DER of the ContentInfo.
 */
export function signDetached(data: Uint8Array, signer: Credential, opts: SignOptions = {}): Promise<Uint8Array> {
  return signCms(data, signer, opts, false);
}

/**
 * Enveloped (attached) CMS SignedData: the same signature as `signDetached`, with `data` carried
 * inside as the encapsulated content, what `openssl cms -sign -nodetach -binary` makes. For banks
 * that take one `.p7m` blob instead of a file and its `.p7s`. Returns the DER of the ContentInfo.
 */
export function signEnveloped(data: Uint8Array, signer: Credential, opts: SignOptions = {}): Promise<Uint8Array> {
  return signCms(data, signer, opts, true);
}

async function signCms(data: Uint8Array, signer: Credential, opts: SignOptions, envelop: boolean): Promise<Uint8Array> {
  cryptoEngine();
  const hash = opts.hash ?? 'SHA-256';
  const key = await signingKey(signer, hash, opts.scheme);
  const digest = await subtle.digest(hash, data);
  const cert = signer.certificate.pkijs;
  const encap = new pkijs.EncapsulatedContentInfo({ eContentType: OID.data });
  // Set after construction on purpose: pkijs's constructor rewrites a given eContent into a
  // constructed (chunked) OCTET STRING, which is BER only; a primitive one keeps the output DER.
  if (envelop) encap.eContent = new asn1js.OctetString({ valueHex: toArrayBuffer(data) });
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: encap,
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
            new pkijs.Attribute({ type: OID.signingTime, values: [timeValue(opts.signingTime ?? new Date())] }),
            new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
          ],
        }),
      }),
    ],
    certificates: [cert, ...(opts.chain ?? []).map((c) => c.pkijs)],
  });
  try {
    // with signed attributes pkijs signs those; the data argument only matters when detached
    await signedData.sign(key as unknown as Parameters<pkijs.SignedData['sign']>[0], 0, hash, envelop ? undefined : toArrayBuffer(data));
  } catch (err) {
    throw new TrustError('unsupported', `cannot sign with ${signer.certificate.label}: ${err instanceof Error ? err.message : 'unknown error'}`);
  }
  const ci = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(ci.toSchema().toBER(false));
}

function signingKey(signer: Credential, hash: HashName, scheme: SignatureScheme | undefined): Promise<CryptoKey> {
  if (signer.kind === 'ec') return signer.cryptoKey({ name: 'ECDSA', namedCurve: signer.curve ?? 'P-256' }, 'sign');
  const pss = scheme === 'pss' || signer.kind === 'rsa-pss';
  return signer.cryptoKey({ name: pss ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5', hash }, 'sign');
}

/** RFC 5652 11.3: UTCTime for 1950-2049, GeneralizedTime otherwise. */
function timeValue(at: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  const year = at.getUTCFullYear();
  const whole = new Date(Math.floor(at.getTime() / 1000) * 1000);
  return year >= 1950 && year < 2050 ? new asn1js.UTCTime({ valueDate: whole }) : new asn1js.GeneralizedTime({ valueDate: whole });
}
