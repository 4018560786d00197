import type { CamtDocument, CamtEntry } from '../../src/iso20022/camt/model.js';
import type {
  Account,
  Acmt023v03,
  Acmt024v03,
  Agent,
  Camt029v09,
  Camt055v08,
  Camt056v08,
  Head001v02,
  Pacs002v10,
  Pacs004v09,
  Pacs008v08,
  Pacs028v03,
  Pain001v09,
  Pain002v10,
  Party,
  PostalAddress,
} from '../../src/iso20022/index.js';

/** Models exercising every optional block each serializer can emit (all values XSD-valid). */

export const ADDRESS_FULL: PostalAddress = {
  addressType: 'BIZZ',
  department: 'Treasury',
  subDepartment: 'Payments',
  streetName: 'Hauptstrasse',
  buildingNumber: '12a',
  buildingName: 'Tower B',
  floor: '3',
  postBox: 'PB 44',
  room: '301',
  postCode: '60311',
  townName: 'Frankfurt am Main',
  townLocationName: 'Innenstadt',
  districtName: 'Altstadt',
  countrySubDivision: 'Hessen',
  country: 'DE',
  addressLines: ['c/o Accounts', 'Gate 2'],
};

export const AGENT_FULL: Agent = {
  bicfi: 'COBADEFFXXX',
  clearingSystemMember: { clearingSystem: { code: 'DEBLZ' }, memberId: '37040044' },
  lei: '5299000J2N45DDNE4Y28',
  name: 'Commerzbank AG',
  postalAddress: { townName: 'Frankfurt am Main', country: 'DE' },
  other: { id: 'AGENT-1', schemeName: { proprietary: 'LOCAL' }, issuer: 'Bundesbank' },
  branch: { id: 'BR-001', lei: '5299000J2N45DDNE4Y28', name: 'Filiale Mitte' },
};

export const ORG_PARTY: Party = {
  name: 'ACME Trading GmbH',
  postalAddress: ADDRESS_FULL,
  id: {
    organisation: {
      anyBic: 'ACMEDEFFXXX',
      lei: '5299000J2N45DDNE4Y28',
      other: [{ id: 'DE123456789', schemeName: { code: 'TXID' }, issuer: 'BZSt' }],
    },
  },
  countryOfResidence: 'DE',
  contact: { namePrefix: 'MADM', name: 'Erika Mustermann', phone: '+49-69123456', mobile: '+49-1701234567', email: 'treasury@acme.example' },
};

export const PERSON_PARTY: Party = {
  name: 'Max Mustermann',
  postalAddress: { streetName: 'Musterweg', buildingNumber: '1', postCode: '10115', townName: 'Berlin', country: 'DE' },
  id: {
    person: {
      birth: { date: '1980-02-29', province: 'Berlin', city: 'Berlin', country: 'DE' },
      other: [{ id: 'P1234567', schemeName: { code: 'CCPT' } }],
    },
  },
};

export const ACCOUNT_FULL: Account = {
  other: { id: '0532013000', schemeName: { code: 'BBAN' }, issuer: 'COBADEFF' },
  type: { code: 'CACC' },
  currency: 'EUR',
  name: 'Operating account',
  proxy: { type: { code: 'EMAL' }, id: 'pay@acme.example' },
};

