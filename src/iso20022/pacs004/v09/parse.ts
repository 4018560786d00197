import * as r from '../../common/read.js';
import { readSettlement } from '../../common/settlement.js';
import { originalTransactionReference, statusReasons } from '../../common/status-read.js';
import { checkParsedTotals, totalAmountProblem } from '../../totals.js';
import type { Reader } from '../../xml/reader.js';
import type { Pacs004v09, Pacs004v09Transaction } from './model.js';

function transaction(t: Reader): Pacs004v09Transaction {
  const og = t.opt('OrgnlGrpInf');
  const charges = t.all('ChrgsInf').map((c) => ({ amount: c.reqAmount('Amt'), agent: r.agent(c.req('Agt')) ?? {} }));
  return {
    returnId: t.str('RtrId'),
    originalGroup: og ? { messageId: og.reqStr('OrgnlMsgId'), messageNameId: og.reqStr('OrgnlMsgNmId'), creationDateTime: og.str('OrgnlCreDtTm') } : undefined,
    originalInstructionId: t.str('OrgnlInstrId'),
    originalEndToEndId: t.str('OrgnlEndToEndId'),
    originalTransactionId: t.str('OrgnlTxId'),
    originalUetr: t.str('OrgnlUETR'),
    originalClearingSystemReference: t.str('OrgnlClrSysRef'),
    originalInterbankSettlementAmount: t.amount('OrgnlIntrBkSttlmAmt'),
    originalInterbankSettlementDate: t.str('OrgnlIntrBkSttlmDt'),
    returnedInterbankSettlementAmount: t.reqAmount('RtrdIntrBkSttlmAmt'),
    interbankSettlementDate: t.str('IntrBkSttlmDt'),
    settlementPriority: t.str('SttlmPrty'),
    returnedInstructedAmount: t.amount('RtrdInstdAmt'),
    exchangeRate: t.str('XchgRate'),
    compensationAmount: t.amount('CompstnAmt'),
    chargeBearer: t.str('ChrgBr'),
    charges: charges.length > 0 ? charges : undefined,
    clearingSystemReference: t.str('ClrSysRef'),
    instructingAgent: r.agent(t.opt('InstgAgt')),
    instructedAgent: r.agent(t.opt('InstdAgt')),
    returnReasons: statusReasons(t, 'RtrRsnInf'),
    originalTransactionReference: originalTransactionReference(t.opt('OrgnlTxRef')),
  };
}

export function parsePacs004v09(doc: Reader): Pacs004v09 {
  const root = doc.req('PmtRtr');
  const g = root.req('GrpHdr');
  const og = root.opt('OrgnlGrpInf');
  const transactions = root.all('TxInf').map(transaction);
  const groupHeader: Pacs004v09['groupHeader'] = {
    messageId: g.reqStr('MsgId'),
    creationDateTime: g.reqStr('CreDtTm'),
    batchBooking: g.boolean('BtchBookg'),
    numberOfTransactions: g.count('NbOfTxs'),
    controlSum: g.str('CtrlSum'),
    groupReturn: g.boolean('GrpRtr'),
    totalReturnedInterbankSettlementAmount: g.amount('TtlRtrdIntrBkSttlmAmt'),
    interbankSettlementDate: g.str('IntrBkSttlmDt'),
    settlementInformation: readSettlement(g.req('SttlmInf')),
    instructingAgent: r.agent(g.opt('InstgAgt')),
    instructedAgent: r.agent(g.opt('InstdAgt')),
  };
  const amounts = transactions.map((t) => t.returnedInterbankSettlementAmount);
  checkParsedTotals(groupHeader, amounts, g.path);
  const problem = totalAmountProblem(groupHeader.totalReturnedInterbankSettlementAmount, amounts);
  if (problem) g.req('TtlRtrdIntrBkSttlmAmt').fail(`TtlRtrdIntrBkSttlmAmt: ${problem}`, 'inconsistent_totals');
  return {
    groupHeader,
    originalGroup: og
      ? {
          originalMessageId: og.reqStr('OrgnlMsgId'),
          originalMessageNameId: og.reqStr('OrgnlMsgNmId'),
          originalCreationDateTime: og.str('OrgnlCreDtTm'),
          returnReasons: statusReasons(og, 'RtrRsnInf'),
        }
      : undefined,
    transactions,
  };
}
