import { randomUUID } from 'node:crypto';
import { toBankId } from '../connector/bank-id.js';
import type { FlowRequest } from '../connector/types.js';
import type { BatchProfile } from './profile.js';
import type { BatchItem, Party } from './records.js';

/**
 * Turns a transfer or refund request into the queue item that waits for its cut-off. The
 * customer's account is the debtor of a payment and the creditor of its refund; our account is
 * the other side. Nothing here touches the network: the bank sees the item only in a file.
 */
export function itemFromRequest(
  req: FlowRequest,
  flow: 'transfer' | 'refund',
  profile: BatchProfile,
  connector: string,
  at: number,
  cutoff: { at: number; executionDate: string },
): BatchItem | { problem: string; field: string } {
  if (req.method.type !== 'bank_account') return { problem: 'the batch rail moves bank-account payments only', field: 'payment_method.type' };
  const customer: Party = { name: req.method.name || 'Customer', iban: req.method.iban.reveal() };
  const ours: Party = { name: profile.account.name, iban: profile.account.iban, ...(profile.account.bic ? { bic: profile.account.bic } : {}) };
  const collecting = flow === 'transfer';
  return {
    reference: req.reference,
    connector,
    paymentId: req.paymentId,
    aggregateId: flow === 'refund' && req.refundId ? req.refundId : req.paymentId,
    flow,
    merchantId: req.merchant.id,
    amount: req.amount,
    currency: req.currency,
    direction: collecting ? 'credit' : 'debit',
    transfer: {
      debtor: collecting ? customer : ours,
      creditor: collecting ? ours : customer,
      remittance: remittanceOf(req, flow),
    },
    endToEndId: toBankId(req.reference),
    // Chosen once, stored before any file exists: the strongest key reconciliation has.
    uetr: randomUUID(),
    status: 'queued',
    reasonCode: null,
    reason: null,
    settlement: 'unsettled',
    queuedAt: at,
    cutoffAt: cutoff.at,
    executionDate: cutoff.executionDate,
    fileId: null,
    messageId: null,
    paymentInfoId: null,
    settledAt: null,
    settlementRef: null,
    updatedAt: at,
  };
}

/** The order id first, so the customer recognises the line on a statement. */
function remittanceOf(req: FlowRequest, flow: 'transfer' | 'refund'): string {
  const base = flow === 'refund' ? `Refund ${req.orderId}` : req.description ? `${req.orderId} ${req.description}` : req.orderId;
  return base.slice(0, 140);
}
