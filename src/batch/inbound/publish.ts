import { newId } from '../../domain/ids.js';
import { maskDeep } from '../reconcile/mask.js';
import type { EventRecord, Json, StoreTx } from '../../store/types.js';
import type { BatchItem, StoredBreak } from '../records.js';

/** Writes an API event and queues its webhook deliveries, inside the caller's transaction. */
export type PublishEvent = (tx: StoreTx, e: EventRecord) => Promise<void>;

/**
 * The one way a rail's events are published: the event row, then its deliveries queued by
 * `queue` (src/notify/webhooks' WebhookEndpoints.queue), in the same transaction.
 */
export const publishWith =
  (queue: (tx: StoreTx, e: EventRecord) => Promise<void>): PublishEvent =>
  async (tx, e) => {
    await tx.insertEvent(e);
    await queue(tx, e);
  };

/**
 * A `reconciliation.break` for the merchant whose payment it concerns. It carries the payment's
 * current version (a break changes no payment state), so receivers order it with the payment's
 * own events.
 */
export async function publishBreak(tx: StoreTx, publish: PublishEvent, item: BatchItem, data: Record<string, unknown>, at: number): Promise<void> {
  const payment = await tx.lockPayment(item.paymentId);
  if (!payment) return;
  await publish(tx, {
    id: newId('evt', at),
    merchantId: payment.merchantId,
    type: 'reconciliation.break',
    paymentId: payment.id,
    refundId: item.flow === 'refund' ? item.aggregateId : null,
    version: payment.version,
    data: data as Json,
    createdAt: at,
  });
}

/**
 * A stored break as the API and webhooks show it (snake_case, like every other API object), every
 * string masked as the CSV report masks it: remittance text quoted in `detail` may hold an IBAN.
 */
export function breakView(b: StoredBreak, reportDate: string): Record<string, unknown> {
  return maskDeep({
    object: 'reconciliation_break',
    type: b.type,
    key: b.key,
    report_date: reportDate,
    detail: b.detail,
    ...(b.paymentId ? { payment_id: b.paymentId } : {}),
    ...(b.refundId ? { refund_id: b.refundId } : {}),
    ...(b.endToEndId ? { end_to_end_id: b.endToEndId } : {}),
    ...(b.entryReference ? { entry_reference: b.entryReference } : {}),
    ...(b.accountServicerReference ? { account_servicer_reference: b.accountServicerReference } : {}),
    ...(b.expected ? { expected: b.expected } : {}),
    ...(b.actual ? { actual: b.actual } : {}),
    ...(b.counterparty ? { counterparty: b.counterparty } : {}),
  });
}
