import type { Case, CaseAssignment, OriginalGroupReference } from '../../common/case.js';
import type { OriginalTransactionReference, StatusReason } from '../../common/status-types.js';
import type { DateOrDateTime } from '../../common/types.js';
import type { Amount } from '../../money.js';

/**
 * camt.029.001.09 ResolutionOfInvestigationV09, the answer to a camt.056 cancellation request.
 * Modelled: the case, the investigation status and the cancellation details per group and
 * transaction (the modification, claim-non-receipt and statement branches are not).
 */
export interface Camt029v09 {
  assignment: CaseAssignment;
  resolvedCase?: Case;
  /** InvestigationStatus5Choice: `Conf` code (CNCL cancelled, RJCR rejected, PDCR pending, ...) or `AssgnmtCxlConf`. */
  status: { confirmation?: string; assignmentCancellationConfirmation?: boolean };
  cancellationDetails?: Camt029v09CancellationDetails[];
}

export interface Camt029v09CancellationDetails {
  originalGroup?: {
    originalGroupCancellationId?: string;
    resolvedCase?: Case;
    originalMessageId: string;
    originalMessageNameId: string;
    originalCreationDateTime?: string;
    originalNumberOfTransactions?: number;
    originalControlSum?: string;
    /** GroupCancellationStatus1Code: PACR, RJCR, ACCR, PDCR. */
    groupCancellationStatus?: string;
    cancellationStatusReasons?: StatusReason[];
  };
  /** OrgnlPmtInfAndSts: the answer to a camt.055 (customer) request, per original payment information block. */
  payments?: Camt029v09Payment[];
  /** TxInfAndSts: the answer to a camt.056 (FI-to-FI) request. */
  transactions: Camt029v09Transaction[];
}

/** OriginalPaymentInstruction30 (the commonly used part). */
export interface Camt029v09Payment {
  originalPaymentInformationCancellationId?: string;
  resolvedCase?: Case;
  originalPaymentInformationId: string;
  originalGroup?: OriginalGroupReference;
  originalNumberOfTransactions?: number;
  originalControlSum?: string;
  /** GroupCancellationStatus1Code: PACR, RJCR, ACCR, PDCR. */
  paymentInformationCancellationStatus?: string;
  cancellationStatusReasons?: StatusReason[];
  transactions?: Camt029v09PaymentTransaction[];
}

/** PaymentTransaction103: one transaction of a pain.001 the customer asked to cancel. */
export interface Camt029v09PaymentTransaction {
  cancellationStatusId?: string;
  resolvedCase?: Case;
  originalInstructionId?: string;
  originalEndToEndId?: string;
  uetr?: string;
  /** CancellationIndividualStatus1Code: RJCR, ACCR, PDCR. */
  transactionCancellationStatus?: string;
  cancellationStatusReasons?: StatusReason[];
  originalInstructedAmount?: Amount;
  originalRequestedExecutionDate?: DateOrDateTime;
  originalRequestedCollectionDate?: string;
  originalTransactionReference?: OriginalTransactionReference;
}

export interface Camt029v09Transaction {
  cancellationStatusId?: string;
  resolvedCase?: Case;
  originalGroup?: OriginalGroupReference;
  originalInstructionId?: string;
  originalEndToEndId?: string;
  originalTransactionId?: string;
  originalClearingSystemReference?: string;
  originalUetr?: string;
  /** CancellationIndividualStatus1Code: RJCR, ACCR, PDCR. */
  transactionCancellationStatus?: string;
  /** CxlStsRsnInf: ExternalPaymentCancellationRejection1Code (LEGL, AGNT, CUST, NOAS, ARDT, ...). */
  cancellationStatusReasons?: StatusReason[];
  originalInterbankSettlementAmount?: Amount;
  originalInterbankSettlementDate?: string;
  originalTransactionReference?: OriginalTransactionReference;
}
