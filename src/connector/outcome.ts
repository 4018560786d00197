/**
 * The one normalised outcome every connector flow returns, whatever the rail.
 * `unknown` means the request may have reached the bank and we cannot tell what it did:
 * it is never read as failure. `not_sent` is proof the bank never saw the request.
 */
export type Outcome = OkOutcome | DeclinedOutcome | PendingOutcome | UnknownOutcome | NotSentOutcome;

export interface OkOutcome {
  kind: 'ok';
  /** The bank's own reference (RRN, AcctSvcrRef, ...). */
  bankReference?: string;
  /** What the bank says it did; compared with the payment, a mismatch goes to manual review. */
  confirmed?: { amount?: number; currency?: string; reference?: string };
  /** Result of checking the reply's MAC or signature; `failed` can never complete a payment. */
  integrity?: 'verified' | 'failed' | 'not_applicable';
  /** Account-holder name check of a verification (acmt.024 style). */
  nameMatch?: 'match' | 'close_match' | 'no_match' | 'not_possible';
  suggestedName?: string;
  /** Opaque, already-masked evidence kept in the timeline (signed reply, MAC result). */
  evidence?: Record<string, string>;
  /**
   * Only on a reversal: accepted because the bank has no record of the original (ISO 8583 DE39
   * 25), i.e. the original never arrived and moved nothing. A rail without an inquiry learns it
   * here, and the engine may send the original again under its reference.
   */
  originalNeverReceived?: true;
}

export interface DeclinedOutcome {
  kind: 'declined';
  /** The bank's code (DE39 value, ISO 20022 reason code, ...). */
  code: string;
  reason: string;
  /** As on `ok`: a refusal the bank signed is evidence too, and goes with `payment.failed`. */
  integrity?: 'verified' | 'failed' | 'not_applicable';
  evidence?: Record<string, string>;
}

export interface PendingOutcome {
  kind: 'pending';
  bankReference?: string;
}

export interface UnknownOutcome {
  kind: 'unknown';
  /** True when asking again (inquiry, or the same request where it is idempotent) may resolve it. */
  retryable: boolean;
  reason?: string;
  /**
   * `failed`: a reply came but failed its MAC or signature check, so it is not the bank's answer
   * (anyone on the path could have written it). The engine inquires or reverses, and a payment or
   * refund it cannot settle goes to review as `integrity_failed`.
   */
  integrity?: 'failed';
  /** Masked evidence of the rejected reply (its code, the check's result), kept in the timeline. */
  evidence?: Record<string, string>;
}

export interface NotSentOutcome {
  kind: 'not_sent';
  reason: string;
  /**
   * Only in an inquiry's answer: the bank has no record of the ORIGINAL request (ISO 8583 DE39 25,
   * ISO 20022 RJCT NOOR, a batch item that never reached the queue), i.e. proof the original moved
   * nothing, so it may be sent again under its own reference. Without the flag, a `not_sent`
   * inquiry is only an inquiry that did not leave, which says nothing about the original.
   */
  neverReceived?: true;
}

export const ok = (extra: Omit<OkOutcome, 'kind'> = {}): OkOutcome => ({ kind: 'ok', ...extra });
export const declined = (code: string, reason: string): DeclinedOutcome => ({ kind: 'declined', code, reason });
export const pending = (bankReference?: string): PendingOutcome =>
  bankReference === undefined ? { kind: 'pending' } : { kind: 'pending', bankReference };
export const unknown = (retryable: boolean, reason?: string): UnknownOutcome =>
  reason === undefined ? { kind: 'unknown', retryable } : { kind: 'unknown', retryable, reason };
/** A reply that failed its MAC or signature check: the outcome stays unknown (see `UnknownOutcome.integrity`). */
export const integrityFailure = (reason: string, evidence?: Record<string, string>): UnknownOutcome =>
  evidence === undefined
    ? { kind: 'unknown', retryable: true, reason, integrity: 'failed' }
    : { kind: 'unknown', retryable: true, reason, integrity: 'failed', evidence };
export const notSent = (reason: string): NotSentOutcome => ({ kind: 'not_sent', reason });
/** An inquiry's answer that the bank never received the original request (see `NotSentOutcome.neverReceived`). */
export const neverReceived = (reason: string): NotSentOutcome => ({ kind: 'not_sent', reason, neverReceived: true });

const KINDS = new Set(['ok', 'declined', 'pending', 'unknown', 'not_sent']);

/** True when the reply behind `o` failed its MAC or signature check, whatever kind it claims. */
export function failedIntegrity(o: Outcome): boolean {
  return (o as { integrity?: unknown }).integrity === 'failed';
}

/**
 * A connector that returns something else has a bug; the engine treats it as unknown, never as success.
 * This is also the one place where a reply that failed its integrity check stops being an answer:
 * whatever kind the connector gave it (an approval, a decline, a reversal's "never received"), it
 * reaches the engine as unknown with `integrity: 'failed'`, for every connector present and future.
 */
export function normaliseOutcome(value: unknown): Outcome {
  if (typeof value === 'object' && value !== null && KINDS.has((value as { kind?: string }).kind ?? '')) {
    const o = value as Outcome;
    if (failedIntegrity(o)) {
      if (o.kind === 'unknown' && o.retryable) return o;
      const evidence = (o as { evidence?: unknown }).evidence;
      return integrityFailure(
        `the ${o.kind === 'ok' ? 'approval' : o.kind === 'declined' ? 'decline' : 'reply'} failed its integrity check (MAC or signature): not the bank's answer`,
        isEvidence(evidence) ? evidence : undefined,
      );
    }
    if (o.kind === 'declined' && (typeof o.code !== 'string' || typeof o.reason !== 'string')) {
      return unknown(true, 'connector returned a malformed decline');
    }
    return o;
  }
  return unknown(true, 'connector returned a malformed outcome');
}

const isEvidence = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'string');
