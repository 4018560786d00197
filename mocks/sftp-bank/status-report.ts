import { build, newMessageId, type Pain002v10, type StatusReason, type TransactionStatus } from '../../src/iso20022/index.js';
import type { AnsweredTx } from './ledger.js';

/**
 * The pain.002.001.10 files the bank writes into `out/`: they name the original MsgId, each
 * PmtInfId and each transaction's OrgnlEndToEndId, so a poller can match them without guessing.
 */

const reasons = (code: string | undefined): StatusReason[] | undefined => (code ? [{ reason: { code } }] : undefined);

export interface ReportLine extends AnsweredTx {
  /** AcctSvcrRef of the booking, for accepted transactions. */
  accountServicerReference?: string;
}

/** One status per transaction; the group status only when it speaks for all of them, PART otherwise. */
export function transactionReport(
  original: { messageId: string; creationDateTime?: string },
  payments: ReadonlyArray<{ paymentInformationId: string; transactions: readonly ReportLine[] }>,
  bic: string,
  now: number,
): string {
  const all = payments.flatMap((p) => p.transactions.map((t) => t.status));
  const first = all[0];
  const model: Pain002v10 = {
    groupHeader: { messageId: newMessageId(), creationDateTime: new Date(now).toISOString(), debtorAgent: { bicfi: bic } },
    originalGroup: {
      originalMessageId: original.messageId,
      originalMessageNameId: 'pain.001.001.09',
      ...(original.creationDateTime !== undefined ? { originalCreationDateTime: original.creationDateTime } : {}),
      originalNumberOfTransactions: all.length,
      groupStatus: first !== undefined && all.every((s) => s === first) ? first : 'PART',
    },
    payments: payments.map((p) => ({
      originalPaymentInformationId: p.paymentInformationId,
      transactions: p.transactions.map((t): TransactionStatus => {
        const why = reasons(t.reason);
        return {
          originalEndToEndId: t.endToEndId,
          status: t.status,
          ...(why ? { statusReasons: why } : {}),
          ...(t.accountServicerReference !== undefined ? { accountServicerReference: t.accountServicerReference } : {}),
        };
      }),
    })),
  };
  return build('pain.002.001.10', model);
}

/**
 * The whole file refused (FF01: not a valid pain.001; DU01: MsgId already received). No
 * transaction lines: for a duplicate they would wrongly say that the original's executed
 * transactions were rejected.
 */
export function groupRejection(original: { messageId: string; creationDateTime?: string }, reason: 'FF01' | 'DU01', bic: string, now: number): string {
  return build('pain.002.001.10', {
    groupHeader: { messageId: newMessageId(), creationDateTime: new Date(now).toISOString(), debtorAgent: { bicfi: bic } },
    originalGroup: {
      originalMessageId: original.messageId,
      originalMessageNameId: 'pain.001.001.09',
      ...(original.creationDateTime !== undefined ? { originalCreationDateTime: original.creationDateTime } : {}),
      groupStatus: 'RJCT',
      statusReasons: reasons(reason),
    },
    payments: [],
  });
}