export function pain001Full(): Pain001v09 {
  return {
    groupHeader: {
      messageId: 'b3f1c8a0d2e54f6a9c7b1e2d3f4a5b6c',
      creationDateTime: '2026-11-27T10:15:30.123+01:00',
      initiatingParty: ORG_PARTY,
      forwardingAgent: AGENT_FULL,
    },
    paymentInformation: [
      {
        paymentInformationId: 'PMTINF-0001',
        paymentMethod: 'TRF',
        batchBooking: true,
        paymentTypeInformation: {
          instructionPriority: 'NORM',
          serviceLevels: [{ code: 'SEPA' }, { proprietary: 'BANK-SPECIFIC' }],
          localInstrument: { code: 'INST' },
          categoryPurpose: { code: 'SUPP' },
        },
        requestedExecutionDate: { date: '2026-11-30' },
        debtor: ORG_PARTY,
        debtorAccount: { iban: 'DE89370400440532013000', currency: 'EUR' },
        debtorAgent: { bicfi: 'COBADEFFXXX' },
        instructionForDebtorAgent: 'Please execute today',
        ultimateDebtor: PERSON_PARTY,
        chargeBearer: 'SLEV',
        transactions: [
          {
            instructionId: 'INSTR-0001',
            endToEndId: '000000001',
            uetr: '8a562c67-ca16-48ba-b074-65581be6f011',
            paymentTypeInformation: { categoryPurpose: { proprietary: 'X1' } },
            amount: { amount: 394975, currency: 'EUR' },
            chargeBearer: 'SLEV',
            ultimateDebtor: { name: 'Ultimate D' },
            intermediaryAgent1: AGENT_FULL,
            creditorAgent: { bicfi: 'NWBKGB2L' },
            creditor: { name: 'Müller & Söhne <Ltd> "quoted" \'single\'', postalAddress: { townName: 'London', country: 'GB', addressLines: ['1 Main St'] } },
            creditorAccount: { iban: 'GB29NWBK60161331926819' },
            ultimateCreditor: PERSON_PARTY,
            instructionForDebtorAgent: 'Urgent',
            purpose: { code: 'GDDS' },
            remittanceInformation: {
              unstructured: ['Invoice 2026-0042 & 2026-0043'],
              structured: [
                {
                  referredDocuments: [{ type: { code: 'CINV' }, number: 'INV-42', relatedDate: '2026-11-01' }],
                  creditorReference: { type: { code: 'SCOR' }, issuer: 'ISO', reference: 'RF18539007547034' },
                  invoicer: { name: 'ACME' },
                  invoicee: { name: 'Customer' },
                  additionalInformation: ['line one', 'line two'],
                },
              ],
            },
          },
          {
            endToEndId: '12345678901234567890123',
            amount: { amount: 25000, currency: 'EUR' },
            creditor: { name: 'Second' },
            creditorAccount: ACCOUNT_FULL,
          },
        ],
      },
      {
        paymentInformationId: 'PMTINF-0002',
        paymentMethod: 'TRF',
        requestedExecutionDate: { dateTime: '2026-11-30T09:00:00Z' },
        debtor: { name: 'ACME' },
        debtorAccount: { iban: 'DE89370400440532013000' },
        debtorAgent: { clearingSystemMember: { memberId: '37040044' } },
        transactions: [{ endToEndId: 'E2E-JPY', amount: { amount: 1500, currency: 'JPY' }, creditorAccount: { iban: 'CH9300762011623852957' } }],
      },
    ],
  };
}

export function pain002Full(): Pain002v10 {
  return {
    groupHeader: {
      messageId: 'STS-1',
      creationDateTime: '2026-11-27T10:20:00+01:00',
      initiatingParty: { name: 'ACME' },
      forwardingAgent: { bicfi: 'COBADEFFXXX' },
      debtorAgent: { bicfi: 'COBADEFFXXX' },
      creditorAgent: { bicfi: 'NWBKGB2L' },
    },
    originalGroup: {
      originalMessageId: 'b3f1c8a0d2e54f6a9c7b1e2d3f4a5b6c',
      originalMessageNameId: 'pain.001.001.09',
      originalCreationDateTime: '2026-11-27T10:15:30+01:00',
      originalNumberOfTransactions: 3,
      originalControlSum: '4199.75',
      groupStatus: 'PART',
      statusReasons: [{ reason: { proprietary: 'SOME' }, additionalInformation: ['group note'] }],
      transactionsPerStatus: [
        { numberOfTransactions: 2, status: 'ACSP', controlSum: '3949.75' },
        { numberOfTransactions: 1, status: 'RJCT' },
      ],
    },
    payments: [
      {
        originalPaymentInformationId: 'PMTINF-0001',
        originalNumberOfTransactions: 2,
        originalControlSum: '4199.75',
        status: 'PART',
        statusReasons: [{ originator: { name: 'Bank' }, reason: { code: 'NARR' } }],
        transactionsPerStatus: [{ numberOfTransactions: 1, status: 'RJCT' }],
        transactions: [
          {
            statusId: 'S1',
            originalInstructionId: 'INSTR-0001',
            originalEndToEndId: '000000001',
            originalUetr: '8a562c67-ca16-48ba-b074-65581be6f011',
            status: 'ACSC',
            acceptanceDateTime: '2026-11-27T10:19:00+01:00',
            accountServicerReference: 'ASR-1',
            clearingSystemReference: 'CSR-1',
            originalTransactionReference: {
              interbankSettlementAmount: { amount: 394975, currency: 'EUR' },
              amount: { amount: 394975, currency: 'EUR' },
              interbankSettlementDate: '2026-11-30',
              requestedExecutionDate: { date: '2026-11-30' },
              remittanceInformation: { unstructured: ['Invoice 42'] },
              debtor: { name: 'ACME' },
              debtorAccount: { iban: 'DE89370400440532013000' },
              debtorAgent: { bicfi: 'COBADEFFXXX' },
              creditorAgent: { bicfi: 'NWBKGB2L' },
              creditor: { name: 'Creditor' },
              creditorAccount: { iban: 'GB29NWBK60161331926819' },
              purpose: { code: 'GDDS' },
            },
          },
          {
            originalEndToEndId: '12345678901234567890123',
            status: 'RJCT',
            statusReasons: [{ reason: { code: 'AC01' }, additionalInformation: ['Account number invalid'] }],
          },
        ],
      },
      { originalPaymentInformationId: 'PMTINF-0002', status: 'ACCP', transactions: [] },
    ],
  };
}

