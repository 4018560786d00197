import type { Agent, Party } from '../../common/types.js';

/** head.001.001.02 BusinessApplicationHeaderV02 (the CBPR+ / SEPA Inst envelope header). */
export interface Head001v02 {
  characterSet?: string;
  from: HeaderParty;
  to: HeaderParty;
  businessMessageId: string;
  /** The message it heads, e.g. `pacs.008.001.08`. */
  messageDefinitionId: string;
  /** e.g. `swift.cbprplus.02`. */
  businessService?: string;
  marketPractice?: { registry: string; id: string };
  creationDate: string;
  businessProcessingDate?: string;
  copyDuplicate?: string;
  possibleDuplicate?: boolean;
  priority?: string;
}

/** Party44Choice: an organisation or a financial institution. */
export interface HeaderParty {
  organisation?: Party;
  institution?: Agent;
}
