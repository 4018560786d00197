import { assign as xassign, setup, type Assigner, type PropertyAssigner } from 'xstate';
import { backoff, DEFAULT_MAX_RESENDS, effectiveKind, INTEGRITY_FAILED, replyFailedIntegrity, type CommandSpec, type EngineEvent, type RetryPolicy, type ResultEvent, type TimerSpec } from './machine-types.js';

/**
 * The refund machine: requested -> submitted -> succeeded | failed | manual_review, with
 * submitted_unknown resolved by inquiry. A refund whose outcome is unknown is never sent again
 * blindly: without an inquiry it goes to manual review.
 */
export const REFUND_MACHINE_VERSION = 1;

export type RefundState = 'requested' | 'submitted' | 'submitted_unknown' | 'succeeded' | 'failed' | 'manual_review';
export type RefundStatus = 'pending' | 'succeeded' | 'failed' | 'requires_review';

export const REFUND_STATUS: Record<RefundState, RefundStatus> = {
  requested: 'pending',
  submitted: 'pending',
  submitted_unknown: 'pending',
  succeeded: 'succeeded',
  failed: 'failed',
  manual_review: 'requires_review',
};

export const TERMINAL_REFUND_STATES: readonly RefundState[] = ['succeeded', 'failed', 'manual_review'];

export interface RefundInput {
  refundId: string;
  paymentId: string;
  amount: number;
  currency: string;
  inquiry: boolean;
  retry: RetryPolicy;
  pollIntervalMs: number;
}

export interface RefundContext extends RefundInput {
  reference: string | null;
  attempts: number;
  failure: { code: string; reason: string } | null;
  /** Refunds sent again because the bank proved it never received them; absent in old snapshots. */
  resends?: number;
  /** A reply failed its MAC or signature check; absent in old snapshots. */
  integrityFailed?: boolean;
}

type Ctx = { context: RefundContext; event: EngineEvent };

const assign = (
  a: Assigner<RefundContext, EngineEvent, undefined, EngineEvent, never> | PropertyAssigner<RefundContext, EngineEvent, undefined, EngineEvent, never>,
) => xassign<RefundContext, EngineEvent, undefined, EngineEvent, never>(a);

const isRefundResult = (event: EngineEvent): event is ResultEvent =>
  event.type === 'RESULT' && (event.flow === 'refund' || (event.flow === 'inquire' && event.about === 'refund'));

const result =
  (...kinds: string[]) =>
  ({ event }: Ctx): boolean =>
    isRefundResult(event) && kinds.includes(effectiveKind(event.outcome));

const canRetry = ({ context }: Ctx) => context.attempts + 1 < context.retry.maxAttempts;

const remember = assign({
  reference: ({ context, event }) => (event.type === 'RESULT' && event.flow === 'refund' ? event.reference : context.reference),
});

/** Remembers that a reply failed its integrity check, so a review it ends in says why. */
const noteIntegrity = assign({ integrityFailed: ({ context, event }) => context.integrityFailed === true || replyFailedIntegrity(event) });

/** Review as `outcome_unknown`, or `integrity_failed` when untrusted replies are why nothing settled it. */
const reviewFailure = (reason: string) =>
  assign({
    failure: ({ context, event }) => (context.integrityFailed === true || replyFailedIntegrity(event) ? { ...INTEGRITY_FAILED } : { code: 'outcome_unknown', reason }),
  });

const scheduleRetry = [
  noteIntegrity,
  assign({ attempts: ({ context }) => context.attempts + 1 }),
  { type: 'timer' as const, params: ({ context, event }: Ctx): TimerSpec => ({ name: 'retry', at: event.at + backoff(context.retry, context.attempts) }) },
];

const inquire = {
  type: 'command' as const,
  params: ({ context }: Ctx): CommandSpec => ({ kind: 'bank', flow: 'inquire', original: { flow: 'refund', reference: context.reference ?? '' } }),
};

/** An inquiry's answer that the bank never received the refund: proof nothing moved, so it may go again. */
const bankNeverReceived = ({ event }: Ctx): boolean =>
  event.type === 'RESULT' && event.flow === 'inquire' && event.about === 'refund' && event.outcome.kind === 'not_sent' && event.outcome.neverReceived === true;

const resendsLeft = ({ context }: Ctx): boolean => (context.resends ?? 0) < DEFAULT_MAX_RESENDS;

