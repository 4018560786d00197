import type { OriginalTransactionReference } from '../../common/status-types.js';
import type { Agent } from '../../common/types.js';

/** pacs.028.001.03 FIToFIPaymentStatusRequestV03: "what happened to this payment?" */
export interface Pacs028v03 {
  groupHeader: { messageId: string; creationDateTime: string; instructingAgent?: Agent; instructedAgent?: Agent };
  originalGroups?: Array<{
    originalMessageId: string;
    originalMessageNameId: string;
    originalCreationDateTime?: string;
    originalNumberOfTransactions?: number;
    originalControlSum?: string;
  }>;
  transactions: Pacs028v03Transaction[];
}

export interface Pacs028v03Transaction {
  statusRequestId?: string;
  originalGroup?: { messageId: string; messageNameId: string; creationDateTime?: string };
  originalInstructionId?: string;
  originalEndToEndId?: string;
  originalTransactionId?: string;
  originalUetr?: string;
  acceptanceDateTime?: string;
  clearingSystemReference?: string;
  instructingAgent?: Agent;
  instructedAgent?: Agent;
  originalTransactionReference?: OriginalTransactionReference;
}