export function pacs008Full(): Pacs008v08 {
  return {
    groupHeader: {
      messageId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
      creationDateTime: '2026-11-27T10:15:30+00:00',
      batchBooking: false,
      totalInterbankSettlementAmount: { amount: 1000100, currency: 'EUR' },
      interbankSettlementDate: '2026-11-27',
      settlementInformation: {
        method: 'INDA',
        account: { iban: 'DE89370400440532013000' },
        instructingReimbursementAgent: { bicfi: 'DEUTDEFF' },
        instructedReimbursementAgent: { bicfi: 'NWBKGB2L' },
      },
      paymentTypeInformation: { instructionPriority: 'HIGH', clearingChannel: 'RTGS', serviceLevels: [{ code: 'G001' }] },
      instructingAgent: { bicfi: 'COBADEFFXXX' },
      instructedAgent: { bicfi: 'NWBKGB2LXXX' },
    },
    transactions: [
      {
        instructionId: 'I1',
        endToEndId: '000000001',
        transactionId: 'TX1',
        uetr: '8a562c67-ca16-48ba-b074-65581be6f011',
        clearingSystemReference: 'CSR',
        paymentTypeInformation: { localInstrument: { proprietary: 'CBPR' }, categoryPurpose: { code: 'CASH' } },
        interbankSettlementAmount: { amount: 1000000, currency: 'EUR' },
        interbankSettlementDate: '2026-11-27',
        settlementPriority: 'HIGH',
        acceptanceDateTime: '2026-11-27T10:15:00+00:00',
        instructedAmount: { amount: 1000500, currency: 'EUR' },
        exchangeRate: '1.0',
        chargeBearer: 'CRED',
        charges: [{ amount: { amount: 500, currency: 'EUR' }, agent: { bicfi: 'COBADEFFXXX' } }],
        previousInstructingAgent1: { bicfi: 'DEUTDEFF' },
        instructingAgent: { bicfi: 'COBADEFFXXX' },
        instructedAgent: { bicfi: 'NWBKGB2LXXX' },
        intermediaryAgent1: AGENT_FULL,
        intermediaryAgent1Account: { iban: 'DE89370400440532013000' },
        ultimateDebtor: PERSON_PARTY,
        initiatingParty: ORG_PARTY,
        debtor: ORG_PARTY,
        debtorAccount: { iban: 'DE89370400440532013000' },
        debtorAgent: { bicfi: 'COBADEFFXXX' },
        debtorAgentAccount: ACCOUNT_FULL,
        creditorAgent: { bicfi: 'NWBKGB2LXXX' },
        creditorAgentAccount: { iban: 'GB29NWBK60161331926819' },
        creditor: { name: 'Creditor Ltd', postalAddress: { townName: 'London', country: 'GB' } },
        creditorAccount: { iban: 'GB29NWBK60161331926819' },
        ultimateCreditor: { name: 'UC' },
        instructionsForCreditorAgent: [{ code: 'PHOB', information: 'call first' }],
        instructionsForNextAgent: [{ information: 'next' }],
        purpose: { code: 'GDDS' },
        remittanceInformation: { unstructured: ['Invoice 42'] },
      },
      {
        endToEndId: 'E2',
        interbankSettlementAmount: { amount: 100, currency: 'EUR' },
        chargeBearer: 'SHAR',
        debtor: { name: 'D' },
        debtorAgent: { bicfi: 'COBADEFFXXX' },
        creditorAgent: { bicfi: 'NWBKGB2L' },
        creditor: { name: 'C' },
      },
    ],
  };
}

