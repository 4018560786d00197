import type { Amount } from '../money.js';
import type { Agent, CodeOrProprietary, DateOrDateTime, GenericIdentification, Party, RemittanceInformation } from '../common/types.js';

/**
 * One model for the bank-to-customer cash management family, all versions read here
 * (camt.052 report, camt.053 statement, camt.054 notification; .001.01 to .001.08): the
 * structures are the same account report with different names for the top element.
 */
export interface CamtDocument {
  groupHeader: {
    messageId: string;
    creationDateTime: string;
    recipient?: Party;
    pagination?: { pageNumber: string; lastPage: boolean };
    additionalInformation?: string;
  };
  /** `Rpt` (052), `Stmt` (053) or `Ntfctn` (054), in file order. */
  reports: CamtReport[];
}

export interface CamtAccount {
  iban?: string;
  other?: GenericIdentification;
  type?: CodeOrProprietary;
  currency?: string;
  name?: string;
  owner?: Party;
  servicer?: Agent;
}

export interface CamtBalance {
  /** Tp/CdOrPrtry: OPBD, CLBD, ITBD, CLAV, FWAV, PRCD, ... */
  type: CodeOrProprietary;
  subType?: CodeOrProprietary;
  amount: Amount;
  creditDebit: string;
  date: DateOrDateTime;
}

export interface CamtBankTransactionCode {
  domain?: { code: string; family: { code: string; subFamilyCode: string } };
  proprietary?: { code: string; issuer?: string };
}

export interface CamtReferences {
  messageId?: string;
  accountServicerReference?: string;
  paymentInformationId?: string;
  instructionId?: string;
  endToEndId?: string;
  uetr?: string;
  transactionId?: string;
  mandateId?: string;
  chequeNumber?: string;
  clearingSystemReference?: string;
}

export interface CamtTransactionDetails {
  references?: CamtReferences;
  /** The transaction's own amount (v4+ `Amt`; v2 `AmtDtls/TxAmt/Amt`). */
  amount?: Amount;
  creditDebit?: string;
  instructedAmount?: Amount;
  bankTransactionCode?: CamtBankTransactionCode;
  debtor?: Party;
  /** v8 `RltdPties/Dbtr/Agt`: the debtor is itself a financial institution. */
  debtorInstitution?: Agent;
  debtorAccount?: CamtAccount;
  ultimateDebtor?: Party;
  creditor?: Party;
  creditorInstitution?: Agent;
  creditorAccount?: CamtAccount;
  ultimateCreditor?: Party;
  debtorAgent?: Agent;
  creditorAgent?: Agent;
  purpose?: CodeOrProprietary;
  remittanceInformation?: RemittanceInformation;
  returnReason?: CodeOrProprietary;
  returnAdditionalInformation?: string[];
  additionalTransactionInformation?: string;
}

export interface CamtEntry {
  entryReference?: string;
  amount: Amount;
  /** CRDT or DBIT. */
  creditDebit: string;
  reversal?: boolean;
  /** BOOK, PDNG, INFO (text in old versions, `Sts/Cd` in .08). */
  status: string;
  bookingDate?: DateOrDateTime;
  valueDate?: DateOrDateTime;
  accountServicerReference?: string;
  bankTransactionCode?: CamtBankTransactionCode;
  batches?: Array<{ messageId?: string; paymentInformationId?: string; numberOfTransactions?: string; totalAmount?: Amount }>;
  /** Every NtryDtls/TxDtls, flattened in file order. */
  transactions: CamtTransactionDetails[];
  additionalEntryInformation?: string;
}

export interface CamtReport {
  id: string;
  electronicSequenceNumber?: string;
  legalSequenceNumber?: string;
  creationDateTime?: string;
  fromToDate?: { from?: string; to?: string };
  copyDuplicate?: string;
  account: CamtAccount;
  balances: CamtBalance[];
  summary?: {
    entries?: { count?: string; sum?: string };
    credits?: { count?: string; sum?: string };
    debits?: { count?: string; sum?: string };
  };
  entries: CamtEntry[];
  additionalInformation?: string;
}
