import { assignmentEl, identificationEl } from '../../common/assignment.js';
import { el, leaf, serializeDocument } from '../../xml/writer.js';
import type { Acmt023v03 } from './model.js';

export const ACMT023V03 = 'acmt.023.001.03';

export function serializeAcmt023v03(m: Acmt023v03): string {
  return serializeDocument(
    `urn:iso:std:iso:20022:tech:xsd:${ACMT023V03}`,
    el(
      'IdVrfctnReq',
      assignmentEl(m.assignment),
      (m.verifications ?? []).map((v) => el('Vrfctn', leaf('Id', v.id), identificationEl('PtyAndAcctId', v.partyAndAccount) ?? el('PtyAndAcctId'))),
    ),
  );
}
