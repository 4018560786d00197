import * as sw from '../../common/status-write.js';
import * as w from '../../common/write.js';
import { el, leaf, serializeDocument } from '../../xml/writer.js';
import type { Pacs002v10, Pacs002v10Transaction } from './model.js';

export const PACS002V10 = 'pacs.002.001.10';

function transaction(t: Pacs002v10Transaction, path: string) {
  const og = t.originalGroup;
  return el(
    'TxInfAndSts',
    leaf('StsId', t.statusId),
    og ? el('OrgnlGrpInf', leaf('OrgnlMsgId', og.messageId), leaf('OrgnlMsgNmId', og.messageNameId), leaf('OrgnlCreDtTm', og.creationDateTime)) : undefined,
    leaf('OrgnlInstrId', t.originalInstructionId),
    leaf('OrgnlEndToEndId', t.originalEndToEndId),
    leaf('OrgnlTxId', t.originalTransactionId),
    leaf('OrgnlUETR', t.originalUetr),
    leaf('TxSts', t.status),
    sw.statusReasons(t.statusReasons),
    leaf('AccptncDtTm', t.acceptanceDateTime),
    w.dateOrDateTime('FctvIntrBkSttlmDt', t.effectiveSettlementDate),
    leaf('AcctSvcrRef', t.accountServicerReference),
    leaf('ClrSysRef', t.clearingSystemReference),
    w.agent('InstgAgt', t.instructingAgent),
    w.agent('InstdAgt', t.instructedAgent),
    sw.originalTransactionReference(t.originalTransactionReference, `${path}/OrgnlTxRef`),
  );
}

export function serializePacs002v10(m: Pacs002v10): string {
  const g = w.orEmpty(m.groupHeader);
  return serializeDocument(
    `urn:iso:std:iso:20022:tech:xsd:${PACS002V10}`,
    el(
      'FIToFIPmtStsRpt',
      el('GrpHdr', leaf('MsgId', g.messageId), leaf('CreDtTm', g.creationDateTime), w.agent('InstgAgt', g.instructingAgent), w.agent('InstdAgt', g.instructedAgent)),
      (m.originalGroups ?? []).map(sw.originalGroup),
      (m.transactions ?? []).map((t, i) => transaction(t, `Document/FIToFIPmtStsRpt/TxInfAndSts[${i + 1}]`)),
    ),
  );
}
