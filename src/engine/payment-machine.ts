import { assign as xassign, setup, type Assigner, type PropertyAssigner } from 'xstate';
import type { FlowName } from '../connector/types.js';
import type { Outcome } from '../connector/outcome.js';
import {
  backoff,
  DEFAULT_MAX_RESENDS,
  effectiveKind,
  INTEGRITY_FAILED,
  replyFailedIntegrity,
  type CommandSpec,
  type EngineEvent,
  type PaymentPolicy,
  type ResultEvent,
  type TimerSpec,
} from './machine-types.js';

/**
 * The payment machine: pure. Driven only through xstate's `initialTransition()` / `transition()`;
 * it never invokes promises and never uses `after`, because neither survives a restart safely.
 * Bank requests and deadlines leave it as `command` and `timer` actions that the runner stores.
 */
export const PAYMENT_MACHINE_VERSION = 1;

export type PaymentState =
  | 'received'
  | 'verifying'
  | 'verification_unknown'
  | 'awaiting_confirmation'
  | 'confirming'
  | 'confirmation_unknown'
  | 'authorized'
  | 'transfer_pending'
  | 'transfer_unknown'
  | 'reversing'
  | 'completed'
  | 'declined'
  | 'failed'
  | 'expired'
  | 'canceled'
  | 'reversed'
  | 'manual_review';

export type PaymentStatus =
  | 'processing'
  | 'requires_confirmation'
  | 'authorized'
  | 'succeeded'
  | 'failed'
  | 'expired'
  | 'canceled'
  | 'reversed'
  | 'requires_review';

export const PAYMENT_STATUS: Record<PaymentState, PaymentStatus> = {
  received: 'processing',
  verifying: 'processing',
  verification_unknown: 'processing',
  awaiting_confirmation: 'requires_confirmation',
  confirming: 'processing',
  confirmation_unknown: 'processing',
  authorized: 'authorized',
  transfer_pending: 'processing',
  transfer_unknown: 'processing',
  reversing: 'processing',
  completed: 'succeeded',
  declined: 'failed',
  failed: 'failed',
  expired: 'expired',
  canceled: 'canceled',
  reversed: 'reversed',
  manual_review: 'requires_review',
};

/** States a payment never leaves on its own; late bank news may still start a reversal from some. */
export const TERMINAL_PAYMENT_STATES: readonly PaymentState[] = [
  'completed',
  'declined',
  'failed',
  'expired',
  'canceled',
  'reversed',
  'manual_review',
];

export interface PaymentSteps {
  verify: boolean;
  otp: boolean;
  /** A separate authorisation precedes the transfer. */
  authorize: boolean;
  inquiry: boolean;
}

export interface PaymentInput {
  paymentId: string;
  amount: number;
  currency: string;
  steps: PaymentSteps;
  policy: PaymentPolicy;
}

type MoneyFlow = 'authorize' | 'transfer';

export interface PaymentContext extends PaymentInput {
  refs: Partial<Record<Exclude<FlowName, 'inbound'>, string>>;
  attempts: number;
  otpAttempts: number;
  otpSends: number;
  /** An authorisation (or a transfer) stands at the bank and would need reversing. */
  moneyAuthorized: boolean;
  pendingSince: number | null;
  failure: { code: string; reason: string } | null;
  reversedRefs: string[];
  /** A reversal of a late approval, run from a terminal state. */
  lateReversal: { flow: MoneyFlow; reference: string } | null;
  suggestedName: string | null;
  /** When the current reversal started (its age bounds store-and-forward); absent in old snapshots. */
  reversingSince?: number | null;
  /** Requests sent again because the bank proved it never received them; absent in old snapshots. */
  resends?: number;
  /** Set when the next entry into a sending state resends this reference instead of a fresh one. */
  resendRef?: string | null;
  /** A reply failed its MAC or signature check on the way here; absent in old snapshots. */
  integrityFailed?: boolean;
  /** Reversals the bank declined and that were repeated (host policy); absent in old snapshots. */
  reversalDeclines?: number;
}

type Ctx = { context: PaymentContext; event: EngineEvent };

/** `assign` bound to this machine's types, so shared actions type-check in every transition. */
const assign = (
  assigner:
    | Assigner<PaymentContext, EngineEvent, undefined, EngineEvent, never>
    | PropertyAssigner<PaymentContext, EngineEvent, undefined, EngineEvent, never>,
) => xassign<PaymentContext, EngineEvent, undefined, EngineEvent, never>(assigner);

const confirmFlow = (c: PaymentContext): MoneyFlow => (c.steps.authorize ? 'authorize' : 'transfer');

/** A RESULT about `flow`: its own reply, or an inquiry's answer about it. */
function about(event: EngineEvent, flow: FlowName): event is ResultEvent {
  return event.type === 'RESULT' && (event.flow === flow || (event.flow === 'inquire' && event.about === flow));
}

