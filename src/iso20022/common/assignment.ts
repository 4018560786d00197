import * as r from './read.js';
import * as w from './write.js';
import type { Account, Agent, Party } from './types.js';
import type { Reader } from '../xml/reader.js';
import { el, leaf, optEl, type XmlChild } from '../xml/writer.js';

/** Party40Choice: a party or an agent. */
export interface PartyOrAgent {
  party?: Party;
  agent?: Agent;
}

/** IdentificationAssignment3, the header of acmt.023/024. */
export interface Assignment {
  messageId: string;
  creationDateTime: string;
  creator?: PartyOrAgent;
  firstAgent?: Agent;
  assigner: PartyOrAgent;
  assignee: PartyOrAgent;
}

/** IdentificationInformation4: what is to be verified (name against account, typically). */
export interface IdentificationInformation {
  party?: Party;
  account?: Account;
  agent?: Agent;
}

export function partyOrAgentEl(name: string, p: PartyOrAgent | undefined): XmlChild {
  if (!p) return undefined;
  return el(name, p.party ? w.party('Pty', p.party) : w.agent('Agt', p.agent));
}

export function readPartyOrAgent(x: Reader | undefined): PartyOrAgent | undefined {
  if (!x) return undefined;
  const pty = x.opt('Pty');
  return pty ? { party: r.party(pty) } : { agent: r.agent(x.opt('Agt')) };
}

export function assignmentEl(model: Assignment | undefined): XmlChild {
  const a = w.orEmpty(model);
  return el(
    'Assgnmt',
    leaf('MsgId', a.messageId),
    leaf('CreDtTm', a.creationDateTime),
    partyOrAgentEl('Cretr', a.creator),
    w.agent('FrstAgt', a.firstAgent),
    partyOrAgentEl('Assgnr', a.assigner),
    partyOrAgentEl('Assgne', a.assignee),
  );
}

export function readAssignment(x: Reader): Assignment {
  return {
    messageId: x.reqStr('MsgId'),
    creationDateTime: x.reqStr('CreDtTm'),
    creator: readPartyOrAgent(x.opt('Cretr')),
    firstAgent: r.agent(x.opt('FrstAgt')),
    assigner: readPartyOrAgent(x.req('Assgnr')) ?? {},
    assignee: readPartyOrAgent(x.req('Assgne')) ?? {},
  };
}

export function identificationEl(name: string, i: IdentificationInformation | undefined): XmlChild {
  if (!i) return undefined;
  return optEl(name, w.party('Pty', i.party), w.account('Acct', i.account), w.agent('Agt', i.agent));
}

export function readIdentification(x: Reader | undefined): IdentificationInformation | undefined {
  if (!x) return undefined;
  return { party: r.party(x.opt('Pty')), account: r.account(x.opt('Acct')), agent: r.agent(x.opt('Agt')) };
}
