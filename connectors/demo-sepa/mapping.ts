import { ok, pending, unknown, type Outcome } from '../../src/connector/outcome.js';
import type { FlowRequest } from '../../src/connector/types.js';
import {
  pacs002Outcomes,
  pain002Outcomes,
  type Acmt023v03,
  type Acmt024v03,
  type Camt029v09,
  type Camt055v08,
  type Camt056v08,
  type Pacs002v10,
  type Pacs004v09,
  type Pacs008v08,
  type Pacs028v03,
  type Pain001v09,
  type Pain001Original,
  type Pain002v10,
  type StatusReason,
  type TransactionOutcome,
} from '../../src/iso20022/index.js';
import { fromBankId, toBankId } from '../../src/connector/bank-id.js';
import { outcomeForReason } from './codes.js';

/**
 * Pure mapping between the engine's requests and ISO 20022 message models, and from the bank's
 * reply models back to one outcome. The EndToEndId (and every other request id we send) is the
 * engine's `reference`, chosen and stored before the first send; nothing here reads a clock or
 * draws randomness: message ids and times come in through `MessageContext`.
 */

/** Who we are and where the money goes, from the connector settings. */
export interface Parties {
  /** The merchant-side account payments are credited to (and refunds come from). */
  creditor: { name: string; iban: string; bic?: string };
  /** The bank this connector talks to. */
  bankBic: string;
}

export { fromBankId, toBankId };

export interface MessageContext {
  messageId: string;
  /** Milliseconds since the epoch, from the engine's clock. */
  now: number;
}

const dateTime = (now: number): string => new Date(now).toISOString();
const date = (now: number): string => new Date(now).toISOString().slice(0, 10);

export type BankAccount = Extract<FlowRequest['method'], { type: 'bank_account' }>;

export function bankAccountOf(req: FlowRequest): BankAccount | null {
  return req.method.type === 'bank_account' ? req.method : null;
}

/** Remittance text: the order, so the customer recognises the debit on a statement. */
const remittance = (req: FlowRequest): string => (req.description ? `${req.orderId} ${req.description}` : req.orderId).slice(0, 140);

// ---- verify: acmt.023 -> acmt.024 ----------------------------------------------------------

export function toAcmt023(req: FlowRequest, account: BankAccount, parties: Parties, ctx: MessageContext): Acmt023v03 {
  return {
    assignment: {
      messageId: ctx.messageId,
      creationDateTime: dateTime(ctx.now),
      assigner: { party: { name: parties.creditor.name } },
      assignee: { agent: { bicfi: parties.bankBic } },
    },
    verifications: [{ id: toBankId(req.reference), partyAndAccount: { party: { name: account.name }, account: { iban: account.iban.reveal() } } }],
  };
}

/** EPC Verification of Payee answers carried in the acmt.024 reason code. */
export function fromAcmt024(report: Acmt024v03, reference: string): Outcome {
  const r = report.reports.find((x) => x.originalId === toBankId(reference));
  if (!r) return unknown(true, 'the verification report does not mention our request');
  if (r.verified) return ok({ nameMatch: 'match' });
  const code = r.reason?.code ?? r.reason?.proprietary;
  switch (code) {
    case 'MTCH':
      return ok({ nameMatch: 'match' });
    case 'CMTC': {
      const suggestedName = r.updated?.party?.name;
      return ok({ nameMatch: 'close_match', ...(suggestedName !== undefined ? { suggestedName } : {}) });
    }
    case 'NMTC':
      return ok({ nameMatch: 'no_match' });
    case 'NOAP':
      return ok({ nameMatch: 'not_possible' });
    default:
      // e.g. AC01 (no such account) declines; anything unknown stays unknown
      return outcomeForReason(code, 'verification');
  }
}

// ---- transfer: pain.001 -> pain.002 (or pacs.008 -> pacs.002) --------------------------------