const outcomeIs =
  (flow: FlowName | ((c: PaymentContext) => FlowName), ...kinds: Outcome['kind'][]) =>
  ({ context, event }: Ctx): boolean =>
    about(event, typeof flow === 'function' ? flow(context) : flow) &&
    kinds.includes(effectiveKind((event as ResultEvent).outcome));

/**
 * An authenticated approval of other terms than ours (amount, currency). An approval that failed
 * its integrity check is not an approval at all: `effectiveKind` makes it unknown, so it is
 * inquired or reversed like any unknown outcome.
 */
function untrusted(context: PaymentContext, event: EngineEvent): boolean {
  if (event.type !== 'RESULT' || event.outcome.kind !== 'ok' || effectiveKind(event.outcome) !== 'ok') return false;
  const c = event.outcome.confirmed;
  return !!c && ((c.amount !== undefined && c.amount !== context.amount) || (c.currency !== undefined && c.currency !== context.currency));
}

const canRetry = ({ context }: Ctx): boolean => context.attempts + 1 < context.policy.retry.maxAttempts;

/** Remembers that a reply failed its integrity check, so a review it ends in says why. */
const noteIntegrity = assign({ integrityFailed: ({ context, event }: Ctx) => context.integrityFailed === true || replyFailedIntegrity(event) });

const integrityInvolved = ({ context, event }: Ctx): boolean => context.integrityFailed === true || replyFailedIntegrity(event);

/** Review with `code`, unless untrusted replies are why nothing settled it: then `integrity_failed`. */
const reviewFailure = (code: string, reason: string) =>
  assign({ failure: (a: Ctx) => (integrityInvolved(a) ? { ...INTEGRITY_FAILED } : { code, reason }) });

/**
 * Once a reply failed its integrity check, the payment never ends as succeeded, declined or
 * failed: a trusted answer (an inquiry's, a reversal's) settles where the money stands, and the
 * payment then goes to review, since a host or path that forges or garbles replies is an incident
 * an operator must see. Only unknown and pending answers keep it waiting (inquiring, reversing).
 */
const settledAfterIntegrityFailure =
  (flow: FlowName | ((c: PaymentContext) => FlowName)) =>
  ({ context, event }: Ctx): boolean =>
    context.integrityFailed === true &&
    about(event, typeof flow === 'function' ? flow(context) : flow) &&
    event.type === 'RESULT' &&
    !['unknown', 'pending'].includes(effectiveKind(event.outcome));


/** Reversals are repeated by count (the host's, else the retry policy's) as well as by age. */
const reversalCanRepeat = ({ context }: Ctx): boolean =>
  context.attempts + 1 < (context.policy.reversalMaxAttempts ?? context.policy.retry.maxAttempts);

/** A declined reversal is repeated this many times (host policy) before review. */
const declinedReversalRepeatsLeft = ({ context }: Ctx): boolean => (context.reversalDeclines ?? 0) < (context.policy.reversalDeclinedRepeats ?? 0);

const countDecline = assign({ reversalDeclines: ({ context }: Ctx) => (context.reversalDeclines ?? 0) + 1 });

/** Store-and-forward also gives up by age: a reversal repeated past the policy's limit. */
const reversalTooOld = (context: PaymentContext, event: EngineEvent): boolean => {
  const max = context.policy.reversalMaxAgeMs;
  const since = context.reversingSince;
  return max !== undefined && since !== undefined && since !== null && event.at - since >= max;
};

const rememberRef = assign({
  refs: ({ context, event }: Ctx) =>
    event.type === 'RESULT' && event.flow !== 'inquire' ? { ...context.refs, [event.flow]: event.reference } : context.refs,
});

const recordFailure = assign({
  failure: ({ event }: Ctx) =>
    event.type === 'RESULT' && event.outcome.kind === 'declined'
      ? { code: event.outcome.code, reason: event.outcome.reason }
      : { code: 'bank_error', reason: 'the bank did not complete the request' },
});

const failWith = (code: string, reason: string) => assign({ failure: () => ({ code, reason }) });

/** Where a payment goes when `settledAfterIntegrityFailure` holds. */
const reviewIntegrity = { target: 'manual_review' as const, actions: [rememberRef, failWith(INTEGRITY_FAILED.code, INTEGRITY_FAILED.reason)] };

const scheduleRetry = [
  noteIntegrity,
  assign({ attempts: ({ context }: Ctx) => context.attempts + 1 }),
  {
    type: 'timer' as const,
    params: ({ context, event }: Ctx): TimerSpec => ({
      name: 'retry',
      at: event.at + backoff(context.policy.retry, context.attempts),
    }),
  },
];

const resetAttempts = assign({ attempts: () => 0 });

type SentFlow = Exclude<FlowName, 'inbound' | 'inquire' | 'reverse'>;

/**
 * The bank's answer to an inquiry about `flow`: it never received the original. That is proof
 * the original moved nothing, and, unlike a timeout, it makes sending it again safe.
 */
const bankNeverReceived =
  (flow: (c: PaymentContext) => FlowName) =>
  ({ context, event }: Ctx): boolean =>
    event.type === 'RESULT' &&
    event.flow === 'inquire' &&
    event.about === flow(context) &&
    event.outcome.kind === 'not_sent' &&
    event.outcome.neverReceived === true;

