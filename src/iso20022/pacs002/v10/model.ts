import type { OriginalGroupStatus, TransactionStatus } from '../../common/status-types.js';
import type { Agent, DateOrDateTime } from '../../common/types.js';

/** pacs.002.001.10 FIToFIPaymentStatusReportV10: interbank status on a pacs.008/pacs.004/... */
export interface Pacs002v10 {
  groupHeader: {
    messageId: string;
    creationDateTime: string;
    instructingAgent?: Agent;
    instructedAgent?: Agent;
  };
  originalGroups: OriginalGroupStatus[];
  transactions: Pacs002v10Transaction[];
}

export interface Pacs002v10Transaction extends TransactionStatus {
  originalGroup?: { messageId: string; messageNameId: string; creationDateTime?: string };
  originalTransactionId?: string;
  effectiveSettlementDate?: DateOrDateTime;
  instructingAgent?: Agent;
  instructedAgent?: Agent;
}
