import type { Case, CaseAssignment, ControlData, OriginalGroupCancellation, OriginalGroupReference } from '../../common/case.js';
import type { OriginalTransactionReference, StatusReason } from '../../common/status-types.js';
import type { Agent } from '../../common/types.js';
import type { Amount } from '../../money.js';

/** camt.056.001.08 FIToFIPaymentCancellationRequestV08: "please cancel / recall this payment". */
export interface Camt056v08 {
  assignment: CaseAssignment;
  case?: Case;
  /** NbOfTxs is checked against the transactions listed when given. */
  controlData?: ControlData;
  underlying: Camt056v08Underlying[];
}

export interface Camt056v08Underlying {
  originalGroup?: OriginalGroupCancellation;
  transactions: Camt056v08Transaction[];
}

export interface Camt056v08Transaction {
  cancellationId?: string;
  case?: Case;
  originalGroup?: OriginalGroupReference;
  originalInstructionId?: string;
  originalEndToEndId?: string;
  originalTransactionId?: string;
  originalUetr?: string;
  originalClearingSystemReference?: string;
  originalInterbankSettlementAmount?: Amount;
  originalInterbankSettlementDate?: string;
  assigner?: Agent;
  assignee?: Agent;
  cancellationReasons?: StatusReason[];
  originalTransactionReference?: OriginalTransactionReference;
}
