import { settlementEl } from '../../common/settlement.js';
import { originalTransactionReference, statusReasons } from '../../common/status-write.js';
import * as w from '../../common/write.js';
import { Iso20022BuildError } from '../../errors.js';
import { amountEl } from '../../money.js';
import { checkBuildTotals, totalAmountProblem } from '../../totals.js';
import { el, leaf, serializeDocument } from '../../xml/writer.js';
import type { Pacs004v09, Pacs004v09Transaction } from './model.js';

export const PACS004V09 = 'pacs.004.001.09';
const ROOT = 'Document/PmtRtr';

const bool = (b: boolean | undefined) => (b === undefined ? undefined : String(b));

function transaction(t: Pacs004v09Transaction, path: string) {
  const og = t.originalGroup;
  return el(
    'TxInf',
    leaf('RtrId', t.returnId),
    og ? el('OrgnlGrpInf', leaf('OrgnlMsgId', og.messageId), leaf('OrgnlMsgNmId', og.messageNameId), leaf('OrgnlCreDtTm', og.creationDateTime)) : undefined,
    leaf('OrgnlInstrId', t.originalInstructionId),
    leaf('OrgnlEndToEndId', t.originalEndToEndId),
    leaf('OrgnlTxId', t.originalTransactionId),
    leaf('OrgnlUETR', t.originalUetr),
    leaf('OrgnlClrSysRef', t.originalClearingSystemReference),
    amountEl('OrgnlIntrBkSttlmAmt', t.originalInterbankSettlementAmount, path),
    leaf('OrgnlIntrBkSttlmDt', t.originalInterbankSettlementDate),
    amountEl('RtrdIntrBkSttlmAmt', t.returnedInterbankSettlementAmount, path),
    leaf('IntrBkSttlmDt', t.interbankSettlementDate),
    leaf('SttlmPrty', t.settlementPriority),
    amountEl('RtrdInstdAmt', t.returnedInstructedAmount, path),
    leaf('XchgRate', t.exchangeRate),
    amountEl('CompstnAmt', t.compensationAmount, path),
    leaf('ChrgBr', t.chargeBearer),
    (t.charges ?? []).map((c, i) => el('ChrgsInf', amountEl('Amt', c.amount, `${path}/ChrgsInf[${i + 1}]`), w.agent('Agt', c.agent))),
    leaf('ClrSysRef', t.clearingSystemReference),
    w.agent('InstgAgt', t.instructingAgent),
    w.agent('InstdAgt', t.instructedAgent),
    statusReasons(t.returnReasons, 'RtrRsnInf'),
    originalTransactionReference(t.originalTransactionReference, `${path}/OrgnlTxRef`),
  );
}

export function serializePacs004v09(m: Pacs004v09): string {
  const g = w.orEmpty(m.groupHeader);
  const txs = m.transactions ?? [];
  const amounts = txs.map((t) => t.returnedInterbankSettlementAmount);
  const totals = checkBuildTotals(g, amounts, `${ROOT}/GrpHdr`);
  const ttl = g.totalReturnedInterbankSettlementAmount;
  const problem = totalAmountProblem(ttl, amounts);
  if (problem) throw new Iso20022BuildError('inconsistent_totals', `totalReturnedInterbankSettlementAmount: ${problem}`, `${ROOT}/GrpHdr/TtlRtrdIntrBkSttlmAmt`);
  const og = m.originalGroup;
  return serializeDocument(
    `urn:iso:std:iso:20022:tech:xsd:${PACS004V09}`,
    el(
      'PmtRtr',
      el(
        'GrpHdr',
        leaf('MsgId', g.messageId),
        leaf('CreDtTm', g.creationDateTime),
        leaf('BtchBookg', bool(g.batchBooking)),
        leaf('NbOfTxs', String(totals.numberOfTransactions)),
        leaf('CtrlSum', totals.controlSum),
        leaf('GrpRtr', bool(g.groupReturn)),
        amountEl('TtlRtrdIntrBkSttlmAmt', ttl, `${ROOT}/GrpHdr`),
        leaf('IntrBkSttlmDt', g.interbankSettlementDate),
        settlementEl(g.settlementInformation),
        w.agent('InstgAgt', g.instructingAgent),
        w.agent('InstdAgt', g.instructedAgent),
      ),
      og
        ? el(
            'OrgnlGrpInf',
            leaf('OrgnlMsgId', og.originalMessageId),
            leaf('OrgnlMsgNmId', og.originalMessageNameId),
            leaf('OrgnlCreDtTm', og.originalCreationDateTime),
            statusReasons(og.returnReasons, 'RtrRsnInf'),
          )
        : undefined,
      txs.map((t, i) => transaction(t, `${ROOT}/TxInf[${i + 1}]`)),
    ),
  );
}
