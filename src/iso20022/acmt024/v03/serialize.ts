import { assignmentEl, identificationEl } from '../../common/assignment.js';
import * as w from '../../common/write.js';
import { el, leaf, optEl, serializeDocument } from '../../xml/writer.js';
import type { Acmt024v03 } from './model.js';

export const ACMT024V03 = 'acmt.024.001.03';

export function serializeAcmt024v03(m: Acmt024v03): string {
  const o = m.originalAssignment;
  return serializeDocument(
    `urn:iso:std:iso:20022:tech:xsd:${ACMT024V03}`,
    el(
      'IdVrfctnRpt',
      assignmentEl(m.assignment),
      o ? optEl('OrgnlAssgnmt', leaf('MsgId', o.messageId), leaf('CreDtTm', o.creationDateTime), w.agent('FrstAgt', o.firstAgent)) : undefined,
      (m.reports ?? []).map((r) =>
        el(
          'Rpt',
          leaf('OrgnlId', r.originalId),
          leaf('Vrfctn', String(r.verified)),
          w.codeOrPrtry('Rsn', r.reason),
          identificationEl('OrgnlPtyAndAcctId', r.original),
          identificationEl('UpdtdPtyAndAcctId', r.updated),
        ),
      ),
    ),
  );
}
