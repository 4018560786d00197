import { readCase, readCaseAssignment, readControlData, readOriginalGroupCancellation, readOriginalGroupRef } from '../../common/case.js';
import * as r from '../../common/read.js';
import { originalTransactionReference, statusReasons } from '../../common/status-read.js';
import type { Reader } from '../../xml/reader.js';
import type { Camt056v08 } from './model.js';

export function parseCamt056v08(doc: Reader): Camt056v08 {
  const root = doc.req('FIToFIPmtCxlReq');
  const ctrl = root.opt('CtrlData');
  const underlying = root.all('Undrlyg').map((u) => {
    return {
      originalGroup: readOriginalGroupCancellation(u.opt('OrgnlGrpInfAndCxl')),
      transactions: u.all('TxInf').map((t) => ({
        cancellationId: t.str('CxlId'),
        case: readCase(t.opt('Case')),
        originalGroup: readOriginalGroupRef(t.opt('OrgnlGrpInf')),
        originalInstructionId: t.str('OrgnlInstrId'),
        originalEndToEndId: t.str('OrgnlEndToEndId'),
        originalTransactionId: t.str('OrgnlTxId'),
        originalUetr: t.str('OrgnlUETR'),
        originalClearingSystemReference: t.str('OrgnlClrSysRef'),
        originalInterbankSettlementAmount: t.amount('OrgnlIntrBkSttlmAmt'),
        originalInterbankSettlementDate: t.str('OrgnlIntrBkSttlmDt'),
        assigner: r.agent(t.opt('Assgnr')),
        assignee: r.agent(t.opt('Assgne')),
        cancellationReasons: statusReasons(t, 'CxlRsnInf'),
        originalTransactionReference: originalTransactionReference(t.opt('OrgnlTxRef')),
      })),
    };
  });
  const count = underlying.reduce((s, u) => s + u.transactions.length, 0);
  return {
    assignment: readCaseAssignment(root.req('Assgnmt')),
    case: readCase(root.opt('Case')),
    controlData: readControlData(ctrl, count),
    underlying,
  };
}
