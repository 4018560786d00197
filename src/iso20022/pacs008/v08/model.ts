import type { SettlementInstruction } from '../../common/settlement.js';
import type { Amount } from '../../money.js';
import type {
  Account,
  Agent,
  CodeOrProprietary,
  Party,
  PaymentTypeInformation,
  RemittanceInformation,
} from '../../common/types.js';

/** pacs.008.001.08 FIToFICustomerCreditTransferV08: the interbank customer credit transfer. */
export interface Pacs008v08 {
  groupHeader: {
    messageId: string;
    creationDateTime: string;
    batchBooking?: boolean;
    numberOfTransactions?: number;
    controlSum?: string;
    /** Checked against the sum of the transactions when present (one currency only). */
    totalInterbankSettlementAmount?: Amount;
    interbankSettlementDate?: string;
    settlementInformation: SettlementInstruction;
    paymentTypeInformation?: PaymentTypeInformation;
    instructingAgent?: Agent;
    instructedAgent?: Agent;
  };
  transactions: Pacs008v08Transaction[];
}

export interface AgentInstruction {
  code?: string;
  information?: string;
}

export interface Pacs008v08Transaction {
  instructionId?: string;
  endToEndId: string;
  transactionId?: string;
  uetr?: string;
  clearingSystemReference?: string;
  paymentTypeInformation?: PaymentTypeInformation;
  interbankSettlementAmount: Amount;
  interbankSettlementDate?: string;
  settlementPriority?: string;
  acceptanceDateTime?: string;
  instructedAmount?: Amount;
  /** BaseOneRate, kept as the exact decimal string. */
  exchangeRate?: string;
  /** DEBT, CRED, SHAR or SLEV. */
  chargeBearer: string;
  charges?: Array<{ amount: Amount; agent: Agent }>;
  previousInstructingAgent1?: Agent;
  instructingAgent?: Agent;
  instructedAgent?: Agent;
  intermediaryAgent1?: Agent;
  intermediaryAgent1Account?: Account;
  ultimateDebtor?: Party;
  initiatingParty?: Party;
  debtor: Party;
  debtorAccount?: Account;
  debtorAgent: Agent;
  debtorAgentAccount?: Account;
  creditorAgent: Agent;
  creditorAgentAccount?: Account;
  creditor: Party;
  creditorAccount?: Account;
  ultimateCreditor?: Party;
  instructionsForCreditorAgent?: AgentInstruction[];
  instructionsForNextAgent?: AgentInstruction[];
  purpose?: CodeOrProprietary;
  remittanceInformation?: RemittanceInformation;
}
