import * as r from '../../common/read.js';
import * as sr from '../../common/status-read.js';
import type { TransactionStatus } from '../../common/status-types.js';
import type { Reader } from '../../xml/reader.js';
import type { Pain002v10 } from './model.js';

export function transactionStatus(t: Reader): TransactionStatus {
  return {
    statusId: t.str('StsId'),
    originalInstructionId: t.str('OrgnlInstrId'),
    originalEndToEndId: t.str('OrgnlEndToEndId'),
    originalUetr: t.str('OrgnlUETR'),
    status: t.str('TxSts'),
    statusReasons: sr.statusReasons(t),
    acceptanceDateTime: t.str('AccptncDtTm'),
    accountServicerReference: t.str('AcctSvcrRef'),
    clearingSystemReference: t.str('ClrSysRef'),
    originalTransactionReference: sr.originalTransactionReference(t.opt('OrgnlTxRef')),
  };
}

export function parsePain002v10(doc: Reader): Pain002v10 {
  const root = doc.req('CstmrPmtStsRpt');
  const g = root.req('GrpHdr');
  return {
    groupHeader: {
      messageId: g.reqStr('MsgId'),
      creationDateTime: g.reqStr('CreDtTm'),
      initiatingParty: r.party(g.opt('InitgPty')),
      forwardingAgent: r.agent(g.opt('FwdgAgt')),
      debtorAgent: r.agent(g.opt('DbtrAgt')),
      creditorAgent: r.agent(g.opt('CdtrAgt')),
    },
    originalGroup: sr.originalGroup(root.req('OrgnlGrpInfAndSts')),
    payments: root.all('OrgnlPmtInfAndSts').map((p) => ({
      originalPaymentInformationId: p.reqStr('OrgnlPmtInfId'),
      originalNumberOfTransactions: p.count('OrgnlNbOfTxs'),
      originalControlSum: p.str('OrgnlCtrlSum'),
      status: p.str('PmtInfSts'),
      statusReasons: sr.statusReasons(p),
      transactionsPerStatus: sr.perStatus(p),
      transactions: p.all('TxInfAndSts').map(transactionStatus),
    })),
  };
}
