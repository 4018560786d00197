import { readCase, readCaseAssignment, readOriginalGroupRef } from '../../common/case.js';
import { originalTransactionReference, statusReasons } from '../../common/status-read.js';
import type { Reader } from '../../xml/reader.js';
import * as r from '../../common/read.js';
import type { Camt029v09, Camt029v09Payment } from './model.js';

const nonEmpty = <T>(list: T[]): T[] | undefined => (list.length > 0 ? list : undefined);

/** OrgnlPmtInfAndSts: a camt.055 answer, per original payment information block. */
function payment(p: Reader): Camt029v09Payment {
  return {
    originalPaymentInformationCancellationId: p.str('OrgnlPmtInfCxlId'),
    resolvedCase: readCase(p.opt('RslvdCase')),
    originalPaymentInformationId: p.reqStr('OrgnlPmtInfId'),
    originalGroup: readOriginalGroupRef(p.opt('OrgnlGrpInf')),
    originalNumberOfTransactions: p.count('OrgnlNbOfTxs'),
    originalControlSum: p.str('OrgnlCtrlSum'),
    paymentInformationCancellationStatus: p.str('PmtInfCxlSts'),
    cancellationStatusReasons: statusReasons(p, 'CxlStsRsnInf'),
    transactions: nonEmpty(
      p.all('TxInfAndSts').map((t) => ({
        cancellationStatusId: t.str('CxlStsId'),
        resolvedCase: readCase(t.opt('RslvdCase')),
        originalInstructionId: t.str('OrgnlInstrId'),
        originalEndToEndId: t.str('OrgnlEndToEndId'),
        uetr: t.str('UETR'),
        transactionCancellationStatus: t.str('TxCxlSts'),
        cancellationStatusReasons: statusReasons(t, 'CxlStsRsnInf'),
        originalInstructedAmount: t.amount('OrgnlInstdAmt'),
        originalRequestedExecutionDate: r.dateOrDateTime(t.opt('OrgnlReqdExctnDt')),
        originalRequestedCollectionDate: t.str('OrgnlReqdColltnDt'),
        originalTransactionReference: originalTransactionReference(t.opt('OrgnlTxRef')),
      })),
    ),
  };
}

export function parseCamt029v09(doc: Reader): Camt029v09 {
  const root = doc.req('RsltnOfInvstgtn');
  const sts = root.req('Sts');
  const details = root.all('CxlDtls').map((d) => {
    const g = d.opt('OrgnlGrpInfAndSts');
    return {
      originalGroup: g
        ? {
            originalGroupCancellationId: g.str('OrgnlGrpCxlId'),
            resolvedCase: readCase(g.opt('RslvdCase')),
            originalMessageId: g.reqStr('OrgnlMsgId'),
            originalMessageNameId: g.reqStr('OrgnlMsgNmId'),
            originalCreationDateTime: g.str('OrgnlCreDtTm'),
            originalNumberOfTransactions: g.count('OrgnlNbOfTxs'),
            originalControlSum: g.str('OrgnlCtrlSum'),
            groupCancellationStatus: g.str('GrpCxlSts'),
            cancellationStatusReasons: statusReasons(g, 'CxlStsRsnInf'),
          }
        : undefined,
      payments: nonEmpty(d.all('OrgnlPmtInfAndSts').map(payment)),
      transactions: d.all('TxInfAndSts').map((t) => ({
        cancellationStatusId: t.str('CxlStsId'),
        resolvedCase: readCase(t.opt('RslvdCase')),
        originalGroup: readOriginalGroupRef(t.opt('OrgnlGrpInf')),
        originalInstructionId: t.str('OrgnlInstrId'),
        originalEndToEndId: t.str('OrgnlEndToEndId'),
        originalTransactionId: t.str('OrgnlTxId'),
        originalClearingSystemReference: t.str('OrgnlClrSysRef'),
        originalUetr: t.str('OrgnlUETR'),
        transactionCancellationStatus: t.str('TxCxlSts'),
        cancellationStatusReasons: statusReasons(t, 'CxlStsRsnInf'),
        originalInterbankSettlementAmount: t.amount('OrgnlIntrBkSttlmAmt'),
        originalInterbankSettlementDate: t.str('OrgnlIntrBkSttlmDt'),
        originalTransactionReference: originalTransactionReference(t.opt('OrgnlTxRef')),
      })),
    };
  });
  return {
    assignment: readCaseAssignment(root.req('Assgnmt')),
    resolvedCase: readCase(root.opt('RslvdCase')),
    status: { confirmation: sts.str('Conf'), assignmentCancellationConfirmation: sts.boolean('AssgnmtCxlConf') },
    cancellationDetails: details.length > 0 ? details : undefined,
  };
}
