import { createHash } from 'node:crypto';
import { integrityFailure, type Outcome } from '../../src/connector/outcome.js';
import type { Headers, SignRequest } from '../../src/iso20022/transport/types.js';
import type { TrustedCertificate } from '../../src/trust/certificate.js';
import type { Credential } from '../../src/trust/keys.js';
import { signDetached } from '../../src/trust/sign.js';
import { SignatureVerifier } from '../../src/trust/verify.js';

/**
 * Signed bank evidence for demo-sepa: Railyard signs what it sends (detached CMS over the exact
 * body, in a header), and the bank's replies must carry the bank's signature over theirs. A reply
 * whose signature is missing or does not verify can never complete a payment: an approval becomes
 * `ok` with `integrity: 'failed'` (manual review), anything else becomes `unknown`.
 */
export const REQUEST_SIGNATURE_HEADER = 'x-railyard-signature';
export const REPLY_SIGNATURE_HEADER = 'x-bank-signature';

export function requestSigner(signer: Credential): SignRequest {
  return async (body: Uint8Array, headers: Headers): Promise<Headers> => ({
    ...headers,
    [REQUEST_SIGNATURE_HEADER]: Buffer.from(await signDetached(body, signer)).toString('base64'),
  });
}

export type ReplyCheck = { ok: true; evidence: Record<string, string> } | { ok: false; reason: string };

export class ReplyVerifier {
  private readonly verifier: SignatureVerifier;

  constructor(bankCertificates: readonly TrustedCertificate[]) {
    this.verifier = new SignatureVerifier(bankCertificates);
  }

  async check(body: string, headers: Headers): Promise<ReplyCheck> {
    const sig = headers[REPLY_SIGNATURE_HEADER];
    if (!sig) return { ok: false, reason: 'the bank reply carries no signature' };
    const bytes = Buffer.from(body, 'utf8');
    try {
      const v = await this.verifier.verify(Buffer.from(sig, 'base64'), bytes);
      // Kept in the timeline and passed to the merchant: who signed, when, over which bytes.
      return {
        ok: true,
        evidence: {
          bank_signer: v.certificate.subject,
          ...(v.signingTime ? { bank_signed_at: v.signingTime.toISOString() } : {}),
          body_sha256: createHash('sha256').update(bytes).digest('hex'),
          bank_signature: sig,
        },
      };
    } catch {
      return { ok: false, reason: 'the bank reply signature does not verify' };
    }
  }
}

/** What a checked reply may still mean. */
export function withEvidence(outcome: Outcome, check: ReplyCheck): Outcome {
  if (check.ok) {
    // a signed refusal is evidence as much as a signed acceptance: both go to the merchant
    return outcome.kind === 'ok' || outcome.kind === 'declined' ? { ...outcome, integrity: 'verified', evidence: { ...outcome.evidence, ...check.evidence } } : outcome;
  }
  // Whatever it says (an acceptance, a rejection, "never received"), an unverified reply is not the
  // bank's answer: unknown, marked so the engine inquires again and ends in review, not as a plain unknown.
  return integrityFailure(check.reason);
}
