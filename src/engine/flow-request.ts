import type { FlowRequest, RevealedMethod } from '../connector/types.js';
import type { Vault } from '../domain/vault.js';
import type { CommandRecord, PaymentRecord, RefundRecord } from '../store/types.js';
import type { CommandSpec } from './machine-types.js';

/** Opens the sealed payment method in memory, only to build one bank request. */
export function revealMethod(vault: Vault, payment: PaymentRecord): RevealedMethod {
  const clear = vault.open(payment.method.sealed, payment.id);
  if (payment.method.type === 'card') {
    return { type: 'card', number: clear, expMonth: payment.method.expMonth ?? 0, expYear: payment.method.expYear ?? 0 };
  }
  return { type: 'bank_account', iban: clear, name: payment.method.holderName ?? '' };
}

/** The reference of the money movement a refund gives back: the transfer, else the authorisation. */
function moneyReference(payment: PaymentRecord): string | undefined {
  const refs = (payment.snapshot.context.refs ?? {}) as Record<string, string | undefined>;
  return refs.transfer ?? refs.authorize;
}

export function buildFlowRequest(
  vault: Vault,
  merchantName: string,
  payment: PaymentRecord,
  refund: RefundRecord | null,
  command: CommandRecord,
  spec: Extract<CommandSpec, { kind: 'bank' }>,
): FlowRequest {
  const req: FlowRequest = {
    paymentId: payment.id,
    reference: command.reference,
    amount: refund ? refund.amount : payment.amount,
    currency: payment.currency,
    method: revealMethod(vault, payment),
    orderId: payment.orderId,
    merchant: { id: payment.merchantId, name: merchantName },
    customer: { email: payment.customerEmail },
  };
  if (payment.description !== null) req.description = payment.description;
  const authorization = ((payment.snapshot.context.refs ?? {}) as Record<string, string | undefined>).authorize;
  if (authorization && (spec.flow === 'transfer' || spec.flow === 'reverse')) req.authorization = authorization;
  if (spec.original) req.original = spec.original;
  if (spec.repeat) req.repeat = true;
  if (refund) {
    req.refundId = refund.id;
    const ref = moneyReference(payment);
    if (!spec.original && ref) req.original = { flow: 'transfer', reference: ref };
  }
  return req;
}
