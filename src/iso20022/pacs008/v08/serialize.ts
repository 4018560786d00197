import { settlementEl } from '../../common/settlement.js';
import * as w from '../../common/write.js';
import { Iso20022BuildError } from '../../errors.js';
import { amountEl } from '../../money.js';
import { checkBuildTotals, totalAmountProblem } from '../../totals.js';
import { el, leaf, serializeDocument } from '../../xml/writer.js';
import type { AgentInstruction, Pacs008v08, Pacs008v08Transaction } from './model.js';

export const PACS008V08 = 'pacs.008.001.08';
const ROOT = 'Document/FIToFICstmrCdtTrf';

const instructions = (name: string, list: AgentInstruction[] | undefined) =>
  (list ?? []).map((i) => el(name, leaf('Cd', i.code), leaf('InstrInf', i.information)));

function transaction(t: Pacs008v08Transaction, path: string) {
  return el(
    'CdtTrfTxInf',
    el(
      'PmtId',
      leaf('InstrId', t.instructionId),
      leaf('EndToEndId', t.endToEndId),
      leaf('TxId', t.transactionId),
      leaf('UETR', t.uetr),
      leaf('ClrSysRef', t.clearingSystemReference),
    ),
    w.paymentTypeInformation('PmtTpInf', t.paymentTypeInformation),
    amountEl('IntrBkSttlmAmt', t.interbankSettlementAmount, path),
    leaf('IntrBkSttlmDt', t.interbankSettlementDate),
    leaf('SttlmPrty', t.settlementPriority),
    leaf('AccptncDtTm', t.acceptanceDateTime),
    amountEl('InstdAmt', t.instructedAmount, path),
    leaf('XchgRate', t.exchangeRate),
    leaf('ChrgBr', t.chargeBearer),
    (t.charges ?? []).map((c, i) => el('ChrgsInf', amountEl('Amt', c.amount, `${path}/ChrgsInf[${i + 1}]`), w.agent('Agt', c.agent))),
    w.agent('PrvsInstgAgt1', t.previousInstructingAgent1),
    w.agent('InstgAgt', t.instructingAgent),
    w.agent('InstdAgt', t.instructedAgent),
    w.agent('IntrmyAgt1', t.intermediaryAgent1),
    w.account('IntrmyAgt1Acct', t.intermediaryAgent1Account),
    w.party('UltmtDbtr', t.ultimateDebtor),
    w.party('InitgPty', t.initiatingParty),
    w.party('Dbtr', t.debtor),
    w.account('DbtrAcct', t.debtorAccount),
    w.agent('DbtrAgt', t.debtorAgent),
    w.account('DbtrAgtAcct', t.debtorAgentAccount),
    w.agent('CdtrAgt', t.creditorAgent),
    w.account('CdtrAgtAcct', t.creditorAgentAccount),
    w.party('Cdtr', t.creditor),
    w.account('CdtrAcct', t.creditorAccount),
    w.party('UltmtCdtr', t.ultimateCreditor),
    instructions('InstrForCdtrAgt', t.instructionsForCreditorAgent),
    instructions('InstrForNxtAgt', t.instructionsForNextAgent),
    w.codeOrPrtry('Purp', t.purpose),
    w.remittance('RmtInf', t.remittanceInformation),
  );
}

export function serializePacs008v08(m: Pacs008v08): string {
  const g = w.orEmpty(m.groupHeader);
  const txs = m.transactions ?? [];
  const amounts = txs.map((t) => t.interbankSettlementAmount);
  const totals = checkBuildTotals(g, amounts, `${ROOT}/GrpHdr`);
  const ttl = g.totalInterbankSettlementAmount;
  const problem = totalAmountProblem(ttl, amounts);
  if (problem) throw new Iso20022BuildError('inconsistent_totals', `totalInterbankSettlementAmount: ${problem}`, `${ROOT}/GrpHdr/TtlIntrBkSttlmAmt`);
  return serializeDocument(
    `urn:iso:std:iso:20022:tech:xsd:${PACS008V08}`,
    el(
      'FIToFICstmrCdtTrf',
      el(
        'GrpHdr',
        leaf('MsgId', g.messageId),
        leaf('CreDtTm', g.creationDateTime),
        leaf('BtchBookg', g.batchBooking === undefined ? undefined : String(g.batchBooking)),
        leaf('NbOfTxs', String(totals.numberOfTransactions)),
        leaf('CtrlSum', totals.controlSum),
        amountEl('TtlIntrBkSttlmAmt', ttl, `${ROOT}/GrpHdr`),
        leaf('IntrBkSttlmDt', g.interbankSettlementDate),
        settlementEl(g.settlementInformation),
        w.paymentTypeInformation('PmtTpInf', g.paymentTypeInformation),
        w.agent('InstgAgt', g.instructingAgent),
        w.agent('InstdAgt', g.instructedAgent),
      ),
      txs.map((t, i) => transaction(t, `${ROOT}/CdtTrfTxInf[${i + 1}]`)),
    ),
  );
}