/** Resends are bounded: a bank that keeps losing the request ends the payment with a stated reason. */
const resendsLeft = ({ context }: Ctx): boolean => (context.resends ?? 0) < (context.policy.maxResends ?? DEFAULT_MAX_RESENDS);

/**
 * Sends `flow` again under the reference of the request the bank never received (a repeat, so
 * rails that have repeat messages say so), with a fresh inquiry budget for its answer. A
 * completion still names its authorisation.
 */
const resendOriginal = (flow: (c: PaymentContext) => SentFlow) => [
  assign({ resends: ({ context }: Ctx) => (context.resends ?? 0) + 1, attempts: () => 0 }),
  {
    type: 'command' as const,
    params: ({ context }: Ctx): CommandSpec => {
      const f = flow(context);
      const reference = context.refs[f];
      const spec: CommandSpec = { kind: 'bank', flow: f, repeat: true, ...(reference !== undefined ? { reference } : {}) };
      if (f === 'transfer' && context.refs.authorize !== undefined) spec.original = { flow: 'authorize', reference: context.refs.authorize };
      return spec;
    },
  },
];

/**
 * Proof `flow` moved nothing: its own `not_sent`, or an inquiry saying the bank never received
 * it. A `not_sent` inquiry without that word is only an inquiry that did not leave: no proof.
 */
const provenNotSent =
  (flow: FlowName) =>
  ({ event }: Ctx): boolean =>
    about(event, flow) && event.type === 'RESULT' && event.outcome.kind === 'not_sent' && (event.flow === flow || event.outcome.neverReceived === true);

/** A reversal the bank accepted because it never received the original (nothing to reverse). */
const reversalFoundNothing = ({ event }: Ctx): boolean =>
  event.type === 'RESULT' && event.flow === 'reverse' && effectiveKind(event.outcome) === 'ok' && event.outcome.kind === 'ok' && event.outcome.originalNeverReceived === true;

/** The reversal was the only way to learn the outcome (no decline, no late approval behind it). */
const reversedOnlyForUnknown = ({ context }: Ctx): boolean => context.failure === null && context.lateReversal === null;

const resendAfterReversal = assign({
  resends: ({ context }: Ctx) => (context.resends ?? 0) + 1,
  resendRef: ({ context }: Ctx) => latestMoneyRef(context).reference,
  reversingSince: () => null,
});

/**
 * The completion is forgotten (the bank never had it; its command keeps the reference), so the
 * reversal and its retries now name the authorisation.
 */
const releaseAuthorization = [
  assign({
    refs: ({ context }: Ctx) => {
      const { transfer: _never, ...rest } = context.refs;
      return rest;
    },
    attempts: () => 0,
  }),
  {
    type: 'command' as const,
    params: ({ context }: Ctx): CommandSpec => ({ kind: 'bank', flow: 'reverse', original: { flow: 'authorize', reference: context.refs.authorize ?? '' } }),
  },
];

const neverReceivedFailure = (what: string) =>
  failWith('bank_never_received', `the bank never received the ${what}, sent again as many times as allowed`);

const bank = (flow: Exclude<FlowName, 'inbound' | 'inquire' | 'reverse'>) => ({
  type: 'command' as const,
  params: (): CommandSpec => ({ kind: 'bank', flow }),
});

const inquireAbout = (flow: (c: PaymentContext) => Exclude<FlowName, 'inbound'>) => ({
  type: 'command' as const,
  params: ({ context }: Ctx): CommandSpec => {
    const f = flow(context);
    return { kind: 'bank', flow: 'inquire', original: { flow: f, reference: context.refs[f] ?? '' } };
  },
});

/** A resend keeps the lost request's reference and says it is a repeat; otherwise a fresh reference. */
const resendPart = (c: PaymentContext): Partial<Extract<CommandSpec, { kind: 'bank' }>> =>
  c.resendRef ? { reference: c.resendRef, repeat: true } : {};

/** The transfer that completes an authorisation names it, so the bank can match the two. */
const completion = {
  type: 'command' as const,
  params: ({ context }: Ctx): CommandSpec =>
    context.refs.authorize !== undefined
      ? { kind: 'bank', flow: 'transfer', original: { flow: 'authorize', reference: context.refs.authorize }, ...resendPart(context) }
      : { kind: 'bank', flow: 'transfer', ...resendPart(context) },
};

/** The confirming request (authorisation or transfer), or its resend. */
const sendConfirm = {
  type: 'command' as const,
  params: ({ context }: Ctx): CommandSpec => ({ kind: 'bank', flow: confirmFlow(context), ...resendPart(context) }),
};

const resendConsumed = assign({ resendRef: () => null });

const notifyResult = (status: string) => ({
  type: 'command' as const,
  params: (): CommandSpec => ({ kind: 'notify', notification: 'result', status }),
});

const latestMoneyRef = (c: PaymentContext): { flow: MoneyFlow; reference: string } =>
  c.refs.transfer !== undefined
    ? { flow: 'transfer', reference: c.refs.transfer }
    : { flow: 'authorize', reference: c.refs.authorize ?? '' };