export function pacs002Full(): Pacs002v10 {
  return {
    groupHeader: { messageId: 'P2-1', creationDateTime: '2026-11-27T10:30:00Z', instructingAgent: { bicfi: 'NWBKGB2L' }, instructedAgent: { bicfi: 'COBADEFF' } },
    originalGroups: [
      {
        originalMessageId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
        originalMessageNameId: 'pacs.008.001.08',
        originalCreationDateTime: '2026-11-27T10:15:30+00:00',
        originalNumberOfTransactions: 2,
        originalControlSum: '10001.00',
        groupStatus: 'PART',
        statusReasons: [{ reason: { code: 'NARR' } }],
        transactionsPerStatus: [{ numberOfTransactions: 1, status: 'ACSC' }],
      },
    ],
    transactions: [
      {
        statusId: 'ST1',
        originalGroup: { messageId: 'c0ffee00c0ffee00c0ffee00c0ffee00', messageNameId: 'pacs.008.001.08', creationDateTime: '2026-11-27T10:15:30+00:00' },
        originalInstructionId: 'I1',
        originalEndToEndId: '000000001',
        originalTransactionId: 'TX1',
        originalUetr: '8a562c67-ca16-48ba-b074-65581be6f011',
        status: 'ACSC',
        acceptanceDateTime: '2026-11-27T10:29:00Z',
        effectiveSettlementDate: { date: '2026-11-27' },
        accountServicerReference: 'ASR',
        clearingSystemReference: 'CSR',
        instructingAgent: { bicfi: 'NWBKGB2L' },
        instructedAgent: { bicfi: 'COBADEFF' },
        originalTransactionReference: { interbankSettlementAmount: { amount: 1000000, currency: 'EUR' }, interbankSettlementDate: '2026-11-27' },
      },
      { originalEndToEndId: 'E2', status: 'RJCT', statusReasons: [{ reason: { code: 'AM04' } }] },
    ],
  };
}

export function pacs028Full(): Pacs028v03 {
  return {
    groupHeader: { messageId: 'Q-1', creationDateTime: '2026-11-27T11:00:00+01:00', instructingAgent: { bicfi: 'COBADEFF' }, instructedAgent: { bicfi: 'NWBKGB2L' } },
    originalGroups: [
      { originalMessageId: 'c0ffee00', originalMessageNameId: 'pacs.008.001.08', originalCreationDateTime: '2026-11-27T10:15:30+00:00', originalNumberOfTransactions: 1, originalControlSum: '1.00' },
    ],
    transactions: [
      {
        statusRequestId: 'SR1',
        originalGroup: { messageId: 'c0ffee00', messageNameId: 'pacs.008.001.08' },
        originalInstructionId: 'I1',
        originalEndToEndId: 'E1',
        originalTransactionId: 'T1',
        originalUetr: '8a562c67-ca16-48ba-b074-65581be6f011',
        acceptanceDateTime: '2026-11-27T10:15:00+00:00',
        clearingSystemReference: 'C1',
        instructingAgent: { bicfi: 'COBADEFF' },
        instructedAgent: { bicfi: 'NWBKGB2L' },
        originalTransactionReference: { interbankSettlementAmount: { amount: 100, currency: 'EUR' }, debtor: { name: 'D' }, creditor: { name: 'C' } },
      },
    ],
  };
}

export function acmt023Full(): Acmt023v03 {
  return {
    assignment: {
      messageId: 'VRF-1',
      creationDateTime: '2026-11-27T11:00:00+01:00',
      creator: { party: { name: 'Railyard' } },
      firstAgent: { bicfi: 'COBADEFF' },
      assigner: { party: { name: 'Railyard' } },
      assignee: { agent: { bicfi: 'COBADEFFXXX' } },
    },
    verifications: [
      { id: 'V1', partyAndAccount: { party: { name: 'Max Mustermann' }, account: { iban: 'DE89370400440532013000' }, agent: { bicfi: 'COBADEFF' } } },
      { id: 'V2', partyAndAccount: { account: { iban: 'DE02120300000000202051' } } },
    ],
  };
}

export function acmt024Full(): Acmt024v03 {
  return {
    assignment: {
      messageId: 'VRR-1',
      creationDateTime: '2026-11-27T11:00:01+01:00',
      assigner: { agent: { bicfi: 'COBADEFFXXX' } },
      assignee: { party: { name: 'Railyard' } },
    },
    originalAssignment: { messageId: 'VRF-1', creationDateTime: '2026-11-27T11:00:00+01:00', firstAgent: { bicfi: 'COBADEFF' } },
    reports: [
      { originalId: 'V1', verified: true, original: { party: { name: 'Max Mustermann' }, account: { iban: 'DE89370400440532013000' } } },
      { originalId: 'V2', verified: false, reason: { code: 'NMTC' }, updated: { party: { name: 'Erika Mustermann' } } },
    ],
  };
}

