import { createHash } from 'node:crypto';
import type { TrustedCertificate } from './certificate.js';
import { TrustError } from './errors.js';
import { SignatureVerifier } from './verify.js';

export type OrderSignaturePolicy = 'required' | 'optional' | 'off';

export type OrderSignatureFailure =
  | 'order_signature_missing'
  | 'order_signature_malformed'
  | 'order_signature_untrusted'
  | 'order_signature_expired'
  | 'order_signature_invalid'
  /** A signature was sent for a merchant that has no signing certificate: it cannot be checked, so it is refused. */
  | 'order_signature_unexpected';

/** Why an order's signature was refused; `code` is the API problem code. */
export class OrderSignatureError extends Error {
  override readonly name = 'OrderSignatureError';
  constructor(
    readonly code: OrderSignatureFailure,
    message: string,
  ) {
    super(message);
  }
}

/** What the payment's timeline keeps about a verified order signature. */
export interface OrderSignatureNote {
  type: 'ORDER_SIGNATURE';
  signer: { subject: string; serial: string; issuer: string; certificate_sha256: string };
  /** ISO 8601, from the signed signing-time attribute; null when the signer sent none. */
  signing_time: string | null;
}

/** One certificate allowed to sign for a merchant; exactly one field is set. */
export interface SignerPin {
  /** The subject as Railyard prints it (`O=Shop, CN=orders.shop.example`). */
  subject?: string;
  /** SHA-256 of the certificate's DER, hex. */
  certificate_sha256?: string;
  /** SHA-256 of the certificate's SubjectPublicKeyInfo DER, hex: survives a renewal with the same key. */
  public_key_sha256?: string;
}

export interface MerchantOrderSignature {
  policy: OrderSignaturePolicy;
  /** The merchant's registered certificates, or the CA(s) that issue them. */
  certificates: readonly TrustedCertificate[];
  /**
   * Which signers speak for this merchant. Required when `certificates` holds a CA: a CA issues
   * certificates to others too, and any of them would otherwise sign for this merchant. Absent:
   * the signer must be one of `certificates` itself.
   */
  signers?: readonly SignerPin[];
}

export const spkiSha256 = (c: TrustedCertificate): string => createHash('sha256').update(c.publicKey.export({ format: 'der', type: 'spki' })).digest('hex');

/** True when `c` matches one of the pins. */
export function matchesPin(c: TrustedCertificate, pins: readonly SignerPin[]): boolean {
  return pins.some(
    (p) =>
      (p.subject !== undefined && p.subject === c.subject) ||
      (p.certificate_sha256 !== undefined && p.certificate_sha256.toLowerCase() === c.fingerprint) ||
      (p.public_key_sha256 !== undefined && p.public_key_sha256.toLowerCase() === spkiSha256(c)),
  );
}

const MAX_SIGNATURE_BYTES = 64 * 1024;

/**
 * Per-merchant order-signature policy: `required` refuses unsigned orders, `optional` checks a
 * signature when one is sent, `off` ignores the header. A signature that is sent is always
 * checked in full: a bad signature is never silently dropped, even when it was optional.
 */
export class OrderSignatures {
  private readonly byMerchant = new Map<string, { policy: OrderSignaturePolicy; verifier: SignatureVerifier | null; signers: readonly SignerPin[] | null; anchors: ReadonlySet<string> }>();

  constructor(merchants: ReadonlyMap<string, MerchantOrderSignature>, opts: { now?: () => Date } = {}) {
    for (const [id, m] of merchants) {
      if (m.policy !== 'off' && m.certificates.length === 0) throw new TrustError('untrusted', `merchant "${id}": order signatures need at least one certificate`);
      const ca = m.certificates.find((c) => c.x509.ca);
      if (m.policy !== 'off' && ca && !m.signers?.length) {
        throw new TrustError('untrusted', `merchant "${id}": certificate ${ca.label} is a CA; name the signers that speak for this merchant (subject, certificate or public key)`);
      }
      this.byMerchant.set(id, {
        policy: m.policy,
        verifier: m.policy === 'off' ? null : new SignatureVerifier(m.certificates, { requireSigningTime: false, ...(opts.now ? { now: opts.now } : {}) }),
        signers: m.signers?.length ? m.signers : null,
        anchors: new Set(m.certificates.map((c) => c.fingerprint)),
      });
    }
  }

  /** No merchant signs: every presented signature is refused as unexpected. */
  static none(): OrderSignatures {
    return new OrderSignatures(new Map());
  }

  policyOf(merchantId: string): OrderSignaturePolicy {
    return this.byMerchant.get(merchantId)?.policy ?? 'off';
  }

  /**
   * Checks the `Railyard-Order-Signature` header value against the exact request body bytes.
   * Returns the timeline note, or null when there is nothing to record (policy off, or optional
   * and absent).
   */
  async check(merchantId: string, header: string | undefined, body: Uint8Array): Promise<OrderSignatureNote | null> {
    const m = this.byMerchant.get(merchantId);
    const value = header?.trim();
    if (!m?.verifier) {
      // Silently dropping a signature would let a merchant believe its orders are protected.
      if (value) throw new OrderSignatureError('order_signature_unexpected', 'this merchant has no order-signing certificate configured, so a Railyard-Order-Signature cannot be checked; configure one or stop sending the header');
      return null;
    }
    if (!value) {
      if (m.policy === 'required') throw new OrderSignatureError('order_signature_missing', 'this merchant must sign its orders: send Railyard-Order-Signature');
      return null;
    }
    const der = decodeBase64(value);
    try {
      const v = await m.verifier.verify(der, body);
      const bound = m.signers ? matchesPin(v.certificate, m.signers) : m.anchors.has(v.certificate.fingerprint);
      if (!bound) throw new OrderSignatureError('order_signature_untrusted', `order signature: the signer ${v.certificate.label} is not registered for this merchant`);
      return {
        type: 'ORDER_SIGNATURE',
        signer: { subject: v.certificate.subject, serial: v.certificate.serial, issuer: v.certificate.issuer, certificate_sha256: v.certificate.fingerprint },
        signing_time: v.signingTime ? v.signingTime.toISOString() : null,
      };
    } catch (err) {
      if (err instanceof TrustError) throw new OrderSignatureError(FAILURE[err.code], `order signature: ${err.message}`);
      throw err;
    }
  }
}

const FAILURE: Record<TrustError['code'], OrderSignatureFailure> = {
  malformed: 'order_signature_malformed',
  unsupported: 'order_signature_malformed',
  untrusted: 'order_signature_untrusted',
  key_usage: 'order_signature_untrusted',
  key_mismatch: 'order_signature_untrusted',
  expired: 'order_signature_expired',
  invalid: 'order_signature_invalid',
  decrypt_failed: 'order_signature_invalid',
};

function decodeBase64(value: string): Uint8Array {
  if (value.length > (MAX_SIGNATURE_BYTES * 4) / 3 + 4 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) {
    throw new OrderSignatureError('order_signature_malformed', 'Railyard-Order-Signature must be base64 of a DER CMS SignedData');
  }
  return new Uint8Array(Buffer.from(value, 'base64'));
}
