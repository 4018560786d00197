import * as r from '../../common/read.js';
import { originalTransactionReference } from '../../common/status-read.js';
import type { Reader } from '../../xml/reader.js';
import type { Pacs028v03 } from './model.js';

export function parsePacs028v03(doc: Reader): Pacs028v03 {
  const root = doc.req('FIToFIPmtStsReq');
  const g = root.req('GrpHdr');
  const groups = root.all('OrgnlGrpInf').map((o) => ({
    originalMessageId: o.reqStr('OrgnlMsgId'),
    originalMessageNameId: o.reqStr('OrgnlMsgNmId'),
    originalCreationDateTime: o.str('OrgnlCreDtTm'),
    originalNumberOfTransactions: o.count('OrgnlNbOfTxs'),
    originalControlSum: o.str('OrgnlCtrlSum'),
  }));
  return {
    groupHeader: {
      messageId: g.reqStr('MsgId'),
      creationDateTime: g.reqStr('CreDtTm'),
      instructingAgent: r.agent(g.opt('InstgAgt')),
      instructedAgent: r.agent(g.opt('InstdAgt')),
    },
    originalGroups: groups.length > 0 ? groups : undefined,
    transactions: root.all('TxInf').map((t) => {
      const og = t.opt('OrgnlGrpInf');
      return {
        statusRequestId: t.str('StsReqId'),
        originalGroup: og ? { messageId: og.reqStr('OrgnlMsgId'), messageNameId: og.reqStr('OrgnlMsgNmId'), creationDateTime: og.str('OrgnlCreDtTm') } : undefined,
        originalInstructionId: t.str('OrgnlInstrId'),
        originalEndToEndId: t.str('OrgnlEndToEndId'),
        originalTransactionId: t.str('OrgnlTxId'),
        originalUetr: t.str('OrgnlUETR'),
        acceptanceDateTime: t.str('AccptncDtTm'),
        clearingSystemReference: t.str('ClrSysRef'),
        instructingAgent: r.agent(t.opt('InstgAgt')),
        instructedAgent: r.agent(t.opt('InstdAgt')),
        originalTransactionReference: originalTransactionReference(t.opt('OrgnlTxRef')),
      };
    }),
  };
}
