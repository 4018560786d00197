import {
  build,
  newMessageId,
  type Acmt023v03,
  type Camt029v09,
  type Case,
  type CaseAssignment,
  type Pacs002v10,
  type StatusReason,
} from '../../src/iso20022/index.js';
import type { LedgerEntry } from './ledger.js';

/** The simulator's own identity in every reply. */
export const BANK_BIC = 'SIMBDEFFXXX';

const reasons = (code: string | undefined): StatusReason[] | undefined => (code ? [{ reason: { code } }] : undefined);
export const isoNow = (now: number): string => new Date(now).toISOString();

export interface TxStatus {
  entry?: LedgerEntry;
  endToEndId?: string;
  transactionId?: string;
  instructionId?: string;
  status: string;
  reason?: string;
}

/** acmt.024 answering one acmt.023; every verification gets its line. */
export function verificationReport(req: Acmt023v03, checks: Array<{ id: string; code: string; suggestedName?: string }>, now: number): string {
  return build('acmt.024.001.03', {
    assignment: {
      messageId: newMessageId(),
      creationDateTime: isoNow(now),
      assigner: { agent: { bicfi: BANK_BIC } },
      assignee: req.assignment.assigner,
    },
    originalAssignment: { messageId: req.assignment.messageId, creationDateTime: req.assignment.creationDateTime },
    reports: checks.map((c) => ({
      originalId: c.id,
      verified: c.code === 'MTCH',
      reason: { code: c.code },
      ...(c.suggestedName !== undefined ? { updated: { party: { name: c.suggestedName } } } : {}),
    })),
  });
}

/**
 * Where a pain.002 states its statuses. `transaction` (default): one line per transaction.
 * `payment`: a block whose transactions share one status says it once (PmtInfSts) with no
 * transaction lines; `group`: a message whose transactions share one status says it once (GrpSts)
 * with no blocks at all. Real banks answer all three ways; a status that differs stays per line.
 */
export type StatusLevel = 'transaction' | 'payment' | 'group';

const shared = (txs: TxStatus[]): TxStatus | undefined => {
  const first = txs[0];
  return first && txs.every((t) => t.status === first.status && t.reason === first.reason) ? first : undefined;
};

/** pain.002 on a pain.001: transaction statuses under their payment information blocks. */
export function customerStatusReport(
  original: { messageId: string; creationDateTime: string },
  payments: Array<{ paymentInformationId: string; transactions: TxStatus[] }>,
  now: number,
  level: StatusLevel = 'transaction',
): string {
  const all = payments.flatMap((p) => p.transactions);
  const one = shared(all);
  const header = {
    messageId: newMessageId(),
    creationDateTime: isoNow(now),
    debtorAgent: { bicfi: BANK_BIC },
  };
  const group = {
    originalMessageId: original.messageId,
    originalMessageNameId: 'pain.001.001.09',
    originalCreationDateTime: original.creationDateTime,
    originalNumberOfTransactions: all.length,
  };
  if (level === 'group' && one) {
    const reason = reasons(one.reason);
    return build('pain.002.001.10', { groupHeader: header, originalGroup: { ...group, groupStatus: one.status, ...(reason ? { statusReasons: reason } : {}) }, payments: [] });
  }
  return build('pain.002.001.10', {
    groupHeader: header,
    // A group status only when it speaks for every transaction, as the status rules expect.
    originalGroup: { ...group, groupStatus: one ? one.status : 'PART' },
    payments: payments.map((p) => {
      const block = level === 'payment' ? shared(p.transactions) : undefined;
      if (!block) return { originalPaymentInformationId: p.paymentInformationId, transactions: p.transactions.map((t) => txStatus(t, now)) };
      const reason = reasons(block.reason);
      return { originalPaymentInformationId: p.paymentInformationId, status: block.status, ...(reason ? { statusReasons: reason } : {}), transactions: [] };
    }),
  });
}