export function pacs004Full(): Pacs004v09 {
  return {
    groupHeader: {
      messageId: 'RTR-1',
      creationDateTime: '2026-11-28T09:00:00+01:00',
      batchBooking: false,
      groupReturn: false,
      totalReturnedInterbankSettlementAmount: { amount: 1000100, currency: 'EUR' },
      interbankSettlementDate: '2026-11-28',
      settlementInformation: { method: 'CLRG', clearingSystem: { code: 'ST2' } },
      instructingAgent: { bicfi: 'NWBKGB2L' },
      instructedAgent: { bicfi: 'COBADEFF' },
    },
    originalGroup: {
      originalMessageId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
      originalMessageNameId: 'pacs.008.001.08',
      originalCreationDateTime: '2026-11-27T10:15:30+00:00',
      returnReasons: [{ reason: { code: 'AC04' } }],
    },
    transactions: [
      {
        returnId: 'R1',
        originalGroup: { messageId: 'c0ffee00c0ffee00c0ffee00c0ffee00', messageNameId: 'pacs.008.001.08', creationDateTime: '2026-11-27T10:15:30+00:00' },
        originalInstructionId: 'I1',
        originalEndToEndId: '000000001',
        originalTransactionId: 'TX1',
        originalUetr: '8a562c67-ca16-48ba-b074-65581be6f011',
        originalClearingSystemReference: 'CSR',
        originalInterbankSettlementAmount: { amount: 1000000, currency: 'EUR' },
        originalInterbankSettlementDate: '2026-11-27',
        returnedInterbankSettlementAmount: { amount: 1000000, currency: 'EUR' },
        interbankSettlementDate: '2026-11-28',
        settlementPriority: 'NORM',
        returnedInstructedAmount: { amount: 1000000, currency: 'EUR' },
        exchangeRate: '1',
        compensationAmount: { amount: 12, currency: 'EUR' },
        chargeBearer: 'SLEV',
        charges: [{ amount: { amount: 100, currency: 'EUR' }, agent: { bicfi: 'NWBKGB2L' } }],
        clearingSystemReference: 'CSR2',
        instructingAgent: { bicfi: 'NWBKGB2L' },
        instructedAgent: { bicfi: 'COBADEFF' },
        returnReasons: [{ originator: { name: 'NatWest' }, reason: { code: 'AC04' }, additionalInformation: ['Account closed'] }],
        originalTransactionReference: { interbankSettlementAmount: { amount: 1000000, currency: 'EUR' }, debtor: { name: 'ACME' }, creditor: { name: 'Creditor' } },
      },
      { returnedInterbankSettlementAmount: { amount: 100, currency: 'EUR' }, returnReasons: [{ reason: { proprietary: 'OTHER' } }] },
    ],
  };
}

const CASE_ASSIGNMENT = {
  id: 'CASE-ASSIGN-1',
  assigner: { agent: { bicfi: 'COBADEFFXXX' } },
  assignee: { party: { name: 'NatWest Operations' } },
  creationDateTime: '2026-11-28T10:00:00+01:00',
};

export function camt056Full(): Camt056v08 {
  return {
    assignment: CASE_ASSIGNMENT,
    case: { id: 'CASE-1', creator: { party: { name: 'Railyard' } }, reopenCaseIndication: false },
    controlData: { numberOfTransactions: 2, controlSum: '10001.00' },
    underlying: [
      {
        originalGroup: {
          groupCancellationId: 'GC-1',
          case: { id: 'CASE-G', creator: { agent: { bicfi: 'COBADEFF' } } },
          originalMessageId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
          originalMessageNameId: 'pacs.008.001.08',
          originalCreationDateTime: '2026-11-27T10:15:30+00:00',
          numberOfTransactions: 2,
          controlSum: '10001.00',
          groupCancellation: false,
          cancellationReasons: [{ reason: { code: 'DUPL' }, additionalInformation: ['sent twice'] }],
        },
        transactions: [
          {
            cancellationId: 'CX1',
            case: { id: 'CASE-T1', creator: { party: { name: 'Railyard' } } },
            originalGroup: { messageId: 'c0ffee00c0ffee00c0ffee00c0ffee00', messageNameId: 'pacs.008.001.08' },
            originalInstructionId: 'I1',
            originalEndToEndId: '000000001',
            originalTransactionId: 'TX1',
            originalUetr: '8a562c67-ca16-48ba-b074-65581be6f011',
            originalClearingSystemReference: 'CSR',
            originalInterbankSettlementAmount: { amount: 1000000, currency: 'EUR' },
            originalInterbankSettlementDate: '2026-11-27',
            assigner: { bicfi: 'COBADEFF' },
            assignee: { bicfi: 'NWBKGB2L' },
            cancellationReasons: [{ originator: { name: 'ACME' }, reason: { code: 'FRAD' } }],
            originalTransactionReference: { interbankSettlementAmount: { amount: 1000000, currency: 'EUR' } },
          },
          { originalEndToEndId: 'E2', cancellationReasons: [{ reason: { proprietary: 'OTHR' } }] },
        ],
      },
    ],
  };
}

