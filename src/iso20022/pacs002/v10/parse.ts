import * as r from '../../common/read.js';
import * as sr from '../../common/status-read.js';
import { transactionStatus } from '../../pain002/v10/parse.js';
import type { Reader } from '../../xml/reader.js';
import type { Pacs002v10, Pacs002v10Transaction } from './model.js';

function transaction(t: Reader): Pacs002v10Transaction {
  const og = t.opt('OrgnlGrpInf');
  return {
    ...transactionStatus(t),
    originalGroup: og
      ? { messageId: og.reqStr('OrgnlMsgId'), messageNameId: og.reqStr('OrgnlMsgNmId'), creationDateTime: og.str('OrgnlCreDtTm') }
      : undefined,
    originalTransactionId: t.str('OrgnlTxId'),
    effectiveSettlementDate: r.dateOrDateTime(t.opt('FctvIntrBkSttlmDt')),
    instructingAgent: r.agent(t.opt('InstgAgt')),
    instructedAgent: r.agent(t.opt('InstdAgt')),
  };
}

export function parsePacs002v10(doc: Reader): Pacs002v10 {
  const root = doc.req('FIToFIPmtStsRpt');
  const g = root.req('GrpHdr');
  return {
    groupHeader: {
      messageId: g.reqStr('MsgId'),
      creationDateTime: g.reqStr('CreDtTm'),
      instructingAgent: r.agent(g.opt('InstgAgt')),
      instructedAgent: r.agent(g.opt('InstdAgt')),
    },
    originalGroups: root.all('OrgnlGrpInfAndSts').map(sr.originalGroup),
    transactions: root.all('TxInfAndSts').map(transaction),
  };
}
