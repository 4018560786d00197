import { build, type Pain002v10 } from '../../src/iso20022/index.js';

/**
 * A partial-acceptance status report the project builds itself: group PART, payment ACCP, one
 * transaction accepted (ACSP) and one rejected (RJCT, AC01). It has the shape of the bank sample in
 * ../shared/iso20022/samples (the per-transaction outcome must win over the group status), so the
 * checks that need only that shape run in a clone of the repository alone.
 */
export function partialAcceptanceModel(): Pain002v10 {
  return {
    groupHeader: { messageId: 'STSRPT-PART-0001', creationDateTime: '2026-11-27T08:00:00+01:00' },
    originalGroup: {
      originalMessageId: 'MSG-PART-0001',
      originalMessageNameId: 'pain.001.001.09',
      originalCreationDateTime: '2026-11-26T17:00:00+01:00',
      originalNumberOfTransactions: 2,
      originalControlSum: '1250.50',
      groupStatus: 'PART',
    },
    payments: [
      {
        originalPaymentInformationId: 'PMTINF-PART-1',
        originalNumberOfTransactions: 2,
        originalControlSum: '1250.50',
        status: 'ACCP',
        transactions: [
          { statusId: 'ST-1', originalInstructionId: 'INSTR-A', originalEndToEndId: 'E2E-A', status: 'ACSP' },
          {
            statusId: 'ST-2',
            originalInstructionId: 'INSTR-B',
            originalEndToEndId: 'E2E-B',
            status: 'RJCT',
            statusReasons: [{ reason: { code: 'AC01' }, additionalInformation: ['Creditor account number invalid'] }],
          },
        ],
      },
    ],
  };
}

/** The report as the bank would send it (checked by the XSD gate wherever the gate is on). */
export function partialAcceptanceXml(): string {
  return build('pain.002.001.10', partialAcceptanceModel());
}