/** A late approval of money we already gave up on: reverse it unless it was reversed already. */
const lateApproval = ({ context, event }: Ctx): boolean => {
  if (event.type !== 'RESULT' || effectiveKind(event.outcome) !== 'ok') return false;
  const flow = event.flow === 'inquire' ? event.about : event.flow;
  if (flow !== 'authorize' && flow !== 'transfer') return false;
  const ref = event.flow === 'inquire' ? context.refs[flow] : event.reference;
  return ref !== undefined && !context.reversedRefs.includes(ref) && context.lateReversal === null;
};

/**
 * A repeated reversal is the same message under the same reference (so the same STAN and
 * matching data on ISO 8583), marked as a repeat: the host matches it to the first and acts once.
 */
const repeatOf = (c: PaymentContext): { reference?: string } => (c.refs.reverse !== undefined ? { reference: c.refs.reverse } : {});

const lateReversalHandlers = {
  RESULT: [
    {
      guard: lateApproval,
      actions: [
        assign({
          lateReversal: ({ context, event }: Ctx) => {
            const e = event as ResultEvent;
            const flow = (e.flow === 'inquire' ? e.about : e.flow) as MoneyFlow;
            return { flow, reference: e.flow === 'inquire' ? (context.refs[flow] ?? '') : e.reference };
          },
          attempts: () => 0,
          reversalDeclines: () => 0,
          // the late reversal's own age: store-and-forward gives up by age here too
          reversingSince: ({ event }: Ctx) => event.at,
        }),
        {
          type: 'command' as const,
          params: ({ context }: Ctx): CommandSpec => ({
            kind: 'bank',
            flow: 'reverse',
            original: context.lateReversal ?? latestMoneyRef(context),
          }),
        },
      ],
    },
    {
      guard: ({ context, event }: Ctx) =>
        context.lateReversal !== null && event.type === 'RESULT' && event.flow === 'reverse' && effectiveKind(event.outcome) === 'ok',
      actions: assign({
        reversedRefs: ({ context }: Ctx) => [...context.reversedRefs, context.lateReversal?.reference ?? ''],
        lateReversal: () => null,
      }),
    },
    {
      guard: ({ context, event }: Ctx) => context.lateReversal !== null && event.type === 'RESULT' && event.flow === 'reverse' && reversalTooOld(context, event),
      target: 'manual_review',
      actions: reviewFailure('reversal_expired', 'the reversal of a late approval was repeated past its age limit'),
    },
    {
      guard: (a: Ctx) =>
        a.context.lateReversal !== null && a.event.type === 'RESULT' && a.event.flow === 'reverse' && effectiveKind(a.event.outcome) === 'declined' && declinedReversalRepeatsLeft(a),
      actions: [rememberRef, countDecline, ...scheduleRetry],
    },
    {
      guard: (a: Ctx) =>
        a.context.lateReversal !== null && a.event.type === 'RESULT' && a.event.flow === 'reverse' && effectiveKind(a.event.outcome) !== 'declined' && reversalCanRepeat(a),
      actions: [rememberRef, ...scheduleRetry],
    },
    {
      guard: ({ context, event }: Ctx) => context.lateReversal !== null && event.type === 'RESULT' && event.flow === 'reverse',
      target: 'manual_review',
      actions: reviewFailure('reversal_failed', 'a late approval could not be reversed'),
    },
  ],
  TIMER: {
    guard: ({ context, event }: Ctx) => context.lateReversal !== null && event.type === 'TIMER' && event.name === 'retry',
    actions: {
      type: 'command' as const,
      params: ({ context }: Ctx): CommandSpec => ({
        kind: 'bank',
        flow: 'reverse',
        original: context.lateReversal ?? latestMoneyRef(context),
        repeat: true,
        ...repeatOf(context),
      }),
    },
  },
};

