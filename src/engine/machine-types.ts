import type { FlowName } from '../connector/types.js';
import type { Outcome } from '../connector/outcome.js';

/**
 * What the pure machines ask the world to do. The runner turns these actions into outbox rows
 * and timer rows inside the same store transaction as the new snapshot.
 */
export type CommandSpec =
  | {
      kind: 'bank';
      flow: Exclude<FlowName, 'inbound'>;
      original?: { flow: FlowName; reference: string };
      /** Sent again after no usable answer, with the same meaning (ISO 8583 repeats: 0401, 0421). */
      repeat?: boolean;
      /**
       * Send under this reference instead of a fresh one: a resend of a request the bank said it
       * never received keeps the original's reference, so should the original still arrive the
       * bank sees one request twice, never two requests.
       */
      reference?: string;
    }
  | { kind: 'notify'; notification: 'otp' | 'result'; status?: string };

export interface TimerSpec {
  name: TimerName;
  at: number;
}

export type TimerName = 'retry' | 'otp_expiry' | 'poll';

/** Every event carries the time it is applied at, so machines never read a clock. */
export interface Base {
  at: number;
}

/** A bank flow's answer. `reference` is the reference of the command that produced it. */
export interface ResultEvent extends Base {
  type: 'RESULT';
  flow: Exclude<FlowName, 'inbound'>;
  /** For inquiries: which flow was asked about. */
  about?: FlowName;
  reference: string;
  outcome: Outcome;
  late?: boolean;
}

export type EngineEvent =
  | (Base & { type: 'START' })
  | ResultEvent
  | (Base & { type: 'TIMER'; name: TimerName })
  | (Base & { type: 'OTP.VALID' })
  | (Base & { type: 'OTP.INVALID' })
  | (Base & { type: 'OTP.RESEND' })
  | (Base & { type: 'CANCEL' });

export interface RetryPolicy {
  /** Re-sends after `not_sent`, and inquiries after `unknown`, before giving up. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface PaymentPolicy {
  otpTtlMs: number;
  otpMaxAttempts: number;
  otpMaxSends: number;
  retry: RetryPolicy;
  /** How often an async transfer is inquired while pending, and for how long. */
  pollIntervalMs: number;
  pendingMaxMs: number;
  /**
   * A reversal repeated for longer than this (besides the retry count) goes to manual review:
   * store-and-forward gives up by count or by age, whichever comes first.
   */
  reversalMaxAgeMs?: number;
  /** How many times a reversal is sent (the first and its repeats) before review; absent: `retry.maxAttempts`. */
  reversalMaxAttempts?: number;
  /** How many times a reversal the bank declined is repeated before review; absent: 0 (review at once). */
  reversalDeclinedRepeats?: number;
  /**
   * How many times a request the bank proved it never received (an inquiry answered "never
   * received") is sent again under its reference before the payment ends without it. Absent: 2.
   */
  maxResends?: number;
}

/** Resends of a request the bank never received, when the policy does not say. */
export const DEFAULT_MAX_RESENDS = 2;

export const defaultPaymentPolicy: PaymentPolicy = {
  otpTtlMs: 5 * 60_000,
  otpMaxAttempts: 3,
  otpMaxSends: 3,
  retry: { maxAttempts: 5, baseDelayMs: 2_000, maxDelayMs: 60_000 },
  pollIntervalMs: 30_000,
  pendingMaxMs: 3 * 24 * 3_600_000,
  reversalMaxAgeMs: 24 * 3_600_000,
};

/** Capped exponential backoff; pure so that the machine stays deterministic. */
export function backoff(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * The kind the machines act on. A reply that failed its MAC or signature check is never the
 * bank's answer: whatever kind it claims, it counts as `unknown` (normalisation already makes it
 * so; the machines hold to it too, for events stored before that or fed from elsewhere).
 */
export function effectiveKind(o: Outcome): Outcome['kind'] {
  return (o as { integrity?: unknown }).integrity === 'failed' ? 'unknown' : o.kind;
}

/** The event is a bank reply that failed its integrity check. */
export const replyFailedIntegrity = (event: EngineEvent): boolean =>
  event.type === 'RESULT' && (event.outcome as { integrity?: unknown }).integrity === 'failed';

/** Failure code of a payment or refund in review because replies kept failing their integrity check. */
export const INTEGRITY_FAILED = { code: 'integrity_failed', reason: 'the bank replies failed their integrity check (MAC or signature) and no trusted answer settled the outcome' } as const;