/** pacs.002 on a pacs.008, pacs.004 or pacs.028. */
export function fiStatusReport(
  originalGroup: { messageId: string; messageNameId: string; creationDateTime?: string } | undefined,
  transactions: TxStatus[],
  now: number,
): string {
  const model: Pacs002v10 = {
    groupHeader: { messageId: newMessageId(), creationDateTime: isoNow(now), instructingAgent: { bicfi: BANK_BIC } },
    originalGroups: originalGroup
      ? [{ originalMessageId: originalGroup.messageId, originalMessageNameId: originalGroup.messageNameId, ...(originalGroup.creationDateTime ? { originalCreationDateTime: originalGroup.creationDateTime } : {}) }]
      : [],
    transactions: transactions.map((t) => ({
      ...txStatus(t, now),
      ...(t.transactionId !== undefined ? { originalTransactionId: t.transactionId } : {}),
    })),
  };
  return build('pacs.002.001.10', model);
}

function txStatus(t: TxStatus, now: number) {
  const reason = reasons(t.reason);
  return {
    ...(t.instructionId !== undefined ? { originalInstructionId: t.instructionId } : {}),
    ...(t.endToEndId !== undefined ? { originalEndToEndId: t.endToEndId } : {}),
    status: t.status,
    ...(reason ? { statusReasons: reason } : {}),
    ...(t.status !== 'RJCT' && t.entry ? { acceptanceDateTime: isoNow(t.entry.at), accountServicerReference: `SIM${t.entry.id.slice(-12)}` } : {}),
  };
}

/** What the bank made of one cancellation request. */
export interface CancellationResult {
  cancellationId?: string;
  endToEndId?: string;
  accepted: boolean;
  reason?: string;
}

/** What a camt.029 takes from the request it answers (camt.055 and camt.056 alike). */
export interface CancellationRequest {
  assignment: CaseAssignment;
  case?: Case;
}

const resolutionHeader = (req: CancellationRequest, now: number): Pick<Camt029v09, 'assignment' | 'resolvedCase'> => ({
  assignment: { id: newMessageId(), assigner: { agent: { bicfi: BANK_BIC } }, assignee: req.assignment.assigner, creationDateTime: isoNow(now) },
  ...(req.case ? { resolvedCase: req.case } : {}),
});

const individualStatus = (r: CancellationResult) => {
  const reason = reasons(r.reason);
  return {
    ...(r.cancellationId !== undefined ? { cancellationStatusId: r.cancellationId } : {}),
    ...(r.endToEndId !== undefined ? { originalEndToEndId: r.endToEndId } : {}),
    transactionCancellationStatus: r.accepted ? 'ACCR' : 'RJCR',
    ...(reason ? { cancellationStatusReasons: reason } : {}),
  };
};

/** camt.029 answering a camt.056: one status per cancellation, CNCL only if all were cancelled. */
export function resolution(req: CancellationRequest, results: CancellationResult[], now: number): string {
  const model: Camt029v09 = {
    ...resolutionHeader(req, now),
    status: { confirmation: results.every((r) => r.accepted) ? 'CNCL' : 'RJCR' },
    cancellationDetails: [{ transactions: results.map(individualStatus) }],
  };
  return build('camt.029.001.09', model);
}

/**
 * camt.029 answering a camt.055: the customer's request named payment information blocks of its
 * pain.001, so the answer is given per block (OrgnlPmtInfAndSts), then per transaction.
 */
export function customerResolution(req: CancellationRequest, payments: Array<{ paymentInformationId: string; results: CancellationResult[] }>, now: number): string {
  const all = payments.flatMap((p) => p.results);
  const model: Camt029v09 = {
    ...resolutionHeader(req, now),
    status: { confirmation: all.every((r) => r.accepted) ? 'CNCL' : 'RJCR' },
    cancellationDetails: [
      {
        payments: payments.map((p) => ({
          originalPaymentInformationId: p.paymentInformationId,
          paymentInformationCancellationStatus: p.results.every((r) => r.accepted) ? 'ACCR' : p.results.some((r) => r.accepted) ? 'PACR' : 'RJCR',
          transactions: p.results.map(individualStatus),
        })),
        transactions: [],
      },
    ],
  };
  return build('camt.029.001.09', model);
}
