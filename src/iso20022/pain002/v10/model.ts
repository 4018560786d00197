import type { OriginalGroupStatus, StatusReason, TransactionStatus, TransactionsPerStatus } from '../../common/status-types.js';
import type { Agent, Party } from '../../common/types.js';

/** pain.002.001.10 CustomerPaymentStatusReportV10: the bank's status on a pain.001. */
export interface Pain002v10 {
  groupHeader: {
    messageId: string;
    creationDateTime: string;
    initiatingParty?: Party;
    forwardingAgent?: Agent;
    debtorAgent?: Agent;
    creditorAgent?: Agent;
  };
  originalGroup: OriginalGroupStatus;
  payments: Pain002v10Payment[];
}

export interface Pain002v10Payment {
  originalPaymentInformationId: string;
  originalNumberOfTransactions?: number;
  originalControlSum?: string;
  /** ExternalPaymentGroupStatus1Code (PmtInfSts). */
  status?: string;
  statusReasons?: StatusReason[];
  transactionsPerStatus?: TransactionsPerStatus[];
  transactions: TransactionStatus[];
}
