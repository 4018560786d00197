import { amountEl } from '../money.js';
import { el, leaf, leaves, optEl, type XmlChild } from '../xml/writer.js';
import type { OriginalGroupStatus, OriginalTransactionReference, StatusReason, TransactionsPerStatus } from './status-types.js';
import * as w from './write.js';

/** StatusReasonInformation12 and its twins (PaymentReturnReason6 `RtrRsnInf`, ...): same shape, other name. */
export function statusReasons(list: StatusReason[] | undefined, name = 'StsRsnInf'): XmlChild[] {
  return (list ?? []).map((s) =>
    el(name, w.party('Orgtr', s.originator), w.codeOrPrtry('Rsn', s.reason), leaves('AddtlInf', s.additionalInformation)),
  );
}

export function perStatus(list: TransactionsPerStatus[] | undefined): XmlChild[] {
  return (list ?? []).map((n) =>
    el('NbOfTxsPerSts', leaf('DtldNbOfTxs', String(n.numberOfTransactions)), leaf('DtldSts', n.status), leaf('DtldCtrlSum', n.controlSum)),
  );
}

export function originalGroup(model: OriginalGroupStatus | undefined): XmlChild {
  const g = w.orEmpty(model);
  return el(
    'OrgnlGrpInfAndSts',
    leaf('OrgnlMsgId', g.originalMessageId),
    leaf('OrgnlMsgNmId', g.originalMessageNameId),
    leaf('OrgnlCreDtTm', g.originalCreationDateTime),
    leaf('OrgnlNbOfTxs', g.originalNumberOfTransactions === undefined ? undefined : String(g.originalNumberOfTransactions)),
    leaf('OrgnlCtrlSum', g.originalControlSum),
    leaf('GrpSts', g.groupStatus),
    statusReasons(g.statusReasons),
    perStatus(g.transactionsPerStatus),
  );
}

const wrapParty = (name: string, p: OriginalTransactionReference['debtor']): XmlChild => {
  const inner = w.party('Pty', p);
  return inner ? el(name, inner) : undefined;
};

export function originalTransactionReference(r: OriginalTransactionReference | undefined, path: string): XmlChild {
  if (!r) return undefined;
  return optEl(
    'OrgnlTxRef',
    amountEl('IntrBkSttlmAmt', r.interbankSettlementAmount, path),
    r.amount ? el('Amt', amountEl('InstdAmt', r.amount, `${path}/Amt`)) : undefined,
    leaf('IntrBkSttlmDt', r.interbankSettlementDate),
    w.dateOrDateTime('ReqdExctnDt', r.requestedExecutionDate),
    w.remittance('RmtInf', r.remittanceInformation),
    wrapParty('Dbtr', r.debtor),
    w.account('DbtrAcct', r.debtorAccount),
    w.agent('DbtrAgt', r.debtorAgent),
    w.agent('CdtrAgt', r.creditorAgent),
    wrapParty('Cdtr', r.creditor),
    w.account('CdtrAcct', r.creditorAccount),
    w.codeOrPrtry('Purp', r.purpose),
  );
}
