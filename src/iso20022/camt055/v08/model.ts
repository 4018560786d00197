import type { Case, CaseAssignment, ControlData, OriginalGroupCancellation, OriginalGroupReference } from '../../common/case.js';
import type { OriginalTransactionReference, StatusReason } from '../../common/status-types.js';
import type { DateOrDateTime } from '../../common/types.js';
import type { Amount } from '../../money.js';

/** camt.055.001.08 CustomerPaymentCancellationRequestV08: the customer asks its bank to cancel a pain.001. */
export interface Camt055v08 {
  assignment: CaseAssignment;
  case?: Case;
  /** NbOfTxs is checked against the transactions listed when given. */
  controlData?: ControlData;
  underlying: Camt055v08Underlying[];
}

export interface Camt055v08Underlying {
  originalGroup?: OriginalGroupCancellation;
  payments?: Camt055v08Payment[];
}

export interface Camt055v08Payment {
  paymentCancellationId?: string;
  case?: Case;
  originalPaymentInformationId: string;
  originalGroup?: OriginalGroupReference;
  numberOfTransactions?: number;
  controlSum?: string;
  paymentInformationCancellation?: boolean;
  cancellationReasons?: StatusReason[];
  transactions?: Camt055v08Transaction[];
}

export interface Camt055v08Transaction {
  cancellationId?: string;
  case?: Case;
  originalInstructionId?: string;
  originalEndToEndId?: string;
  originalUetr?: string;
  originalInstructedAmount?: Amount;
  originalRequestedExecutionDate?: DateOrDateTime;
  originalRequestedCollectionDate?: string;
  cancellationReasons?: StatusReason[];
  originalTransactionReference?: OriginalTransactionReference;
}
