import * as r from './read.js';
import * as w from './write.js';
import type { Account, Agent, CodeOrProprietary } from './types.js';
import type { Reader } from '../xml/reader.js';
import { el, leaf, type XmlChild } from '../xml/writer.js';

/** SettlementInstruction7 (pacs.008, pacs.004). */
export interface SettlementInstruction {
  /** INDA, INGA, COVE or CLRG. */
  method: string;
  account?: Account;
  clearingSystem?: CodeOrProprietary;
  instructingReimbursementAgent?: Agent;
  instructedReimbursementAgent?: Agent;
}

export function settlementEl(s: SettlementInstruction | undefined): XmlChild {
  const x = s ?? { method: '' };
  return el(
    'SttlmInf',
    leaf('SttlmMtd', x.method),
    w.account('SttlmAcct', x.account),
    w.codeOrPrtry('ClrSys', x.clearingSystem),
    w.agent('InstgRmbrsmntAgt', x.instructingReimbursementAgent),
    w.agent('InstdRmbrsmntAgt', x.instructedReimbursementAgent),
  );
}

export function readSettlement(s: Reader): SettlementInstruction {
  return {
    method: s.reqStr('SttlmMtd'),
    account: r.account(s.opt('SttlmAcct')),
    clearingSystem: r.codeOrPrtry(s.opt('ClrSys')),
    instructingReimbursementAgent: r.agent(s.opt('InstgRmbrsmntAgt')),
    instructedReimbursementAgent: r.agent(s.opt('InstdRmbrsmntAgt')),
  };
}
