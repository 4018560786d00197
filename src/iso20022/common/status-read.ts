import type { Reader } from '../xml/reader.js';
import * as r from './read.js';
import type { OriginalGroupStatus, OriginalTransactionReference, StatusReason, TransactionsPerStatus } from './status-types.js';

const nonEmpty = <T>(list: T[]): T[] | undefined => (list.length > 0 ? list : undefined);

export function statusReasons(x: Reader, name = 'StsRsnInf'): StatusReason[] | undefined {
  return nonEmpty(
    x.all(name).map((s) => ({
      originator: r.party(s.opt('Orgtr')),
      reason: r.codeOrPrtry(s.opt('Rsn')),
      additionalInformation: s.strs('AddtlInf'),
    })),
  );
}

export function perStatus(x: Reader): TransactionsPerStatus[] | undefined {
  return nonEmpty(
    x.all('NbOfTxsPerSts').map((n) => ({
      numberOfTransactions: n.count('DtldNbOfTxs') ?? n.req('DtldNbOfTxs').fail('missing count'),
      status: n.reqStr('DtldSts'),
      controlSum: n.str('DtldCtrlSum'),
    })),
  );
}

export function originalGroup(g: Reader): OriginalGroupStatus {
  return {
    originalMessageId: g.reqStr('OrgnlMsgId'),
    originalMessageNameId: g.reqStr('OrgnlMsgNmId'),
    originalCreationDateTime: g.str('OrgnlCreDtTm'),
    originalNumberOfTransactions: g.count('OrgnlNbOfTxs'),
    originalControlSum: g.str('OrgnlCtrlSum'),
    groupStatus: g.str('GrpSts'),
    statusReasons: statusReasons(g),
    transactionsPerStatus: perStatus(g),
  };
}

/**
 * Party40Choice: only the `Pty` branch is modelled; an agent there is kept out of the model.
 * Versions before 2019 put the party directly (no `Pty` wrapper).
 */
const choiceParty = (x: Reader | undefined) => (x?.opt('Agt') ? undefined : r.party(x?.opt('Pty') ?? x));

export function originalTransactionReference(x: Reader | undefined): OriginalTransactionReference | undefined {
  if (!x) return undefined;
  return {
    interbankSettlementAmount: x.amount('IntrBkSttlmAmt'),
    amount: x.opt('Amt')?.amount('InstdAmt'),
    interbankSettlementDate: x.str('IntrBkSttlmDt'),
    requestedExecutionDate: r.dateOrDateTime(x.opt('ReqdExctnDt')),
    remittanceInformation: r.remittance(x.opt('RmtInf')),
    debtor: choiceParty(x.opt('Dbtr')),
    debtorAccount: r.account(x.opt('DbtrAcct')),
    debtorAgent: r.agent(x.opt('DbtrAgt')),
    creditorAgent: r.agent(x.opt('CdtrAgt')),
    creditor: choiceParty(x.opt('Cdtr')),
    creditorAccount: r.account(x.opt('CdtrAcct')),
    purpose: r.codeOrPrtry(x.opt('Purp')),
  };
}