export function toPain001(req: FlowRequest, account: BankAccount, parties: Parties, ctx: MessageContext): Pain001v09 {
  return {
    groupHeader: { messageId: ctx.messageId, creationDateTime: dateTime(ctx.now), initiatingParty: { name: parties.creditor.name } },
    paymentInformation: [
      {
        paymentInformationId: toBankId(req.reference),
        paymentMethod: 'TRF',
        paymentTypeInformation: { serviceLevels: [{ code: 'SEPA' }] },
        requestedExecutionDate: { date: date(ctx.now) },
        debtor: { name: account.name },
        debtorAccount: { iban: account.iban.reveal() },
        // SEPA lets the debtor agent be unknown; the bank derives it from the IBAN
        debtorAgent: { other: { id: 'NOTPROVIDED' } },
        chargeBearer: 'SLEV',
        transactions: [
          {
            instructionId: toBankId(req.paymentId),
            endToEndId: toBankId(req.reference),
            amount: { amount: req.amount, currency: req.currency },
            ...(parties.creditor.bic ? { creditorAgent: { bicfi: parties.creditor.bic } } : {}),
            creditor: { name: parties.creditor.name },
            creditorAccount: { iban: parties.creditor.iban },
            remittanceInformation: { unstructured: [remittance(req)] },
          },
        ],
      },
    ],
  };
}

/** FI-to-FI profile: the same transfer as the bank's own interbank message. `uetr` is drawn by the caller. */
export function toPacs008(req: FlowRequest, account: BankAccount, parties: Parties, ctx: MessageContext & { uetr: string }): Pacs008v08 {
  return {
    groupHeader: {
      messageId: ctx.messageId,
      creationDateTime: dateTime(ctx.now),
      interbankSettlementDate: date(ctx.now),
      settlementInformation: { method: 'CLRG' },
      paymentTypeInformation: { serviceLevels: [{ code: 'SEPA' }] },
    },
    transactions: [
      {
        instructionId: toBankId(req.paymentId),
        endToEndId: toBankId(req.reference),
        uetr: ctx.uetr,
        interbankSettlementAmount: { amount: req.amount, currency: req.currency },
        chargeBearer: 'SLEV',
        debtor: { name: account.name },
        debtorAccount: { iban: account.iban.reveal() },
        debtorAgent: { bicfi: parties.bankBic },
        creditorAgent: { bicfi: parties.creditor.bic ?? parties.bankBic },
        creditor: { name: parties.creditor.name },
        creditorAccount: { iban: parties.creditor.iban },
        remittanceInformation: { unstructured: [remittance(req)] },
      },
    ],
  };
}

const reasonCode = (r: StatusReason | undefined): string | undefined => r?.reason?.code ?? r?.reason?.proprietary;

/** One transaction's outcome, through the library's status precedence. */
export function fromTransactionOutcome(t: TransactionOutcome | undefined, bankReference: string | undefined, what: string): Outcome {
  if (!t) return unknown(true, `the ${what} report does not mention our transaction`);
  switch (t.kind) {
    case 'settled':
      return ok(bankReference !== undefined ? { bankReference } : {});
    case 'accepted':
    case 'pending':
      return pending(bankReference);
    case 'rejected':
      return outcomeForReason(reasonCode(t.reason), what);
    case 'unknown':
      return unknown(true, `${what} status ${t.status ?? 'missing'} says nothing about this transaction`);
  }
}

/**
 * The pain.001 a status report answers, as far as the report itself can say: when the report names
 * no other message, demo-sepa's own convention (one transaction per payment information block, its
 * EndToEndId the block's PmtInfId, `RFND-` + EndToEndId for a refund) rebuilds the block a
 * payment-level status (OrgnlPmtInfAndSts without transaction lines) speaks for. Only the ids are
 * filled: the status precedence needs nothing else.
 */
export function originalFromConvention(report: Pain002v10): Pain001Original | undefined {
  const blocks = (report.payments ?? []).filter((p) => (p.transactions ?? []).length === 0 && p.status !== undefined);
  if (blocks.length === 0) return undefined;
  return {
    paymentInformation: blocks.map((p) => ({
      paymentInformationId: p.originalPaymentInformationId,
      transactions: [
        {
          endToEndId: isRefundPaymentInformation(p.originalPaymentInformationId)
            ? p.originalPaymentInformationId.slice(REFUND_PAYMENT_INFORMATION_PREFIX.length)
            : p.originalPaymentInformationId,
        },
      ],
    })),
  };
}

/**
 * Our transfer's outcome in a pain.002. With `original` (the pain.001 we sent, when the report
 * answers that very message), a group- or payment-level status with no line for our transaction
 * applies to it, as the status precedence says; without it only a listed transaction decides.
 */
