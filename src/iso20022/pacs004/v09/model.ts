import type { SettlementInstruction } from '../../common/settlement.js';
import type { OriginalTransactionReference, StatusReason } from '../../common/status-types.js';
import type { Agent } from '../../common/types.js';
import type { Amount } from '../../money.js';

/** pacs.004.001.09 PaymentReturnV09: money sent back (refund of a credit transfer, R-transaction). */
export interface Pacs004v09 {
  groupHeader: {
    messageId: string;
    creationDateTime: string;
    batchBooking?: boolean;
    numberOfTransactions?: number;
    controlSum?: string;
    groupReturn?: boolean;
    /** Checked against the returned amounts when present (one currency only). */
    totalReturnedInterbankSettlementAmount?: Amount;
    interbankSettlementDate?: string;
    settlementInformation: SettlementInstruction;
    instructingAgent?: Agent;
    instructedAgent?: Agent;
  };
  originalGroup?: {
    originalMessageId: string;
    originalMessageNameId: string;
    originalCreationDateTime?: string;
    returnReasons?: StatusReason[];
  };
  transactions: Pacs004v09Transaction[];
}

export interface Pacs004v09Transaction {
  returnId?: string;
  originalGroup?: { messageId: string; messageNameId: string; creationDateTime?: string };
  originalInstructionId?: string;
  originalEndToEndId?: string;
  originalTransactionId?: string;
  originalUetr?: string;
  originalClearingSystemReference?: string;
  originalInterbankSettlementAmount?: Amount;
  originalInterbankSettlementDate?: string;
  returnedInterbankSettlementAmount: Amount;
  interbankSettlementDate?: string;
  settlementPriority?: string;
  returnedInstructedAmount?: Amount;
  exchangeRate?: string;
  compensationAmount?: Amount;
  chargeBearer?: string;
  charges?: Array<{ amount: Amount; agent: Agent }>;
  clearingSystemReference?: string;
  instructingAgent?: Agent;
  instructedAgent?: Agent;
  /** RtrRsnInf: ExternalReturnReason1Code (AC04, MD06, CUST, ...). */
  returnReasons?: StatusReason[];
  originalTransactionReference?: OriginalTransactionReference;
}
