import { readCase, readCaseAssignment, readControlData, readOriginalGroupCancellation, readOriginalGroupRef } from '../../common/case.js';
import * as r from '../../common/read.js';
import { originalTransactionReference, statusReasons } from '../../common/status-read.js';
import type { Reader } from '../../xml/reader.js';
import type { Camt055v08, Camt055v08Payment } from './model.js';

function payment(p: Reader): Camt055v08Payment {
  const txs = p.all('TxInf').map((t) => ({
    cancellationId: t.str('CxlId'),
    case: readCase(t.opt('Case')),
    originalInstructionId: t.str('OrgnlInstrId'),
    originalEndToEndId: t.str('OrgnlEndToEndId'),
    originalUetr: t.str('OrgnlUETR'),
    originalInstructedAmount: t.amount('OrgnlInstdAmt'),
    originalRequestedExecutionDate: r.dateOrDateTime(t.opt('OrgnlReqdExctnDt')),
    originalRequestedCollectionDate: t.str('OrgnlReqdColltnDt'),
    cancellationReasons: statusReasons(t, 'CxlRsnInf'),
    originalTransactionReference: originalTransactionReference(t.opt('OrgnlTxRef')),
  }));
  return {
    paymentCancellationId: p.str('PmtCxlId'),
    case: readCase(p.opt('Case')),
    originalPaymentInformationId: p.reqStr('OrgnlPmtInfId'),
    originalGroup: readOriginalGroupRef(p.opt('OrgnlGrpInf')),
    numberOfTransactions: p.count('NbOfTxs'),
    controlSum: p.str('CtrlSum'),
    paymentInformationCancellation: p.boolean('PmtInfCxl'),
    cancellationReasons: statusReasons(p, 'CxlRsnInf'),
    transactions: txs.length > 0 ? txs : undefined,
  };
}

export function parseCamt055v08(doc: Reader): Camt055v08 {
  const root = doc.req('CstmrPmtCxlReq');
  const underlying = root.all('Undrlyg').map((u) => {
    const payments = u.all('OrgnlPmtInfAndCxl').map(payment);
    return { originalGroup: readOriginalGroupCancellation(u.opt('OrgnlGrpInfAndCxl')), payments: payments.length > 0 ? payments : undefined };
  });
  const count = underlying.reduce((s, u) => s + (u.payments ?? []).reduce((n, p) => n + (p.transactions ?? []).length, 0), 0);
  return {
    assignment: readCaseAssignment(root.req('Assgnmt')),
    case: readCase(root.opt('Case')),
    controlData: readControlData(root.opt('CtrlData'), count),
    underlying,
  };
}
