import * as r from '../../common/read.js';
import { readSettlement } from '../../common/settlement.js';
import { checkParsedTotals, totalAmountProblem } from '../../totals.js';
import type { Reader } from '../../xml/reader.js';
import type { AgentInstruction, Pacs008v08, Pacs008v08Transaction } from './model.js';

const instructions = (x: Reader, name: string): AgentInstruction[] | undefined => {
  const list = x.all(name).map((i) => ({ code: i.str('Cd'), information: i.str('InstrInf') }));
  return list.length > 0 ? list : undefined;
};

function transaction(t: Reader): Pacs008v08Transaction {
  const id = t.req('PmtId');
  const charges = t.all('ChrgsInf').map((c) => ({ amount: c.reqAmount('Amt'), agent: r.agent(c.req('Agt')) ?? {} }));
  return {
    instructionId: id.str('InstrId'),
    endToEndId: id.reqStr('EndToEndId'),
    transactionId: id.str('TxId'),
    uetr: id.str('UETR'),
    clearingSystemReference: id.str('ClrSysRef'),
    paymentTypeInformation: r.paymentTypeInformation(t.opt('PmtTpInf')),
    interbankSettlementAmount: t.reqAmount('IntrBkSttlmAmt'),
    interbankSettlementDate: t.str('IntrBkSttlmDt'),
    settlementPriority: t.str('SttlmPrty'),
    acceptanceDateTime: t.str('AccptncDtTm'),
    instructedAmount: t.amount('InstdAmt'),
    exchangeRate: t.str('XchgRate'),
    chargeBearer: t.reqStr('ChrgBr'),
    charges: charges.length > 0 ? charges : undefined,
    previousInstructingAgent1: r.agent(t.opt('PrvsInstgAgt1')),
    instructingAgent: r.agent(t.opt('InstgAgt')),
    instructedAgent: r.agent(t.opt('InstdAgt')),
    intermediaryAgent1: r.agent(t.opt('IntrmyAgt1')),
    intermediaryAgent1Account: r.account(t.opt('IntrmyAgt1Acct')),
    ultimateDebtor: r.party(t.opt('UltmtDbtr')),
    initiatingParty: r.party(t.opt('InitgPty')),
    debtor: r.party(t.req('Dbtr')) ?? {},
    debtorAccount: r.account(t.opt('DbtrAcct')),
    debtorAgent: r.agent(t.req('DbtrAgt')) ?? {},
    debtorAgentAccount: r.account(t.opt('DbtrAgtAcct')),
    creditorAgent: r.agent(t.req('CdtrAgt')) ?? {},
    creditorAgentAccount: r.account(t.opt('CdtrAgtAcct')),
    creditor: r.party(t.req('Cdtr')) ?? {},
    creditorAccount: r.account(t.opt('CdtrAcct')),
    ultimateCreditor: r.party(t.opt('UltmtCdtr')),
    instructionsForCreditorAgent: instructions(t, 'InstrForCdtrAgt'),
    instructionsForNextAgent: instructions(t, 'InstrForNxtAgt'),
    purpose: r.codeOrPrtry(t.opt('Purp')),
    remittanceInformation: r.remittance(t.opt('RmtInf')),
  };
}

export function parsePacs008v08(doc: Reader): Pacs008v08 {
  const root = doc.req('FIToFICstmrCdtTrf');
  const g = root.req('GrpHdr');
  const transactions = root.all('CdtTrfTxInf').map(transaction);
  const groupHeader: Pacs008v08['groupHeader'] = {
    messageId: g.reqStr('MsgId'),
    creationDateTime: g.reqStr('CreDtTm'),
    batchBooking: g.boolean('BtchBookg'),
    numberOfTransactions: g.count('NbOfTxs'),
    controlSum: g.str('CtrlSum'),
    totalInterbankSettlementAmount: g.amount('TtlIntrBkSttlmAmt'),
    interbankSettlementDate: g.str('IntrBkSttlmDt'),
    settlementInformation: readSettlement(g.req('SttlmInf')),
    paymentTypeInformation: r.paymentTypeInformation(g.opt('PmtTpInf')),
    instructingAgent: r.agent(g.opt('InstgAgt')),
    instructedAgent: r.agent(g.opt('InstdAgt')),
  };
  const amounts = transactions.map((t) => t.interbankSettlementAmount);
  checkParsedTotals(groupHeader, amounts, g.path);
  const problem = totalAmountProblem(groupHeader.totalInterbankSettlementAmount, amounts);
  if (problem) g.req('TtlIntrBkSttlmAmt').fail(`TtlIntrBkSttlmAmt: ${problem}`, 'inconsistent_totals');
  return { groupHeader, transactions };
}