export function camt029Full(): Camt029v09 {
  return {
    assignment: CASE_ASSIGNMENT,
    resolvedCase: { id: 'CASE-1', creator: { party: { name: 'Railyard' } } },
    status: { confirmation: 'RJCR' },
    cancellationDetails: [
      {
        originalGroup: {
          originalGroupCancellationId: 'GC-1',
          resolvedCase: { id: 'CASE-G', creator: { agent: { bicfi: 'COBADEFF' } } },
          originalMessageId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
          originalMessageNameId: 'pacs.008.001.08',
          originalCreationDateTime: '2026-11-27T10:15:30+00:00',
          originalNumberOfTransactions: 2,
          originalControlSum: '10001.00',
          groupCancellationStatus: 'PACR',
          cancellationStatusReasons: [{ reason: { code: 'ARDT' } }],
        },
        transactions: [
          {
            cancellationStatusId: 'CS1',
            resolvedCase: { id: 'CASE-T1', creator: { party: { name: 'Railyard' } } },
            originalGroup: { messageId: 'c0ffee00c0ffee00c0ffee00c0ffee00', messageNameId: 'pacs.008.001.08' },
            originalInstructionId: 'I1',
            originalEndToEndId: '000000001',
            originalTransactionId: 'TX1',
            originalClearingSystemReference: 'CSR',
            originalUetr: '8a562c67-ca16-48ba-b074-65581be6f011',
            transactionCancellationStatus: 'RJCR',
            cancellationStatusReasons: [{ originator: { name: 'NatWest' }, reason: { code: 'NOAS' }, additionalInformation: ['no answer from customer'] }],
            originalInterbankSettlementAmount: { amount: 1000000, currency: 'EUR' },
            originalInterbankSettlementDate: '2026-11-27',
            originalTransactionReference: { interbankSettlementAmount: { amount: 1000000, currency: 'EUR' } },
          },
          { originalEndToEndId: 'E2', transactionCancellationStatus: 'ACCR' },
        ],
      },
      {
        // the answer to a camt.055: per original payment information block
        payments: [
          {
            originalPaymentInformationCancellationId: 'PC-1',
            resolvedCase: { id: 'CASE-P', creator: { party: { name: 'Railyard' } } },
            originalPaymentInformationId: 'PMTINF-1',
            originalGroup: { messageId: 'c0ffee00c0ffee00c0ffee00c0ffee00', messageNameId: 'pain.001.001.09', creationDateTime: '2026-11-27T10:15:30+00:00' },
            originalNumberOfTransactions: 2,
            originalControlSum: '35.00',
            paymentInformationCancellationStatus: 'PACR',
            cancellationStatusReasons: [{ reason: { code: 'ARDT' } }],
            transactions: [
              {
                cancellationStatusId: 'CS-P1',
                resolvedCase: { id: 'CASE-P1', creator: { agent: { bicfi: 'COBADEFF' } } },
                originalInstructionId: 'I1',
                originalEndToEndId: '000000001',
                uetr: '8a562c67-ca16-48ba-b074-65581be6f011',
                transactionCancellationStatus: 'ACCR',
                originalInstructedAmount: { amount: 1000, currency: 'EUR' },
                originalRequestedExecutionDate: { date: '2026-11-27' },
                originalRequestedCollectionDate: '2026-11-28',
                originalTransactionReference: { amount: { amount: 1000, currency: 'EUR' } },
              },
              { originalEndToEndId: 'E2', transactionCancellationStatus: 'RJCR', cancellationStatusReasons: [{ reason: { code: 'ARDT' } }] },
            ],
          },
        ],
        transactions: [],
      },
    ],
  };
}

