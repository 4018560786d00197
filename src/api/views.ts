import type { BatchItem } from '../batch/records.js';
import type { EventRecord, HistoryRecord, PaymentRecord, RefundRecord } from '../store/types.js';

const iso = (ms: number): string => new Date(ms).toISOString();

type Failure = { code: string; reason: string } | null;
const failureOf = (ctx: Record<string, unknown>): Failure => {
  const f = ctx.failure as Failure | undefined;
  return f && typeof f.code === 'string' ? { code: f.code, reason: f.reason } : null;
};

/** The public payment object: the stored method is shown only as last 4 and fingerprint. */
export function paymentView(p: PaymentRecord, refunded: RefundRecord[], batch?: BatchItem | null) {
  const m = p.method;
  const amountRefunded = refunded.filter((r) => r.status === 'succeeded').reduce((sum, r) => sum + BigInt(r.amount), 0n);
  return {
    id: p.id,
    object: 'payment' as const,
    status: p.status as 'processing',
    amount: p.amount,
    amount_refunded: Number(amountRefunded),
    currency: p.currency,
    order_id: p.orderId,
    connector: p.connector,
    payment_method: {
      type: m.type,
      last4: m.last4,
      fingerprint: m.fingerprint,
      ...(m.expMonth !== undefined ? { exp_month: m.expMonth } : {}),
      ...(m.expYear !== undefined ? { exp_year: m.expYear } : {}),
      ...(m.holderName !== undefined ? { holder_name: m.holderName } : {}),
    },
    customer: { email: p.customerEmail },
    confirmation: p.confirmation,
    description: p.description,
    metadata: p.metadata,
    ...(p.status === 'requires_confirmation'
      ? {
          next_action: {
            type: 'confirm_otp' as const,
            confirm_url: `/v1/payments/${p.id}/confirm`,
            resend_url: `/v1/payments/${p.id}/resend_otp`,
          },
        }
      : {}),
    failure: failureOf(p.snapshot.context),
    ...(batch ? { batch: batchView(batch) } : {}),
    version: p.version,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
  };
}

export function refundView(r: RefundRecord) {
  return {
    id: r.id,
    object: 'refund' as const,
    payment_id: r.paymentId,
    status: r.status as 'pending',
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    failure: failureOf(r.snapshot.context),
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}

export function timelineView(h: HistoryRecord) {
  return { at: iso(h.at), kind: h.kind, subject: h.aggregateId, from: h.fromState, to: h.toState, data: h.data };
}

export function eventView(e: EventRecord) {
  return {
    id: e.id,
    object: 'event' as const,
    type: e.type,
    payment_id: e.paymentId,
    refund_id: e.refundId,
    version: e.version,
    data: e.data,
    created_at: iso(e.createdAt),
  };
}

function batchView(b: BatchItem) {
  return {
    status: b.status,
    settlement: b.settlement,
    cutoff_at: iso(b.cutoffAt),
    execution_date: b.executionDate,
    end_to_end_id: b.endToEndId,
    ...(b.fileId ? { file_id: b.fileId } : {}),
    ...(b.messageId ? { message_id: b.messageId } : {}),
    ...(b.paymentInfoId ? { payment_information_id: b.paymentInfoId } : {}),
  };
}