export const paymentMachine = setup({
  types: {} as { context: PaymentContext; events: EngineEvent; input: PaymentInput },
  actions: {
    command: (_: unknown, _params: CommandSpec) => undefined,
    timer: (_: unknown, _params: TimerSpec) => undefined,
  },
}).createMachine({
  id: 'payment',
  initial: 'received',
  context: ({ input }) => ({
    ...input,
    refs: {},
    attempts: 0,
    otpAttempts: 0,
    otpSends: 0,
    moneyAuthorized: false,
    pendingSince: null,
    failure: null,
    reversedRefs: [],
    lateReversal: null,
    suggestedName: null,
    reversingSince: null,
  }),
  states: {
    received: {
      on: {
        START: [
          { guard: ({ context }) => context.steps.verify, target: 'verifying' },
          { guard: ({ context }) => context.steps.otp, target: 'awaiting_confirmation' },
          { target: 'confirming' },
        ],
        CANCEL: { target: 'canceled' },
      },
    },

    verifying: {
      entry: [resetAttempts, bank('verify')],
      on: {
        RESULT: [
          {
            guard: ({ event }) => about(event, 'verify') && effectiveKind(event.outcome) === 'ok' && event.outcome.kind === 'ok' && event.outcome.nameMatch === 'no_match',
            target: 'declined',
            actions: [rememberRef, failWith('name_mismatch', 'the account holder name does not match')],
          },
          {
            guard: ({ context, event }) => outcomeIs('verify', 'ok')({ context, event }) && context.steps.otp,
            target: 'awaiting_confirmation',
            actions: [rememberRef, assign({ suggestedName: ({ event }) => (event.type === 'RESULT' && event.outcome.kind === 'ok' ? (event.outcome.suggestedName ?? null) : null) })],
          },
          { guard: outcomeIs('verify', 'ok'), target: 'confirming', actions: rememberRef },
          { guard: outcomeIs('verify', 'declined'), target: 'declined', actions: [rememberRef, recordFailure] },
          { guard: outcomeIs('verify', 'unknown', 'pending'), target: 'verification_unknown', actions: [rememberRef, noteIntegrity] },
          { guard: ({ context, event }) => outcomeIs('verify', 'not_sent')({ context, event }) && canRetry({ context, event }), actions: scheduleRetry },
          { guard: outcomeIs('verify', 'not_sent'), target: 'failed', actions: failWith('bank_unreachable', 'the bank could not be reached') },
        ],
        TIMER: { guard: ({ event }) => event.name === 'retry', actions: bank('verify') },
        CANCEL: { target: 'canceled' },
      },
    },

    verification_unknown: {
      // Verification moves no money, so when the bank cannot be asked, asking again is safe.
      entry: [
        resetAttempts,
        {
          type: 'command',
          params: ({ context }): CommandSpec =>
            context.steps.inquiry
              ? { kind: 'bank', flow: 'inquire', original: { flow: 'verify', reference: context.refs.verify ?? '' } }
              : { kind: 'bank', flow: 'verify' },
        },
      ],
      on: {
        RESULT: [
          { guard: settledAfterIntegrityFailure('verify'), ...reviewIntegrity },
          {
            guard: ({ event }) => about(event, 'verify') && effectiveKind(event.outcome) === 'ok' && event.outcome.kind === 'ok' && event.outcome.nameMatch === 'no_match',
            target: 'declined',
            actions: failWith('name_mismatch', 'the account holder name does not match'),
          },
          { guard: ({ context, event }) => outcomeIs('verify', 'ok')({ context, event }) && context.steps.otp, target: 'awaiting_confirmation' },
          { guard: outcomeIs('verify', 'ok'), target: 'confirming' },
          { guard: outcomeIs('verify', 'declined'), target: 'declined', actions: recordFailure },
          { guard: (a) => bankNeverReceived(() => 'verify')(a) && resendsLeft(a), actions: resendOriginal(() => 'verify') },
          { guard: bankNeverReceived(() => 'verify'), target: 'failed', actions: neverReceivedFailure('verification') },
          { guard: ({ context, event }) => about(event, 'verify') && canRetry({ context, event }), actions: scheduleRetry },
          // Untrusted replies are no verdict on the account: neither a decline nor a pass, but review.
          { guard: (a) => about(a.event, 'verify') && integrityInvolved(a), target: 'manual_review', actions: failWith(INTEGRITY_FAILED.code, INTEGRITY_FAILED.reason) },
          { guard: ({ event }) => about(event, 'verify'), target: 'failed', actions: failWith('verification_unavailable', 'the bank could not verify the account') },
        ],
        TIMER: {
          guard: ({ event }) => event.name === 'retry',
          actions: {
            type: 'command',
            params: ({ context }): CommandSpec =>
              context.steps.inquiry
                ? { kind: 'bank', flow: 'inquire', original: { flow: 'verify', reference: context.refs.verify ?? '' } }
                : { kind: 'bank', flow: 'verify' },
          },
        },
        CANCEL: { target: 'canceled' },
      },
    },

    awaiting_confirmation: {
      entry: [
        assign({ otpSends: () => 1, otpAttempts: () => 0 }),
        { type: 'command', params: (): CommandSpec => ({ kind: 'notify', notification: 'otp' }) },
        { type: 'timer', params: ({ context, event }): TimerSpec => ({ name: 'otp_expiry', at: event.at + context.policy.otpTtlMs }) },
      ],
      on: {
        'OTP.VALID': { target: 'confirming' },
        'OTP.INVALID': [
          {
            guard: ({ context }) => context.otpAttempts + 1 >= context.policy.otpMaxAttempts,
            target: 'failed',
            actions: [assign({ otpAttempts: ({ context }) => context.otpAttempts + 1 }), failWith('otp_attempts_exceeded', 'too many wrong one-time codes')],
          },
          { actions: assign({ otpAttempts: ({ context }) => context.otpAttempts + 1 }) },
        ],
        'OTP.RESEND': {
          guard: ({ context }) => context.otpSends < context.policy.otpMaxSends,
          actions: [
            assign({ otpSends: ({ context }) => context.otpSends + 1 }),
            { type: 'command', params: (): CommandSpec => ({ kind: 'notify', notification: 'otp' }) },
            { type: 'timer', params: ({ context, event }): TimerSpec => ({ name: 'otp_expiry', at: event.at + context.policy.otpTtlMs }) },
          ],
        },
        TIMER: { guard: ({ event }) => event.name === 'otp_expiry', target: 'expired', actions: failWith('otp_expired', 'the one-time code expired') },
        CANCEL: { target: 'canceled' },
      },
    },

    confirming: {
      entry: [resetAttempts, sendConfirm, resendConsumed],
      on: {
        RESULT: [
          { guard: ({ context, event }) => about(event, confirmFlow(context)) && untrusted(context, event), target: 'manual_review', actions: [rememberRef, failWith('terms_mismatch', 'the bank confirmed other terms (amount or currency) than the payment')] },
          { guard: ({ context, event }) => context.steps.authorize && outcomeIs('authorize', 'ok')({ context, event }), target: 'authorized', actions: [rememberRef, assign({ moneyAuthorized: () => true })] },
          { guard: outcomeIs(confirmFlow, 'ok'), target: 'completed', actions: rememberRef },
          { guard: ({ context, event }) => !context.steps.authorize && outcomeIs('transfer', 'pending')({ context, event }), target: 'transfer_pending', actions: rememberRef },
          { guard: outcomeIs(confirmFlow, 'declined'), target: 'declined', actions: [rememberRef, recordFailure] },
          // Without an inquiry the only safe answer to "did the bank act?" is to reverse.
          { guard: ({ context, event }) => outcomeIs(confirmFlow, 'unknown', 'pending')({ context, event }) && !context.steps.inquiry, target: 'reversing', actions: [rememberRef, noteIntegrity] },
          { guard: outcomeIs(confirmFlow, 'unknown', 'pending'), target: 'confirmation_unknown', actions: [rememberRef, noteIntegrity] },
          { guard: ({ context, event }) => outcomeIs(confirmFlow, 'not_sent')({ context, event }) && canRetry({ context, event }), actions: scheduleRetry },
          { guard: outcomeIs(confirmFlow, 'not_sent'), target: 'failed', actions: failWith('bank_unreachable', 'the bank could not be reached') },
        ],
        TIMER: { guard: ({ event }) => event.name === 'retry', actions: { type: 'command', params: ({ context }): CommandSpec => ({ kind: 'bank', flow: confirmFlow(context) }) } },
      },
    },

    confirmation_unknown: {
      entry: [resetAttempts, inquireAbout(confirmFlow)],
      on: {
        RESULT: [
          // An authorisation the inquiry confirms after an untrusted reply is released first, so the
          // review that follows finds no hold standing on the customer's money.
          {
            guard: (a) => settledAfterIntegrityFailure(confirmFlow)(a) && a.context.steps.authorize && outcomeIs('authorize', 'ok')(a),
            target: 'reversing',
            actions: assign({ moneyAuthorized: () => true }),
          },
          { guard: settledAfterIntegrityFailure(confirmFlow), ...reviewIntegrity },
          { guard: ({ context, event }) => about(event, confirmFlow(context)) && untrusted(context, event), target: 'manual_review', actions: failWith('terms_mismatch', 'the bank confirmed other terms (amount or currency) than the payment') },
          { guard: ({ context, event }) => context.steps.authorize && outcomeIs('authorize', 'ok')({ context, event }), target: 'authorized', actions: assign({ moneyAuthorized: () => true }) },
          { guard: outcomeIs(confirmFlow, 'ok'), target: 'completed' },
          { guard: ({ context, event }) => !context.steps.authorize && outcomeIs('transfer', 'pending')({ context, event }), target: 'transfer_pending' },
          { guard: outcomeIs(confirmFlow, 'declined'), target: 'declined', actions: recordFailure },
          // Never received: nothing moved, so the request goes again under its reference.
          { guard: (a) => bankNeverReceived(confirmFlow)(a) && resendsLeft(a), actions: resendOriginal(confirmFlow) },
          { guard: bankNeverReceived(confirmFlow), target: 'failed', actions: neverReceivedFailure('payment request') },
          { guard: ({ context, event }) => about(event, confirmFlow(context)) && canRetry({ context, event }), actions: scheduleRetry },
          { guard: ({ context, event }) => context.steps.authorize && about(event, 'authorize'), target: 'reversing', actions: noteIntegrity },
          { guard: ({ context, event }) => about(event, confirmFlow(context)), target: 'manual_review', actions: reviewFailure('outcome_unknown', 'the bank never confirmed the outcome of the transfer') },
        ],
        TIMER: { guard: ({ event }) => event.name === 'retry', actions: inquireAbout(confirmFlow) },
      },
    },

    authorized: {
      entry: [resetAttempts, completion, resendConsumed],
      on: {
        RESULT: [
          { guard: ({ context, event }) => about(event, 'transfer') && untrusted(context, event), target: 'manual_review', actions: [rememberRef, failWith('terms_mismatch', 'the bank confirmed other terms (amount or currency) than the payment')] },
          { guard: outcomeIs('transfer', 'ok'), target: 'completed', actions: rememberRef },
          { guard: outcomeIs('transfer', 'pending'), target: 'transfer_pending', actions: rememberRef },
          // the authorisation still stands: give it back
          { guard: outcomeIs('transfer', 'declined'), target: 'reversing', actions: [rememberRef, recordFailure] },
          { guard: ({ context, event }) => outcomeIs('transfer', 'unknown')({ context, event }) && !context.steps.inquiry, target: 'reversing', actions: [rememberRef, noteIntegrity] },
          { guard: outcomeIs('transfer', 'unknown'), target: 'transfer_unknown', actions: [rememberRef, noteIntegrity] },
          { guard: ({ context, event }) => outcomeIs('transfer', 'not_sent')({ context, event }) && canRetry({ context, event }), actions: scheduleRetry },
          { guard: outcomeIs('transfer', 'not_sent'), target: 'reversing', actions: failWith('bank_unreachable', 'the bank could not be reached for the transfer') },
        ],
        TIMER: { guard: ({ event }) => event.name === 'retry', actions: completion },
      },
    },

    transfer_pending: {
      entry: [
        assign({ pendingSince: ({ context, event }) => context.pendingSince ?? event.at }),
        { type: 'timer', params: ({ context, event }): TimerSpec => ({ name: 'poll', at: event.at + context.policy.pollIntervalMs }) },
      ],
      on: {
        RESULT: [
          { guard: settledAfterIntegrityFailure('transfer'), ...reviewIntegrity },
          { guard: ({ context, event }) => about(event, 'transfer') && untrusted(context, event), target: 'manual_review', actions: failWith('terms_mismatch', 'the bank confirmed other terms (amount or currency) than the payment') },
          { guard: outcomeIs('transfer', 'ok'), target: 'completed' },
          { guard: ({ context, event }) => context.moneyAuthorized && outcomeIs('transfer', 'declined')({ context, event }), target: 'reversing', actions: recordFailure },
          { guard: outcomeIs('transfer', 'declined'), target: 'failed', actions: recordFailure },
          { guard: (a) => bankNeverReceived(() => 'transfer')(a) && resendsLeft(a), actions: resendOriginal(() => 'transfer') },
          // A batch rail accepts a transfer into its queue, then may prove the file never reached the bank.
          { guard: (a) => a.context.moneyAuthorized && provenNotSent('transfer')(a), target: 'reversing', actions: failWith('bank_unreachable', 'the bank could not be reached for the transfer') },
          { guard: provenNotSent('transfer'), target: 'failed', actions: failWith('bank_unreachable', 'the bank could not be reached') },
          // An untrusted status is no status: keep polling, and say why should the wait end in review.
          { guard: ({ event }) => about(event, 'transfer') && replyFailedIntegrity(event), actions: noteIntegrity },
        ],
        TIMER: [
          {
            guard: ({ context, event }) => event.name === 'poll' && context.pendingSince !== null && event.at - context.pendingSince >= context.policy.pendingMaxMs,
            target: 'manual_review',
            actions: reviewFailure('pending_too_long', 'the bank left the transfer pending past the limit'),
          },
          {
            guard: ({ context, event }) => event.name === 'poll' && context.steps.inquiry,
            actions: [
              inquireAbout(() => 'transfer'),
              { type: 'timer', params: ({ context, event }): TimerSpec => ({ name: 'poll', at: event.at + context.policy.pollIntervalMs }) },
            ],
          },
          {
            guard: ({ event }) => event.name === 'poll',
            actions: { type: 'timer', params: ({ context, event }): TimerSpec => ({ name: 'poll', at: event.at + context.policy.pollIntervalMs }) },
          },
        ],
      },
    },

    transfer_unknown: {
      entry: [resetAttempts, inquireAbout(() => 'transfer')],
      on: {
        RESULT: [
          { guard: settledAfterIntegrityFailure('transfer'), ...reviewIntegrity },
          { guard: ({ context, event }) => about(event, 'transfer') && untrusted(context, event), target: 'manual_review', actions: failWith('terms_mismatch', 'the bank confirmed other terms (amount or currency) than the payment') },
          { guard: outcomeIs('transfer', 'ok'), target: 'completed' },
          { guard: outcomeIs('transfer', 'pending'), target: 'transfer_pending' },
          { guard: ({ context, event }) => context.moneyAuthorized && outcomeIs('transfer', 'declined')({ context, event }), target: 'reversing', actions: recordFailure },
          { guard: outcomeIs('transfer', 'declined'), target: 'failed', actions: recordFailure },
          { guard: (a) => bankNeverReceived(() => 'transfer')(a) && resendsLeft(a), actions: resendOriginal(() => 'transfer') },
          // Out of resends: an authorisation still holds the money and is given back; otherwise nothing moved.
          { guard: (a) => bankNeverReceived(() => 'transfer')(a) && a.context.moneyAuthorized, target: 'reversing', actions: neverReceivedFailure('transfer') },
          { guard: bankNeverReceived(() => 'transfer'), target: 'failed', actions: neverReceivedFailure('transfer') },
          { guard: ({ context, event }) => about(event, 'transfer') && canRetry({ context, event }), actions: scheduleRetry },
          { guard: ({ event }) => about(event, 'transfer'), target: 'manual_review', actions: reviewFailure('outcome_unknown', 'the bank never confirmed the outcome of the transfer') },
        ],
        TIMER: { guard: ({ event }) => event.name === 'retry', actions: inquireAbout(() => 'transfer') },
      },
    },

    reversing: {
      entry: [
        resetAttempts,
        assign({ reversingSince: ({ context, event }) => context.reversingSince ?? event.at, reversalDeclines: () => 0 }),
        { type: 'command', params: ({ context }): CommandSpec => ({ kind: 'bank', flow: 'reverse', original: latestMoneyRef(context) }) },
      ],
      on: {
        RESULT: [
          // After an untrusted reply, a trusted answer to the reversal settles the money; review follows.
          // (a declined one is repeated per host policy below, like any declined reversal)
          { guard: (a) => settledAfterIntegrityFailure('reverse')(a) && effectiveKind((a.event as ResultEvent).outcome) === 'ok', ...reviewIntegrity },
          // Reversed only because the outcome was unknown, and the bank says the original never
          // arrived: nothing moved, so the original goes again under its reference instead.
          {
            guard: (a) => reversalFoundNothing(a) && reversedOnlyForUnknown(a) && resendsLeft(a) && !a.context.moneyAuthorized,
            target: 'confirming',
            actions: resendAfterReversal,
          },
          {
            guard: (a) => reversalFoundNothing(a) && reversedOnlyForUnknown(a) && resendsLeft(a) && a.context.moneyAuthorized && a.context.refs.transfer !== undefined,
            target: 'authorized',
            actions: resendAfterReversal,
          },
          // A completion that never arrived left its authorisation holding the money: release that.
          {
            guard: (a) => reversalFoundNothing(a) && a.context.moneyAuthorized && a.context.refs.transfer !== undefined && a.context.refs.authorize !== undefined,
            actions: releaseAuthorization,
          },
          {
            guard: ({ context, event }) => event.flow === 'reverse' && effectiveKind(event.outcome) === 'ok' && context.moneyAuthorized,
            target: 'reversed',
            actions: [rememberRef, assign({ reversedRefs: ({ context }) => [...context.reversedRefs, latestMoneyRef(context).reference] })],
          },
          {
            guard: ({ event }) => event.flow === 'reverse' && effectiveKind(event.outcome) === 'ok',
            target: 'failed',
            actions: [
              rememberRef,
              assign({
                reversedRefs: ({ context }) => [...context.reversedRefs, latestMoneyRef(context).reference],
                failure: ({ context }) => context.failure ?? { code: 'timeout', reason: 'the bank did not answer in time; the request was reversed' },
              }),
            ],
          },
          {
            guard: ({ context, event }) => event.flow === 'reverse' && reversalTooOld(context, event),
            target: 'manual_review',
            actions: [rememberRef, reviewFailure('reversal_expired', 'the reversal was repeated past its age limit')],
          },
          // A declined reversal is repeated as the host's policy says (a decline may be transient), then reviewed.
          {
            guard: (a) => a.event.type === 'RESULT' && a.event.flow === 'reverse' && effectiveKind(a.event.outcome) === 'declined' && declinedReversalRepeatsLeft(a),
            actions: [rememberRef, countDecline, ...scheduleRetry],
          },
          {
            guard: ({ event }) => event.flow === 'reverse' && effectiveKind(event.outcome) === 'declined',
            target: 'manual_review',
            actions: [rememberRef, reviewFailure('reversal_declined', 'the bank refused the reversal')],
          },
          {
            guard: (a) => a.event.type === 'RESULT' && a.event.flow === 'reverse' && reversalCanRepeat(a),
            actions: [rememberRef, ...scheduleRetry],
          },
          { guard: ({ event }) => event.flow === 'reverse', target: 'manual_review', actions: [rememberRef, reviewFailure('reversal_failed', 'the reversal could not be completed')] },
        ],
        TIMER: {
          guard: ({ event }) => event.name === 'retry',
          actions: { type: 'command', params: ({ context }): CommandSpec => ({ kind: 'bank', flow: 'reverse', original: latestMoneyRef(context), repeat: true, ...repeatOf(context) }) },
        },
      },
    },

    completed: { entry: notifyResult('succeeded'), type: 'final' },
    declined: { entry: notifyResult('failed'), on: lateReversalHandlers },
    failed: { entry: notifyResult('failed'), on: lateReversalHandlers },
    expired: { entry: notifyResult('expired'), on: lateReversalHandlers },
    canceled: { entry: notifyResult('canceled'), on: lateReversalHandlers },
    reversed: { entry: notifyResult('reversed'), type: 'final' },
    manual_review: { entry: notifyResult('requires_review'), type: 'final' },
  },
});
