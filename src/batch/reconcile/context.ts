import type { CamtEntry, CamtTransactionDetails } from '../../iso20022/camt/model.js';
import type { RunState } from './run-state.js';
import type { ExpectedPayment, Money } from './types.js';

/** One transaction of a booked entry as the matcher sees it. */
export interface TxView {
  statementIndex: number;
  entry: CamtEntry;
  /** Absent when the entry carries no TxDtls. */
  tx: CamtTransactionDetails | undefined;
  /** The transaction's amount; absent when a batch entry's TxDtls gives none. */
  actual: Money | undefined;
  direction: ExpectedPayment['direction'] | undefined;
  /** Entry key, with `/n` for the n-th transaction of a multi-transaction entry. */
  key: string;
  bookingDate: string | undefined;
}

export interface MatchOptions {
  dateWindowDays: number;
  ignoreUnmatched: ((entry: CamtEntry) => boolean) | undefined;
}

export interface Ctx {
  state: RunState;
  options: MatchOptions;
}

/** The references every break about this transaction repeats. */
export function breakRefs(v: TxView): { entryReference?: string; accountServicerReference?: string; endToEndId?: string } {
  const out: { entryReference?: string; accountServicerReference?: string; endToEndId?: string } = {};
  if (v.entry.entryReference !== undefined) out.entryReference = v.entry.entryReference;
  const asr = v.tx?.references?.accountServicerReference ?? v.entry.accountServicerReference;
  if (asr !== undefined) out.accountServicerReference = asr;
  const e2e = v.tx?.references?.endToEndId;
  if (e2e !== undefined) out.endToEndId = e2e;
  return out;
}