/** The same refund under the same reference: should the first still arrive, the bank sees one refund twice. */
const resendRefund = [
  assign({ resends: ({ context }) => (context.resends ?? 0) + 1, attempts: () => 0 }),
  {
    type: 'command' as const,
    params: ({ context }: Ctx): CommandSpec => ({ kind: 'bank', flow: 'refund', repeat: true, ...(context.reference !== null ? { reference: context.reference } : {}) }),
  },
];

const decline = assign({
  failure: ({ event }) =>
    event.type === 'RESULT' && event.outcome.kind === 'declined' ? { code: event.outcome.code, reason: event.outcome.reason } : null,
});

export const refundMachine = setup({
  types: {} as { context: RefundContext; events: EngineEvent; input: RefundInput },
  actions: {
    command: (_: unknown, _params: CommandSpec) => undefined,
    timer: (_: unknown, _params: TimerSpec) => undefined,
  },
}).createMachine({
  id: 'refund',
  initial: 'requested',
  context: ({ input }) => ({ ...input, reference: null, attempts: 0, failure: null }),
  states: {
    requested: { on: { START: 'submitted' } },
    submitted: {
      entry: { type: 'command', params: (): CommandSpec => ({ kind: 'bank', flow: 'refund' }) },
      on: {
        RESULT: [
          { guard: result('ok'), target: 'succeeded', actions: remember },
          { guard: result('declined'), target: 'failed', actions: [remember, decline] },
          {
            guard: result('pending'),
            actions: [remember, { type: 'timer', params: ({ context, event }): TimerSpec => ({ name: 'poll', at: event.at + context.pollIntervalMs }) }],
          },
          { guard: result('unknown'), target: 'submitted_unknown', actions: [remember, noteIntegrity] },
          { guard: (a) => result('not_sent')(a) && canRetry(a), actions: scheduleRetry },
          { guard: result('not_sent'), target: 'failed', actions: assign({ failure: () => ({ code: 'bank_unreachable', reason: 'the bank could not be reached' }) }) },
        ],
        TIMER: [
          { guard: ({ event }) => event.name === 'retry', actions: { type: 'command', params: (): CommandSpec => ({ kind: 'bank', flow: 'refund' }) } },
          {
            guard: ({ context, event }) => event.name === 'poll' && context.inquiry,
            actions: [inquire, { type: 'timer', params: ({ context, event }): TimerSpec => ({ name: 'poll', at: event.at + context.pollIntervalMs }) }],
          },
        ],
      },
    },
    submitted_unknown: {
      always: { guard: ({ context }) => !context.inquiry, target: 'manual_review', actions: reviewFailure('the bank never confirmed the refund and cannot be asked') },
      entry: [assign({ attempts: () => 0 }), inquire],
      on: {
        RESULT: [
          // After an untrusted reply a trusted answer settles the refund's money, and review follows.
          {
            guard: (a) => a.context.integrityFailed === true && isRefundResult(a.event) && !['unknown', 'pending'].includes(effectiveKind(a.event.outcome)),
            target: 'manual_review',
            actions: assign({ failure: () => ({ ...INTEGRITY_FAILED }) }),
          },
          { guard: result('ok'), target: 'succeeded' },
          { guard: result('declined'), target: 'failed', actions: decline },
          { guard: (a) => bankNeverReceived(a) && resendsLeft(a), actions: resendRefund },
          {
            guard: bankNeverReceived,
            target: 'failed',
            actions: assign({ failure: () => ({ code: 'bank_never_received', reason: 'the bank never received the refund, sent again as many times as allowed' }) }),
          },
          { guard: (a) => isRefundResult(a.event) && canRetry(a), actions: scheduleRetry },
          { guard: ({ event }) => isRefundResult(event), target: 'manual_review', actions: reviewFailure('the bank never confirmed the refund') },
        ],
        TIMER: { guard: ({ event }) => event.name === 'retry', actions: inquire },
      },
    },
    succeeded: { type: 'final', entry: { type: 'command', params: (): CommandSpec => ({ kind: 'notify', notification: 'result', status: 'succeeded' }) } },
    failed: { type: 'final', entry: { type: 'command', params: (): CommandSpec => ({ kind: 'notify', notification: 'result', status: 'failed' }) } },
    manual_review: { type: 'final', entry: { type: 'command', params: (): CommandSpec => ({ kind: 'notify', notification: 'result', status: 'requires_review' }) } },
  },
});
