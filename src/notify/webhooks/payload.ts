import type { EventRecord, Json, PaymentRecord, RefundRecord } from '../../store/types.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The webhook body: `{ id, type, created_at, data }` where `data` is the payment (or refund) as of
 * the event: its status at that moment and the per-payment `version`, so receivers can order and
 * dedupe. Built from immutable fields, so a redelivery carries the same body. Never card data
 * beyond the last 4.
 */
export function eventBody(e: EventRecord, payment: PaymentRecord, refund: RefundRecord | null): string {
  const recorded = isObject(e.data) ? e.data : {};
  // A break is news about a payment, not a change of it: its data is the break itself, with the
  // version of the payment it concerns (so it sorts beside that payment's events, but never above them).
  if (e.type === 'reconciliation.break') return JSON.stringify({ id: e.id, type: e.type, created_at: iso(e.createdAt), data: { ...recorded, version: e.version } });
  // `state` is the engine's internal name; anything else recorded with the event (evidence) goes along.
  const { state: _state, status, ...extra } = recorded;
  const common = { status: typeof status === 'string' ? status : null, version: e.version, ...extra };
  const data = refund
    ? {
        id: refund.id,
        object: 'refund',
        payment_id: payment.id,
        amount: refund.amount,
        currency: refund.currency,
        reason: refund.reason,
        created_at: iso(refund.createdAt),
        ...common,
      }
    : {
        id: payment.id,
        object: 'payment',
        amount: payment.amount,
        currency: payment.currency,
        order_id: payment.orderId,
        connector: payment.connector,
        payment_method: { type: payment.method.type, last4: payment.method.last4 },
        metadata: payment.metadata,
        created_at: iso(payment.createdAt),
        ...common,
      };
  return JSON.stringify({ id: e.id, type: e.type, created_at: iso(e.createdAt), data });
}

function isObject(v: Json): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
