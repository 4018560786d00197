import * as r from '../../common/read.js';
import * as sr from '../../common/status-read.js';
import type { TransactionStatus } from '../../common/status-types.js';
import type { Reader } from '../../xml/reader.js';
import type { Pain002v10, Pain002v10Payment } from './model.js';

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

export function groupHeader(g: Reader): Pain002v10['groupHeader'] {
  return {
    messageId: g.reqStr('MsgId'),
    creationDateTime: g.reqStr('CreDtTm'),
    initiatingParty: r.party(g.opt('InitgPty')),
    forwardingAgent: r.agent(g.opt('FwdgAgt')),
    debtorAgent: r.agent(g.opt('DbtrAgt')),
    creditorAgent: r.agent(g.opt('CdtrAgt')),
  };
}

/** OrgnlPmtInfAndSts without its transactions (the streaming reader delivers those one by one). */
export function paymentStatus(p: Reader): Omit<Pain002v10Payment, 'transactions'> {
  return {
    originalPaymentInformationId: p.reqStr('OrgnlPmtInfId'),
    originalNumberOfTransactions: p.count('OrgnlNbOfTxs'),
    originalControlSum: p.str('OrgnlCtrlSum'),
    status: p.str('PmtInfSts'),
    statusReasons: sr.statusReasons(p),
    transactionsPerStatus: sr.perStatus(p),
  };
}

export function parsePain002v10(doc: Reader): Pain002v10 {
  const root = doc.req('CstmrPmtStsRpt');
  return {
    groupHeader: groupHeader(root.req('GrpHdr')),
    originalGroup: sr.originalGroup(root.req('OrgnlGrpInfAndSts')),
    payments: root.all('OrgnlPmtInfAndSts').map((p) => ({ ...paymentStatus(p), transactions: p.all('TxInfAndSts').map(transactionStatus) })),
  };
}