export function head001Full(): Head001v02 {
  return {
    characterSet: 'LATN',
    from: { institution: { bicfi: 'COBADEFFXXX' } },
    to: { organisation: { name: 'NatWest', id: { organisation: { anyBic: 'NWBKGB2LXXX' } } } },
    businessMessageId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
    messageDefinitionId: 'pacs.008.001.08',
    businessService: 'swift.cbprplus.02',
    marketPractice: { registry: 'www2.swift.com/mystandards/#/group/Cross_Border_Payments_and_Reporting_Plus', id: 'CBPRPlus-pacs.008.001.08' },
    creationDate: '2026-11-27T10:15:30+00:00',
    businessProcessingDate: '2026-11-27T10:15:31+00:00',
    copyDuplicate: 'CODU',
    possibleDuplicate: false,
    priority: 'NORM',
  };
}

export function camt055Full(): Camt055v08 {
  return {
    assignment: { ...CASE_ASSIGNMENT, assigner: { party: { name: 'ACME' } }, assignee: { agent: { bicfi: 'COBADEFFXXX' } } },
    case: { id: 'CASE-55', creator: { party: { name: 'ACME' } } },
    controlData: { numberOfTransactions: 2, controlSum: '3949.75' },
    underlying: [
      {
        originalGroup: {
          groupCancellationId: 'GC-55',
          originalMessageId: 'b3f1c8a0d2e54f6a9c7b1e2d3f4a5b6c',
          originalMessageNameId: 'pain.001.001.09',
          originalCreationDateTime: '2026-11-27T10:15:30+01:00',
          numberOfTransactions: 3,
          controlSum: '5699.75',
          groupCancellation: false,
          cancellationReasons: [{ reason: { code: 'CUST' } }],
        },
        payments: [
          {
            paymentCancellationId: 'PC-1',
            case: { id: 'CASE-55P', creator: { party: { name: 'ACME' } } },
            originalPaymentInformationId: 'PMTINF-0001',
            originalGroup: { messageId: 'b3f1c8a0d2e54f6a9c7b1e2d3f4a5b6c', messageNameId: 'pain.001.001.09' },
            numberOfTransactions: 2,
            controlSum: '4199.75',
            paymentInformationCancellation: false,
            cancellationReasons: [{ reason: { proprietary: 'WRONG-ORDER' } }],
            transactions: [
              {
                cancellationId: 'C1',
                case: { id: 'CASE-55T', creator: { party: { name: 'ACME' } } },
                originalInstructionId: 'INSTR-0001',
                originalEndToEndId: '000000001',
                originalUetr: '8a562c67-ca16-48ba-b074-65581be6f011',
                originalInstructedAmount: { amount: 394975, currency: 'EUR' },
                originalRequestedExecutionDate: { date: '2026-11-30' },
                originalRequestedCollectionDate: '2026-11-30',
                cancellationReasons: [{ originator: { name: 'ACME' }, reason: { code: 'DUPL' }, additionalInformation: ['ordered twice'] }],
                originalTransactionReference: { amount: { amount: 394975, currency: 'EUR' }, creditor: { name: 'Creditor' } },
              },
              { originalEndToEndId: '12345678901234567890123' },
            ],
          },
        ],
      },
    ],
  };
}

