import type { Amount } from '../../money.js';
import type {
  Account,
  Agent,
  CodeOrProprietary,
  DateOrDateTime,
  Party,
  PaymentTypeInformation,
  RemittanceInformation,
} from '../../common/types.js';

/** pain.001.001.09 CustomerCreditTransferInitiationV09: the customer's credit transfer order. */
export interface Pain001v09 {
  groupHeader: {
    messageId: string;
    /** ISODateTime with an explicit offset, as sent. */
    creationDateTime: string;
    /** Computed on build when absent; checked when present. */
    numberOfTransactions?: number;
    /** Decimal sum of all instructed amounts; computed on build when absent. */
    controlSum?: string;
    initiatingParty: Party;
    forwardingAgent?: Agent;
  };
  paymentInformation: Pain001v09Payment[];
}

export interface Pain001v09Payment {
  paymentInformationId: string;
  /** TRF, CHK or TRA. */
  paymentMethod: string;
  batchBooking?: boolean;
  numberOfTransactions?: number;
  controlSum?: string;
  paymentTypeInformation?: PaymentTypeInformation;
  requestedExecutionDate: DateOrDateTime;
  debtor: Party;
  debtorAccount: Account;
  debtorAgent: Agent;
  instructionForDebtorAgent?: string;
  ultimateDebtor?: Party;
  /** DEBT, CRED, SHAR or SLEV. */
  chargeBearer?: string;
  transactions: Pain001v09Transaction[];
}

export interface Pain001v09Transaction {
  instructionId?: string;
  endToEndId: string;
  /** Lowercase UUIDv4. */
  uetr?: string;
  paymentTypeInformation?: PaymentTypeInformation;
  /** InstdAmt, integer minor units. */
  amount: Amount;
  chargeBearer?: string;
  ultimateDebtor?: Party;
  intermediaryAgent1?: Agent;
  creditorAgent?: Agent;
  creditor?: Party;
  creditorAccount?: Account;
  ultimateCreditor?: Party;
  instructionForDebtorAgent?: string;
  purpose?: CodeOrProprietary;
  remittanceInformation?: RemittanceInformation;
}
