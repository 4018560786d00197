import * as w from '../../common/write.js';
import { amountEl } from '../../money.js';
import { checkBuildTotals } from '../../totals.js';
import { el, leaf, repeated, serializeDocument } from '../../xml/writer.js';
import type { Pain001v09, Pain001v09Payment, Pain001v09Transaction } from './model.js';

export const PAIN001V09 = 'pain.001.001.09';
const ROOT = 'Document/CstmrCdtTrfInitn';

function transaction(t: Pain001v09Transaction, path: string) {
  return el(
    'CdtTrfTxInf',
    el('PmtId', leaf('InstrId', t.instructionId), leaf('EndToEndId', t.endToEndId), leaf('UETR', t.uetr)),
    w.paymentTypeInformation('PmtTpInf', t.paymentTypeInformation),
    el('Amt', amountEl('InstdAmt', t.amount, `${path}/Amt`)),
    leaf('ChrgBr', t.chargeBearer),
    w.party('UltmtDbtr', t.ultimateDebtor),
    w.agent('IntrmyAgt1', t.intermediaryAgent1),
    w.agent('CdtrAgt', t.creditorAgent),
    w.party('Cdtr', t.creditor),
    w.account('CdtrAcct', t.creditorAccount),
    w.party('UltmtCdtr', t.ultimateCreditor),
    leaf('InstrForDbtrAgt', t.instructionForDebtorAgent),
    w.codeOrPrtry('Purp', t.purpose),
    w.remittance('RmtInf', t.remittanceInformation),
  );
}

function payment(p: Pain001v09Payment, path: string) {
  const txs = p.transactions ?? [];
  const totals = checkBuildTotals(p, txs.map((t) => t.amount), path);
  return el(
    'PmtInf',
    leaf('PmtInfId', p.paymentInformationId),
    leaf('PmtMtd', p.paymentMethod),
    leaf('BtchBookg', p.batchBooking === undefined ? undefined : String(p.batchBooking)),
    leaf('NbOfTxs', String(totals.numberOfTransactions)),
    leaf('CtrlSum', totals.controlSum),
    w.paymentTypeInformation('PmtTpInf', p.paymentTypeInformation),
    w.dateOrDateTime('ReqdExctnDt', p.requestedExecutionDate),
    w.party('Dbtr', p.debtor),
    w.account('DbtrAcct', p.debtorAccount),
    w.agent('DbtrAgt', p.debtorAgent),
    leaf('InstrForDbtrAgt', p.instructionForDebtorAgent),
    w.party('UltmtDbtr', p.ultimateDebtor),
    leaf('ChrgBr', p.chargeBearer),
    // written one by one: a bulk file's transactions never exist as element trees all at once
    repeated('CdtTrfTxInf', txs.length, (i) => transaction(txs[i] as Pain001v09Transaction, `${path}/CdtTrfTxInf[${i + 1}]`)),
  );
}

/** Model -> XML. Totals are computed (and checked against the model if it states them). */
export function serializePain001v09(m: Pain001v09): string {
  const pmts = m.paymentInformation ?? [];
  const g = w.orEmpty(m.groupHeader);
  const totals = checkBuildTotals(g, pmts.flatMap((p) => (p.transactions ?? []).map((t) => t.amount)), `${ROOT}/GrpHdr`);
  return serializeDocument(
    `urn:iso:std:iso:20022:tech:xsd:${PAIN001V09}`,
    el(
      'CstmrCdtTrfInitn',
      el(
        'GrpHdr',
        leaf('MsgId', g.messageId),
        leaf('CreDtTm', g.creationDateTime),
        leaf('NbOfTxs', String(totals.numberOfTransactions)),
        leaf('CtrlSum', totals.controlSum),
        w.party('InitgPty', g.initiatingParty),
        w.agent('FwdgAgt', g.forwardingAgent),
      ),
      pmts.map((p, i) => payment(p, `${ROOT}/PmtInf[${i + 1}]`)),
    ),
  );
}
