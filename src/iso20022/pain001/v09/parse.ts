import * as r from '../../common/read.js';
import { checkParsedTotals } from '../../totals.js';
import type { Reader } from '../../xml/reader.js';
import type { Pain001v09, Pain001v09Payment, Pain001v09Transaction } from './model.js';

function transaction(t: Reader): Pain001v09Transaction {
  const pmtId = t.req('PmtId');
  const amt = t.req('Amt');
  if (!amt.opt('InstdAmt')) amt.fail('only InstdAmt is supported (EqvtAmt is not)');
  return {
    instructionId: pmtId.str('InstrId'),
    endToEndId: pmtId.reqStr('EndToEndId'),
    uetr: pmtId.str('UETR'),
    paymentTypeInformation: r.paymentTypeInformation(t.opt('PmtTpInf')),
    amount: amt.reqAmount('InstdAmt'),
    chargeBearer: t.str('ChrgBr'),
    ultimateDebtor: r.party(t.opt('UltmtDbtr')),
    intermediaryAgent1: r.agent(t.opt('IntrmyAgt1')),
    creditorAgent: r.agent(t.opt('CdtrAgt')),
    creditor: r.party(t.opt('Cdtr')),
    creditorAccount: r.account(t.opt('CdtrAcct')),
    ultimateCreditor: r.party(t.opt('UltmtCdtr')),
    instructionForDebtorAgent: t.str('InstrForDbtrAgt'),
    purpose: r.codeOrPrtry(t.opt('Purp')),
    remittanceInformation: r.remittance(t.opt('RmtInf')),
  };
}

function payment(p: Reader): Pain001v09Payment {
  const transactions = p.all('CdtTrfTxInf').map(transaction);
  const out: Pain001v09Payment = {
    paymentInformationId: p.reqStr('PmtInfId'),
    paymentMethod: p.reqStr('PmtMtd'),
    batchBooking: p.boolean('BtchBookg'),
    numberOfTransactions: p.count('NbOfTxs'),
    controlSum: p.str('CtrlSum'),
    paymentTypeInformation: r.paymentTypeInformation(p.opt('PmtTpInf')),
    requestedExecutionDate: r.dateOrDateTime(p.req('ReqdExctnDt')) ?? {},
    debtor: r.party(p.req('Dbtr')) ?? {},
    debtorAccount: r.account(p.req('DbtrAcct')) ?? {},
    debtorAgent: r.agent(p.req('DbtrAgt')) ?? {},
    instructionForDebtorAgent: p.str('InstrForDbtrAgt'),
    ultimateDebtor: r.party(p.opt('UltmtDbtr')),
    chargeBearer: p.str('ChrgBr'),
    transactions,
  };
  checkParsedTotals(out, transactions.map((t) => t.amount), p.path);
  return out;
}

/** `doc` is the Document element. Totals are checked against the transactions. */
export function parsePain001v09(doc: Reader): Pain001v09 {
  const root = doc.req('CstmrCdtTrfInitn');
  const g = root.req('GrpHdr');
  const paymentInformation = root.all('PmtInf').map(payment);
  const groupHeader: Pain001v09['groupHeader'] = {
    messageId: g.reqStr('MsgId'),
    creationDateTime: g.reqStr('CreDtTm'),
    numberOfTransactions: g.count('NbOfTxs'),
    controlSum: g.str('CtrlSum'),
    initiatingParty: r.party(g.req('InitgPty')) ?? {},
    forwardingAgent: r.agent(g.opt('FwdgAgt')),
  };
  checkParsedTotals(groupHeader, paymentInformation.flatMap((p) => p.transactions.map((t) => t.amount)), g.path);
  return { groupHeader, paymentInformation };
}
