import { Iso20022BuildError } from '../errors.js';
import { partyOrAgentEl, readPartyOrAgent, type PartyOrAgent } from './assignment.js';
import { statusReasons as readStatusReasons } from './status-read.js';
import type { StatusReason } from './status-types.js';
import { statusReasons } from './status-write.js';
import { orEmpty } from './write.js';
import type { Reader } from '../xml/reader.js';
import { el, leaf, type XmlChild } from '../xml/writer.js';

/** CaseAssignment5 and Case5, the headers of the exceptions-and-investigations messages (camt.056/029). */
export interface CaseAssignment {
  id: string;
  assigner: PartyOrAgent;
  assignee: PartyOrAgent;
  creationDateTime: string;
}

export interface Case {
  id: string;
  creator: PartyOrAgent;
  reopenCaseIndication?: boolean;
}

export const caseAssignmentEl = (model: CaseAssignment | undefined): XmlChild => {
  const a = orEmpty(model);
  return el('Assgnmt', leaf('Id', a.id), partyOrAgentEl('Assgnr', a.assigner), partyOrAgentEl('Assgne', a.assignee), leaf('CreDtTm', a.creationDateTime));
};

export const caseEl = (name: string, c: Case | undefined): XmlChild =>
  c
    ? el(name, leaf('Id', c.id), partyOrAgentEl('Cretr', c.creator), leaf('ReopCaseIndctn', c.reopenCaseIndication === undefined ? undefined : String(c.reopenCaseIndication)))
    : undefined;

export const readCaseAssignment = (x: Reader): CaseAssignment => ({
  id: x.reqStr('Id'),
  assigner: readPartyOrAgent(x.req('Assgnr')) ?? {},
  assignee: readPartyOrAgent(x.req('Assgne')) ?? {},
  creationDateTime: x.reqStr('CreDtTm'),
});

export const readCase = (x: Reader | undefined): Case | undefined =>
  x ? { id: x.reqStr('Id'), creator: readPartyOrAgent(x.req('Cretr')) ?? {}, reopenCaseIndication: x.boolean('ReopCaseIndctn') } : undefined;

export interface OriginalGroupReference {
  messageId: string;
  messageNameId: string;
  creationDateTime?: string;
}

export const originalGroupRefEl = (g: OriginalGroupReference | undefined): XmlChild =>
  g ? el('OrgnlGrpInf', leaf('OrgnlMsgId', g.messageId), leaf('OrgnlMsgNmId', g.messageNameId), leaf('OrgnlCreDtTm', g.creationDateTime)) : undefined;

export const readOriginalGroupRef = (x: Reader | undefined): OriginalGroupReference | undefined =>
  x ? { messageId: x.reqStr('OrgnlMsgId'), messageNameId: x.reqStr('OrgnlMsgNmId'), creationDateTime: x.str('OrgnlCreDtTm') } : undefined;

/** OriginalGroupHeader15: the group a cancellation request is about (camt.055, camt.056). */
export interface OriginalGroupCancellation {
  groupCancellationId?: string;
  case?: Case;
  originalMessageId: string;
  originalMessageNameId: string;
  originalCreationDateTime?: string;
  numberOfTransactions?: number;
  controlSum?: string;
  groupCancellation?: boolean;
  /** CxlRsnInf: ExternalCancellationReason1Code (DUPL, FRAD, TECH, CUST, ...). */
  cancellationReasons?: StatusReason[];
}

export const originalGroupCancellationEl = (g: OriginalGroupCancellation | undefined): XmlChild =>
  g
    ? el(
        'OrgnlGrpInfAndCxl',
        leaf('GrpCxlId', g.groupCancellationId),
        caseEl('Case', g.case),
        leaf('OrgnlMsgId', g.originalMessageId),
        leaf('OrgnlMsgNmId', g.originalMessageNameId),
        leaf('OrgnlCreDtTm', g.originalCreationDateTime),
        leaf('NbOfTxs', g.numberOfTransactions === undefined ? undefined : String(g.numberOfTransactions)),
        leaf('CtrlSum', g.controlSum),
        leaf('GrpCxl', g.groupCancellation === undefined ? undefined : String(g.groupCancellation)),
        statusReasons(g.cancellationReasons, 'CxlRsnInf'),
      )
    : undefined;

export const readOriginalGroupCancellation = (g: Reader | undefined): OriginalGroupCancellation | undefined =>
  g
    ? {
        groupCancellationId: g.str('GrpCxlId'),
        case: readCase(g.opt('Case')),
        originalMessageId: g.reqStr('OrgnlMsgId'),
        originalMessageNameId: g.reqStr('OrgnlMsgNmId'),
        originalCreationDateTime: g.str('OrgnlCreDtTm'),
        numberOfTransactions: g.count('NbOfTxs'),
        controlSum: g.str('CtrlSum'),
        groupCancellation: g.boolean('GrpCxl'),
        cancellationReasons: readStatusReasons(g, 'CxlRsnInf'),
      }
    : undefined;

/** ControlData1, checked against the number of transactions actually listed. */
export interface ControlData {
  numberOfTransactions: number;
  controlSum?: string;
}

export const controlDataEl = (c: ControlData | undefined, listed: number, path: string): XmlChild => {
  if (!c) return undefined;
  if (c.numberOfTransactions !== listed) {
    throw new Iso20022BuildError('inconsistent_totals', `controlData.numberOfTransactions is ${c.numberOfTransactions}, ${listed} transactions listed`, `${path}/NbOfTxs`);
  }
  return el('CtrlData', leaf('NbOfTxs', String(c.numberOfTransactions)), leaf('CtrlSum', c.controlSum));
};

export const readControlData = (c: Reader | undefined, listed: number): ControlData | undefined => {
  if (!c) return undefined;
  const declared = c.count('NbOfTxs');
  if (declared !== listed) c.req('NbOfTxs').fail(`NbOfTxs says ${declared ?? '?'} but ${listed} transactions are listed`, 'inconsistent_totals');
  return { numberOfTransactions: listed, controlSum: c.str('CtrlSum') };
};
