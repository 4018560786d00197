import type { Amount } from '../money.js';
import type { Account, Agent, CodeOrProprietary, DateOrDateTime, Party, RemittanceInformation } from './types.js';

/** Pieces shared by the status reports pain.002.001.10 and pacs.002.001.10. */

/** StatusReasonInformation12. */
export interface StatusReason {
  originator?: Party;
  /** ExternalStatusReason1Code (AC01, AM04, ...) or proprietary. */
  reason?: CodeOrProprietary;
  additionalInformation?: string[];
}

/** NumberOfTransactionsPerStatus5. */
export interface TransactionsPerStatus {
  numberOfTransactions: number;
  status: string;
  controlSum?: string;
}

/** OriginalGroupHeader17: the message being reported on, and its group status. */
export interface OriginalGroupStatus {
  originalMessageId: string;
  originalMessageNameId: string;
  originalCreationDateTime?: string;
  originalNumberOfTransactions?: number;
  originalControlSum?: string;
  groupStatus?: string;
  statusReasons?: StatusReason[];
  transactionsPerStatus?: TransactionsPerStatus[];
}

/** OriginalTransactionReference28, the commonly used part. Parties are written as `Pty`. */
export interface OriginalTransactionReference {
  interbankSettlementAmount?: Amount;
  /** Amt/InstdAmt. */
  amount?: Amount;
  interbankSettlementDate?: string;
  requestedExecutionDate?: DateOrDateTime;
  remittanceInformation?: RemittanceInformation;
  debtor?: Party;
  debtorAccount?: Account;
  debtorAgent?: Agent;
  creditorAgent?: Agent;
  creditor?: Party;
  creditorAccount?: Account;
  purpose?: CodeOrProprietary;
}

/** The transaction-level part common to PaymentTransaction105 (pain.002) and 110 (pacs.002). */
export interface TransactionStatus {
  statusId?: string;
  originalInstructionId?: string;
  originalEndToEndId?: string;
  originalUetr?: string;
  /** ExternalPaymentTransactionStatus1Code. */
  status?: string;
  statusReasons?: StatusReason[];
  acceptanceDateTime?: string;
  accountServicerReference?: string;
  clearingSystemReference?: string;
  originalTransactionReference?: OriginalTransactionReference;
}
