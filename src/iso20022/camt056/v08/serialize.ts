import { caseAssignmentEl, caseEl, controlDataEl, originalGroupCancellationEl, originalGroupRefEl } from '../../common/case.js';
import { originalTransactionReference, statusReasons } from '../../common/status-write.js';
import * as w from '../../common/write.js';
import { amountEl } from '../../money.js';
import { el, leaf, serializeDocument } from '../../xml/writer.js';
import type { Camt056v08 } from './model.js';

export const CAMT056V08 = 'camt.056.001.08';
const ROOT = 'Document/FIToFIPmtCxlReq';

export function serializeCamt056v08(m: Camt056v08): string {
  const und = m.underlying ?? [];
  const count = und.reduce((s, u) => s + (u.transactions ?? []).length, 0);
  return serializeDocument(
    `urn:iso:std:iso:20022:tech:xsd:${CAMT056V08}`,
    el(
      'FIToFIPmtCxlReq',
      caseAssignmentEl(m.assignment),
      caseEl('Case', m.case),
      controlDataEl(m.controlData, count, `${ROOT}/CtrlData`),
      und.map((u, i) => {
        return el(
          'Undrlyg',
          originalGroupCancellationEl(u.originalGroup),
          (u.transactions ?? []).map((t, j) => {
            const path = `${ROOT}/Undrlyg[${i + 1}]/TxInf[${j + 1}]`;
            return el(
              'TxInf',
              leaf('CxlId', t.cancellationId),
              caseEl('Case', t.case),
              originalGroupRefEl(t.originalGroup),
              leaf('OrgnlInstrId', t.originalInstructionId),
              leaf('OrgnlEndToEndId', t.originalEndToEndId),
              leaf('OrgnlTxId', t.originalTransactionId),
              leaf('OrgnlUETR', t.originalUetr),
              leaf('OrgnlClrSysRef', t.originalClearingSystemReference),
              amountEl('OrgnlIntrBkSttlmAmt', t.originalInterbankSettlementAmount, path),
              leaf('OrgnlIntrBkSttlmDt', t.originalInterbankSettlementDate),
              w.agent('Assgnr', t.assigner),
              w.agent('Assgne', t.assignee),
              statusReasons(t.cancellationReasons, 'CxlRsnInf'),
              originalTransactionReference(t.originalTransactionReference, `${path}/OrgnlTxRef`),
            );
          }),
        );
      }),
    ),
  );
}