/** A statement with every kind of block a bank puts in one: the writer must carry each of them. */
export function camt053Full(): CamtDocument {
  const credit: CamtEntry = {
    entryReference: 'N1',
    amount: { amount: 12345, currency: 'EUR' },
    creditDebit: 'CRDT',
    status: 'BOOK',
    bookingDate: { date: '2026-11-27' },
    valueDate: { date: '2026-11-27' },
    accountServicerReference: 'SIMREF0001',
    bankTransactionCode: { domain: { code: 'PMNT', family: { code: 'RCDT', subFamilyCode: 'ESCT' } }, proprietary: { code: 'NTRF', issuer: 'SIM' } },
    transactions: [
      {
        references: {
          messageId: 'MSG-0001',
          accountServicerReference: 'SIMTX0001',
          paymentInformationId: 'PMT-1',
          instructionId: 'INSTR-1',
          endToEndId: '000000123',
          uetr: '0f3a2c4e-6b1d-4a8e-9c7f-2d5e8b1a3c6f',
          transactionId: 'TX-1',
        },
        amount: { amount: 12345, currency: 'EUR' },
        creditDebit: 'CRDT',
        instructedAmount: { amount: 12345, currency: 'EUR' },
        debtor: { name: 'Max Mustermann', postalAddress: { townName: 'Berlin', country: 'DE' } },
        debtorAccount: { iban: 'DE89370400440532013000' },
        creditor: { name: 'Shop GmbH' },
        creditorAccount: { iban: 'DE75512108001245126199', currency: 'EUR', name: 'Shop main' },
        debtorAgent: { bicfi: 'COBADEFFXXX' },
        creditorAgent: { bicfi: 'SIMBDEFFXXX' },
        purpose: { code: 'GDDS' },
        remittanceInformation: { unstructured: ['Order 4711'] },
        additionalTransactionInformation: 'first',
      },
    ],
    additionalEntryInformation: 'SEPA credit',
  };
  const batch: CamtEntry = {
    amount: { amount: 300, currency: 'EUR' },
    creditDebit: 'DBIT',
    status: 'BOOK',
    bookingDate: { dateTime: '2026-11-27T10:00:00+01:00' },
    valueDate: { date: '2026-11-27' },
    accountServicerReference: 'SIMREF0002',
    bankTransactionCode: { domain: { code: 'PMNT', family: { code: 'ICDT', subFamilyCode: 'ESCT' } } },
    batches: [
      { messageId: 'MSG-0002', paymentInformationId: 'PMT-A', numberOfTransactions: '2', totalAmount: { amount: 200, currency: 'EUR' } },
      { paymentInformationId: 'PMT-B', numberOfTransactions: '1' },
    ],
    transactions: [
      { references: { paymentInformationId: 'PMT-A', endToEndId: 'E2E-A1' }, amount: { amount: 100, currency: 'EUR' }, creditDebit: 'DBIT' },
      { references: { paymentInformationId: 'PMT-A', endToEndId: 'E2E-A2' }, amount: { amount: 100, currency: 'EUR' }, creditDebit: 'DBIT' },
      {
        references: { paymentInformationId: 'PMT-B', endToEndId: 'E2E-B1' },
        amount: { amount: 100, currency: 'EUR' },
        creditDebit: 'DBIT',
        creditorInstitution: { bicfi: 'DEUTDEFFXXX' },
      },
    ],
  };
  const returned: CamtEntry = {
    amount: { amount: 12345, currency: 'EUR' },
    creditDebit: 'DBIT',
    reversal: true,
    status: 'BOOK',
    bookingDate: { date: '2026-11-27' },
    accountServicerReference: 'SIMREF0003',
    bankTransactionCode: { domain: { code: 'PMNT', family: { code: 'RCDT', subFamilyCode: 'RRTN' } } },
    transactions: [
      {
        references: { endToEndId: '000000123', accountServicerReference: 'SIMTX0003' },
        amount: { amount: 12345, currency: 'EUR' },
        creditDebit: 'DBIT',
        returnReason: { code: 'AC04' },
        returnAdditionalInformation: ['account closed'],
      },
    ],
  };
  return {
    groupHeader: {
      messageId: 'STMT-20261127-1',
      creationDateTime: '2026-11-27T18:00:00+01:00',
      recipient: { name: 'Railyard' },
      pagination: { pageNumber: '1', lastPage: true },
      additionalInformation: 'daily',
    },
    reports: [
      {
        id: 'STMT-20261127-1-1',
        electronicSequenceNumber: '42',
        legalSequenceNumber: '42',
        creationDateTime: '2026-11-27T18:00:00+01:00',
        fromToDate: { from: '2026-11-27T00:00:00+01:00', to: '2026-11-27T23:59:59+01:00' },
        copyDuplicate: 'CODU',
        account: {
          iban: 'DE75512108001245126199',
          type: { code: 'CACC' },
          currency: 'EUR',
          name: 'Shop main',
          owner: { name: 'Shop GmbH' },
          servicer: { bicfi: 'SIMBDEFFXXX' },
        },
        balances: [
          { type: { code: 'OPBD' }, amount: { amount: 1000, currency: 'EUR' }, creditDebit: 'CRDT', date: { date: '2026-11-27' } },
          { type: { code: 'CLBD' }, subType: { proprietary: 'END' }, amount: { amount: 700, currency: 'EUR' }, creditDebit: 'DBIT', date: { date: '2026-11-27' } },
        ],
        summary: { entries: { count: '3', sum: '250.45' }, credits: { count: '1', sum: '123.45' }, debits: { count: '2', sum: '126.45' } },
        entries: [credit, batch, returned],
        additionalInformation: 'end of day',
      },
    ],
  };
}

/** The same report as a notification: camt.054 v8 has no balances. */
export function camt054Full(): CamtDocument {
  const s = camt053Full();
  const r = s.reports[0];
  if (!r) throw new Error('fixture has a report');
  return { ...s, reports: [{ ...r, balances: [] }] };
}