export function fromPain002(
  report: Pain002v10,
  endToEndId: string,
  what: 'transfer' | 'refund' = 'transfer',
  original?: Pain001Original & { groupHeader?: { messageId: string } },
): Outcome {
  const id = toBankId(endToEndId);
  // A group status speaks for the message it names: another message's report says nothing of ours.
  const answers = original !== undefined && (original.groupHeader === undefined || report.originalGroup.originalMessageId === original.groupHeader.messageId);
  const t = pain002Outcomes(report, answers ? { original } : {}).find((o) => o.originalEndToEndId === id);
  const tx = (report.payments ?? []).flatMap((p) => p.transactions ?? []).find((x) => x.originalEndToEndId === id);
  return fromTransactionOutcome(t, tx?.accountServicerReference, what);
}

/**
 * pacs.002 about a transfer (by EndToEndId) or a return (by its RtrId, sent as OrgnlTxId). With
 * `original` (the pacs.008 we sent), a group status speaks for our transaction when no line does.
 */
export function fromPacs002(report: Pacs002v10, match: { endToEndId?: string; transactionId?: string }, what: string, original?: Pacs008v08): Outcome {
  const want = toBankId(match.transactionId ?? match.endToEndId ?? '');
  const hit = (o: { originalEndToEndId?: string; originalTransactionId?: string }) =>
    match.transactionId !== undefined ? o.originalTransactionId === want : o.originalEndToEndId === want;
  const t = pacs002Outcomes(report, original ? { original } : {}).find(hit);
  const tx = report.transactions.find(hit);
  return fromTransactionOutcome(t, tx?.accountServicerReference, what);
}

// ---- inquire: pacs.028 -> pacs.002 ----------------------------------------------------------

/** By EndToEndId for a transfer (and a refund sent as a credit transfer: pass it as `transfer`); by RtrId for a pacs.004 return. */
export function toPacs028(req: FlowRequest, about: { flow: 'transfer' | 'refund'; reference: string }, ctx: MessageContext): Pacs028v03 {
  return {
    groupHeader: { messageId: ctx.messageId, creationDateTime: dateTime(ctx.now) },
    transactions: [
      about.flow === 'transfer'
        ? { statusRequestId: toBankId(req.reference), originalInstructionId: toBankId(req.paymentId), originalEndToEndId: toBankId(about.reference) }
        : { statusRequestId: toBankId(req.reference), originalTransactionId: toBankId(about.reference) },
    ],
  };
}

// ---- reverse: camt.056 -> camt.029 ----------------------------------------------------------

/** Who asks whom to cancel: both cancellation requests open with the same assignment. */
const cancellationAssignment = (parties: Parties, ctx: MessageContext): Camt056v08['assignment'] => ({
  id: ctx.messageId,
  assigner: { party: { name: parties.creditor.name } },
  assignee: { agent: { bicfi: parties.bankBic } },
  creationDateTime: dateTime(ctx.now),
});

export function toCamt056(req: FlowRequest, original: string, parties: Parties, ctx: MessageContext): Camt056v08 {
  return {
    assignment: cancellationAssignment(parties, ctx),
    underlying: [
      {
        transactions: [
          {
            cancellationId: toBankId(req.reference),
            originalInstructionId: toBankId(req.paymentId),
            originalEndToEndId: toBankId(original),
            originalInterbankSettlementAmount: { amount: req.amount, currency: req.currency },
            // the only reason we cancel: an approval that came after we had given up on it
            cancellationReasons: [{ reason: { code: 'TECH' } }],
          },
        ],
      },
    ],
  };
}

/**
 * Customer profile (transfers sent as pain.001): camt.055 CustomerPaymentCancellationRequest. The
 * original payment information block is ours too (PmtInfId = EndToEndId = the transfer's reference).
 */
export function toCamt055(req: FlowRequest, original: string, parties: Parties, ctx: MessageContext): Camt055v08 {
  return {
    assignment: cancellationAssignment(parties, ctx),
    underlying: [
      {
        payments: [
          {
            originalPaymentInformationId: toBankId(original),
            transactions: [
              {
                cancellationId: toBankId(req.reference),
                originalInstructionId: toBankId(req.paymentId),
                originalEndToEndId: toBankId(original),
                originalInstructedAmount: { amount: req.amount, currency: req.currency },
                // the only reason we cancel: an approval that came after we had given up on it
                cancellationReasons: [{ reason: { code: 'TECH' } }],
              },
            ],
          },
        ],
      },
    ],
  };
}

