import type { TrustedCertificate } from './certificate.js';
import { TrustError } from './errors.js';
import { SignatureVerifier } from './verify.js';

export type OrderSignaturePolicy = 'required' | 'optional' | 'off';

export type OrderSignatureFailure =
  | 'order_signature_missing'
  | 'order_signature_malformed'
  | 'order_signature_untrusted'
  | 'order_signature_expired'
  | 'order_signature_invalid';

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

export interface MerchantOrderSignature {
  policy: OrderSignaturePolicy;
  /** The merchant's registered certificates, or the CA(s) that issue them. */
  certificates: readonly TrustedCertificate[];
}

const MAX_SIGNATURE_BYTES = 64 * 1024;

/**
 * Per-merchant order-signature policy: `required` refuses unsigned orders, `optional` checks a
 * signature when one is sent, `off` ignores the header. A signature that is sent is always
 * checked in full: a bad signature is never silently dropped, even when it was optional.
 */
export class OrderSignatures {
  private readonly byMerchant = new Map<string, { policy: OrderSignaturePolicy; verifier: SignatureVerifier | null }>();

  constructor(merchants: ReadonlyMap<string, MerchantOrderSignature>, opts: { now?: () => Date } = {}) {
    for (const [id, m] of merchants) {
      if (m.policy !== 'off' && m.certificates.length === 0) throw new TrustError('untrusted', `merchant "${id}": order signatures need at least one certificate`);
      this.byMerchant.set(id, {
        policy: m.policy,
        verifier: m.policy === 'off' ? null : new SignatureVerifier(m.certificates, { requireSigningTime: false, ...(opts.now ? { now: opts.now } : {}) }),
      });
    }
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
    if (!m?.verifier) return null;
    const value = header?.trim();
    if (!value) {
      if (m.policy === 'required') throw new OrderSignatureError('order_signature_missing', 'this merchant must sign its orders: send Railyard-Order-Signature');
      return null;
    }
    const der = decodeBase64(value);
    try {
      const v = await m.verifier.verify(der, body);
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
