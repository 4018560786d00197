import { caseAssignmentEl, caseEl, controlDataEl, originalGroupCancellationEl, originalGroupRefEl } from '../../common/case.js';
import { originalTransactionReference, statusReasons } from '../../common/status-write.js';
import * as w from '../../common/write.js';
import { amountEl } from '../../money.js';
import { el, leaf, serializeDocument } from '../../xml/writer.js';
import type { Camt055v08 } from './model.js';

export const CAMT055V08 = 'camt.055.001.08';
const ROOT = 'Document/CstmrPmtCxlReq';

export function serializeCamt055v08(m: Camt055v08): string {
  const und = m.underlying ?? [];
  const count = und.reduce((s, u) => s + (u.payments ?? []).reduce((n, p) => n + (p.transactions ?? []).length, 0), 0);
  return serializeDocument(
    `urn:iso:std:iso:20022:tech:xsd:${CAMT055V08}`,
    el(
      'CstmrPmtCxlReq',
      caseAssignmentEl(m.assignment),
      caseEl('Case', m.case),
      controlDataEl(m.controlData, count, `${ROOT}/CtrlData`),
      und.map((u, i) =>
        el(
          'Undrlyg',
          originalGroupCancellationEl(u.originalGroup),
          (u.payments ?? []).map((p, j) =>
            el(
              'OrgnlPmtInfAndCxl',
              leaf('PmtCxlId', p.paymentCancellationId),
              caseEl('Case', p.case),
              leaf('OrgnlPmtInfId', p.originalPaymentInformationId),
              originalGroupRefEl(p.originalGroup),
              leaf('NbOfTxs', p.numberOfTransactions === undefined ? undefined : String(p.numberOfTransactions)),
              leaf('CtrlSum', p.controlSum),
              leaf('PmtInfCxl', p.paymentInformationCancellation === undefined ? undefined : String(p.paymentInformationCancellation)),
              statusReasons(p.cancellationReasons, 'CxlRsnInf'),
              (p.transactions ?? []).map((t, k) => {
                const path = `${ROOT}/Undrlyg[${i + 1}]/OrgnlPmtInfAndCxl[${j + 1}]/TxInf[${k + 1}]`;
                return el(
                  'TxInf',
                  leaf('CxlId', t.cancellationId),
                  caseEl('Case', t.case),
                  leaf('OrgnlInstrId', t.originalInstructionId),
                  leaf('OrgnlEndToEndId', t.originalEndToEndId),
                  leaf('OrgnlUETR', t.originalUetr),
                  amountEl('OrgnlInstdAmt', t.originalInstructedAmount, path),
                  w.dateOrDateTime('OrgnlReqdExctnDt', t.originalRequestedExecutionDate),
                  leaf('OrgnlReqdColltnDt', t.originalRequestedCollectionDate),
                  statusReasons(t.cancellationReasons, 'CxlRsnInf'),
                  originalTransactionReference(t.originalTransactionReference, `${path}/OrgnlTxRef`),
                );
              }),
            ),
          ),
        ),
      ),
    ),
  );
}
