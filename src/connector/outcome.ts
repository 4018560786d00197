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
export const notSent = (reason: string): NotSentOutcome => ({ kind: 'not_sent', reason });
/** An inquiry's answer that the bank never received the original request (see `NotSentOutcome.neverReceived`). */
export const neverReceived = (reason: string): NotSentOutcome => ({ kind: 'not_sent', reason, neverReceived: true });

const KINDS = new Set(['ok', 'declined', 'pending', 'unknown', 'not_sent']);

/** A connector that returns something else has a bug; the engine treats it as unknown, never as success. */
export function normaliseOutcome(value: unknown): Outcome {
  if (typeof value === 'object' && value !== null && KINDS.has((value as { kind?: string }).kind ?? '')) {
    const o = value as Outcome;
    if (o.kind === 'declined' && (typeof o.code !== 'string' || typeof o.reason !== 'string')) {
      return unknown(true, 'connector returned a malformed decline');
    }
    return o;
  }
  return unknown(true, 'connector returned a malformed outcome');
}