/** camt.029 on a camt.056 (TxInfAndSts) or on a camt.055 (OrgnlPmtInfAndSts/TxInfAndSts). */
export function fromCamt029(res: Camt029v09, reference: string): Outcome {
  const id = toBankId(reference);
  const details = res.cancellationDetails ?? [];
  const listed = [...details.flatMap((d) => d.transactions ?? []), ...details.flatMap((d) => (d.payments ?? []).flatMap((p) => p.transactions ?? []))];
  const tx = listed.find((t) => t.cancellationStatusId === id);
  const status = tx?.transactionCancellationStatus ?? (listed.length > 0 ? undefined : res.status.confirmation);
  switch (status) {
    case 'ACCR':
    case 'CNCL':
      return ok();
    case 'PDCR':
      return pending();
    case 'RJCR':
      return outcomeForReason(reasonCode(tx?.cancellationStatusReasons?.[0]), 'cancellation');
    default:
      return unknown(true, `cancellation status ${status ?? 'missing'}`);
  }
}

// ---- refund: pacs.004 -> pacs.002 -----------------------------------------------------------

export function toPacs004(req: FlowRequest, original: string, ctx: MessageContext): Pacs004v09 {
  return {
    groupHeader: {
      messageId: ctx.messageId,
      creationDateTime: dateTime(ctx.now),
      interbankSettlementDate: date(ctx.now),
      settlementInformation: { method: 'CLRG' },
    },
    transactions: [
      {
        returnId: toBankId(req.reference),
        originalInstructionId: toBankId(req.paymentId),
        originalEndToEndId: toBankId(original),
        returnedInterbankSettlementAmount: { amount: req.amount, currency: req.currency },
        chargeBearer: 'SLEV',
        returnReasons: [{ reason: { code: 'CUST' } }],
      },
    ],
  };
}

// ---- refund by a credit transfer back: pain.001 -> pain.002 ---------------------------------

/**
 * A refund sent as its own credit transfer carries a PmtInfId of this shape, so a status report
 * pushed later (which names the PmtInfId beside the EndToEndId) is known to be about a refund
 * without the connector keeping state. `RFND-` + a 30-character bank id is exactly 35.
 */
export const REFUND_PAYMENT_INFORMATION_PREFIX = 'RFND-';

export const isRefundPaymentInformation = (paymentInformationId: string): boolean => paymentInformationId.startsWith(REFUND_PAYMENT_INFORMATION_PREFIX);

/**
 * The refund as a new SEPA credit transfer: from the merchant account (the creditor of the
 * payment) back to the customer's IBAN. Its EndToEndId is the refund's own reference, and the
 * remittance names the original transfer, which is how the customer (and the bank) recognise it.
 */
export function toRefundPain001(req: FlowRequest, account: BankAccount, original: string, parties: Parties, ctx: MessageContext): Pain001v09 {
  const text = `Refund ${toBankId(original)} ${remittance(req)}`.slice(0, 140);
  return {
    groupHeader: { messageId: ctx.messageId, creationDateTime: dateTime(ctx.now), initiatingParty: { name: parties.creditor.name } },
    paymentInformation: [
      {
        paymentInformationId: `${REFUND_PAYMENT_INFORMATION_PREFIX}${toBankId(req.reference)}`,
        paymentMethod: 'TRF',
        paymentTypeInformation: { serviceLevels: [{ code: 'SEPA' }] },
        requestedExecutionDate: { date: date(ctx.now) },
        debtor: { name: parties.creditor.name },
        debtorAccount: { iban: parties.creditor.iban },
        debtorAgent: parties.creditor.bic ? { bicfi: parties.creditor.bic } : { other: { id: 'NOTPROVIDED' } },
        chargeBearer: 'SLEV',
        transactions: [
          {
            instructionId: toBankId(req.paymentId),
            endToEndId: toBankId(req.reference),
            amount: { amount: req.amount, currency: req.currency },
            creditor: { name: account.name },
            creditorAccount: { iban: account.iban.reveal() },
            remittanceInformation: { unstructured: [text] },
          },
        ],
      },
    ],
  };
}
