import { readAssignment, readIdentification } from '../../common/assignment.js';
import type { Reader } from '../../xml/reader.js';
import type { Acmt023v03 } from './model.js';

export function parseAcmt023v03(doc: Reader): Acmt023v03 {
  const root = doc.req('IdVrfctnReq');
  return {
    assignment: readAssignment(root.req('Assgnmt')),
    verifications: root.all('Vrfctn').map((v) => ({ id: v.reqStr('Id'), partyAndAccount: readIdentification(v.req('PtyAndAcctId')) ?? {} })),
  };
}
