import * as r from '../../common/read.js';
import type { Reader } from '../../xml/reader.js';
import type { Head001v02, HeaderParty } from './model.js';

const party = (x: Reader): HeaderParty => {
  const org = x.opt('OrgId');
  return org ? { organisation: r.party(org) ?? {} } : { institution: r.agent(x.opt('FIId')) ?? {} };
};

/** `hdr` is the AppHdr element itself. */
export function parseHead001v02(hdr: Reader): Head001v02 {
  const mp = hdr.opt('MktPrctc');
  return {
    characterSet: hdr.str('CharSet'),
    from: party(hdr.req('Fr')),
    to: party(hdr.req('To')),
    businessMessageId: hdr.reqStr('BizMsgIdr'),
    messageDefinitionId: hdr.reqStr('MsgDefIdr'),
    businessService: hdr.str('BizSvc'),
    marketPractice: mp ? { registry: mp.reqStr('Regy'), id: mp.reqStr('Id') } : undefined,
    creationDate: hdr.reqStr('CreDt'),
    businessProcessingDate: hdr.str('BizPrcgDt'),
    copyDuplicate: hdr.str('CpyDplct'),
    possibleDuplicate: hdr.boolean('PssblDplct'),
    priority: hdr.str('Prty'),
  };
}
