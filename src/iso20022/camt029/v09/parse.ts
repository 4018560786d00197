import { readCase, readCaseAssignment, readOriginalGroupRef } from '../../common/case.js';
import { originalTransactionReference, statusReasons } from '../../common/status-read.js';
import type { Reader } from '../../xml/reader.js';
import type { Camt029v09 } from './model.js';

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
