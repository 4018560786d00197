import { originalTransactionReference } from '../../common/status-write.js';
import * as w from '../../common/write.js';
import { el, leaf, serializeDocument } from '../../xml/writer.js';
import type { Pacs028v03 } from './model.js';

export const PACS028V03 = 'pacs.028.001.03';

export function serializePacs028v03(m: Pacs028v03): string {
  const g = w.orEmpty(m.groupHeader);
  return serializeDocument(
    `urn:iso:std:iso:20022:tech:xsd:${PACS028V03}`,
    el(
      'FIToFIPmtStsReq',
      el('GrpHdr', leaf('MsgId', g.messageId), leaf('CreDtTm', g.creationDateTime), w.agent('InstgAgt', g.instructingAgent), w.agent('InstdAgt', g.instructedAgent)),
      (m.originalGroups ?? []).map((o) =>
        el(
          'OrgnlGrpInf',
          leaf('OrgnlMsgId', o.originalMessageId),
          leaf('OrgnlMsgNmId', o.originalMessageNameId),
          leaf('OrgnlCreDtTm', o.originalCreationDateTime),
          leaf('OrgnlNbOfTxs', o.originalNumberOfTransactions === undefined ? undefined : String(o.originalNumberOfTransactions)),
          leaf('OrgnlCtrlSum', o.originalControlSum),
        ),
      ),
      (m.transactions ?? []).map((t, i) => {
        const og = t.originalGroup;
        return el(
          'TxInf',
          leaf('StsReqId', t.statusRequestId),
          og ? el('OrgnlGrpInf', leaf('OrgnlMsgId', og.messageId), leaf('OrgnlMsgNmId', og.messageNameId), leaf('OrgnlCreDtTm', og.creationDateTime)) : undefined,
          leaf('OrgnlInstrId', t.originalInstructionId),
          leaf('OrgnlEndToEndId', t.originalEndToEndId),
          leaf('OrgnlTxId', t.originalTransactionId),
          leaf('OrgnlUETR', t.originalUetr),
          leaf('AccptncDtTm', t.acceptanceDateTime),
          leaf('ClrSysRef', t.clearingSystemReference),
          w.agent('InstgAgt', t.instructingAgent),
          w.agent('InstdAgt', t.instructedAgent),
          originalTransactionReference(t.originalTransactionReference, `Document/FIToFIPmtStsReq/TxInf[${i + 1}]/OrgnlTxRef`),
        );
      }),
    ),
  );
}
