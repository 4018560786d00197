import * as w from '../../common/write.js';
import { el, leaf, serializeRoot, type XmlChild } from '../../xml/writer.js';
import type { Head001v02, HeaderParty } from './model.js';

export const HEAD001V02 = 'head.001.001.02';

const partyEl = (name: string, p: HeaderParty | undefined): XmlChild =>
  p ? el(name, p.organisation ? w.party('OrgId', p.organisation) : w.agent('FIId', p.institution)) : undefined;

export function headerChildren(h: Head001v02): XmlChild[] {
  return [
    leaf('CharSet', h.characterSet),
    partyEl('Fr', h.from),
    partyEl('To', h.to),
    leaf('BizMsgIdr', h.businessMessageId),
    leaf('MsgDefIdr', h.messageDefinitionId),
    leaf('BizSvc', h.businessService),
    h.marketPractice ? el('MktPrctc', leaf('Regy', h.marketPractice.registry), leaf('Id', h.marketPractice.id)) : undefined,
    leaf('CreDt', h.creationDate),
    leaf('BizPrcgDt', h.businessProcessingDate),
    leaf('CpyDplct', h.copyDuplicate),
    leaf('PssblDplct', h.possibleDuplicate === undefined ? undefined : String(h.possibleDuplicate)),
    leaf('Prty', h.priority),
  ];
}

/** The header alone, as its own document (root `AppHdr`). */
export function serializeHead001v02(h: Head001v02): string {
  return serializeRoot(`urn:iso:std:iso:20022:tech:xsd:${HEAD001V02}`, el('AppHdr', headerChildren(h)));
}
