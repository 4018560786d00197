import { readAssignment, readIdentification } from '../../common/assignment.js';
import * as r from '../../common/read.js';
import type { Reader } from '../../xml/reader.js';
import type { Acmt024v03 } from './model.js';

export function parseAcmt024v03(doc: Reader): Acmt024v03 {
  const root = doc.req('IdVrfctnRpt');
  const o = root.opt('OrgnlAssgnmt');
  return {
    assignment: readAssignment(root.req('Assgnmt')),
    originalAssignment: o ? { messageId: o.str('MsgId'), creationDateTime: o.str('CreDtTm'), firstAgent: r.agent(o.opt('FrstAgt')) } : undefined,
    reports: root.all('Rpt').map((x) => ({
      originalId: x.reqStr('OrgnlId'),
      verified: x.boolean('Vrfctn') ?? x.req('Vrfctn').fail('missing verification indicator'),
      reason: r.codeOrPrtry(x.opt('Rsn')),
      original: readIdentification(x.opt('OrgnlPtyAndAcctId')),
      updated: readIdentification(x.opt('UpdtdPtyAndAcctId')),
    })),
  };
}
