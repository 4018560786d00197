import { caseAssignmentEl, caseEl, originalGroupRefEl } from '../../common/case.js';
import { originalTransactionReference, statusReasons } from '../../common/status-write.js';
import { amountEl } from '../../money.js';
import * as w from '../../common/write.js';
import { el, leaf, serializeDocument, type XmlElement } from '../../xml/writer.js';
import type { Camt029v09, Camt029v09Payment } from './model.js';

export const CAMT029V09 = 'camt.029.001.09';
const ROOT = 'Document/RsltnOfInvstgtn';

/** OrgnlPmtInfAndSts, in the order of OriginalPaymentInstruction30. */
function payment(p: Camt029v09Payment, path: string): XmlElement {
  return el(
    'OrgnlPmtInfAndSts',
    leaf('OrgnlPmtInfCxlId', p.originalPaymentInformationCancellationId),
    caseEl('RslvdCase', p.resolvedCase),
    leaf('OrgnlPmtInfId', p.originalPaymentInformationId),
    originalGroupRefEl(p.originalGroup),
    leaf('OrgnlNbOfTxs', p.originalNumberOfTransactions === undefined ? undefined : String(p.originalNumberOfTransactions)),
    leaf('OrgnlCtrlSum', p.originalControlSum),
    leaf('PmtInfCxlSts', p.paymentInformationCancellationStatus),
    statusReasons(p.cancellationStatusReasons, 'CxlStsRsnInf'),
    (p.transactions ?? []).map((t, j) => {
      const here = `${path}/TxInfAndSts[${j + 1}]`;
      return el(
        'TxInfAndSts',
        leaf('CxlStsId', t.cancellationStatusId),
        caseEl('RslvdCase', t.resolvedCase),
        leaf('OrgnlInstrId', t.originalInstructionId),
        leaf('OrgnlEndToEndId', t.originalEndToEndId),
        leaf('UETR', t.uetr),
        leaf('TxCxlSts', t.transactionCancellationStatus),
        statusReasons(t.cancellationStatusReasons, 'CxlStsRsnInf'),
        amountEl('OrgnlInstdAmt', t.originalInstructedAmount, here),
        w.dateOrDateTime('OrgnlReqdExctnDt', t.originalRequestedExecutionDate),
        leaf('OrgnlReqdColltnDt', t.originalRequestedCollectionDate),
        originalTransactionReference(t.originalTransactionReference, `${here}/OrgnlTxRef`),
      );
    }),
  );
}

export function serializeCamt029v09(m: Camt029v09): string {
  const s = m.status ?? {};
  return serializeDocument(
    `urn:iso:std:iso:20022:tech:xsd:${CAMT029V09}`,
    el(
      'RsltnOfInvstgtn',
      caseAssignmentEl(m.assignment),
      caseEl('RslvdCase', m.resolvedCase),
      el('Sts', s.confirmation !== undefined ? leaf('Conf', s.confirmation) : leaf('AssgnmtCxlConf', s.assignmentCancellationConfirmation === undefined ? undefined : String(s.assignmentCancellationConfirmation))),
      (m.cancellationDetails ?? []).map((d, i) => {
        const g = d.originalGroup;
        return el(
          'CxlDtls',
          g
            ? el(
                'OrgnlGrpInfAndSts',
                leaf('OrgnlGrpCxlId', g.originalGroupCancellationId),
                caseEl('RslvdCase', g.resolvedCase),
                leaf('OrgnlMsgId', g.originalMessageId),
                leaf('OrgnlMsgNmId', g.originalMessageNameId),
                leaf('OrgnlCreDtTm', g.originalCreationDateTime),
                leaf('OrgnlNbOfTxs', g.originalNumberOfTransactions === undefined ? undefined : String(g.originalNumberOfTransactions)),
                leaf('OrgnlCtrlSum', g.originalControlSum),
                leaf('GrpCxlSts', g.groupCancellationStatus),
                statusReasons(g.cancellationStatusReasons, 'CxlStsRsnInf'),
              )
            : undefined,
          (d.payments ?? []).map((p, k) => payment(p, `${ROOT}/CxlDtls[${i + 1}]/OrgnlPmtInfAndSts[${k + 1}]`)),
          (d.transactions ?? []).map((t, j) => {
            const path = `${ROOT}/CxlDtls[${i + 1}]/TxInfAndSts[${j + 1}]`;
            return el(
              'TxInfAndSts',
              leaf('CxlStsId', t.cancellationStatusId),
              caseEl('RslvdCase', t.resolvedCase),
              originalGroupRefEl(t.originalGroup),
              leaf('OrgnlInstrId', t.originalInstructionId),
              leaf('OrgnlEndToEndId', t.originalEndToEndId),
              leaf('OrgnlTxId', t.originalTransactionId),
              leaf('OrgnlClrSysRef', t.originalClearingSystemReference),
              leaf('OrgnlUETR', t.originalUetr),
              leaf('TxCxlSts', t.transactionCancellationStatus),
              statusReasons(t.cancellationStatusReasons, 'CxlStsRsnInf'),
              amountEl('OrgnlIntrBkSttlmAmt', t.originalInterbankSettlementAmount, path),
              leaf('OrgnlIntrBkSttlmDt', t.originalInterbankSettlementDate),
              originalTransactionReference(t.originalTransactionReference, `${path}/OrgnlTxRef`),
            );
          }),
        );
      }),
    ),
  );
}
