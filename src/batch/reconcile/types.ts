import type { Camt053StreamEvent } from '../../iso20022/camt053/stream.js';
import type { CamtEntry } from '../../iso20022/camt/model.js';

/** One transfer we sent in a pain.001 batch file, as the orchestrator loaded it from the store. */
export interface ExpectedPayment {
  /** `pay_...`, or `re_...` for refunds. */
  paymentId: string;
  /** Exactly as sent; compared as a string, so `000000123` never equals `123`. */
  endToEndId: string;
  /** Lowercase UUID; compared case-insensitively because banks upper-case it. */
  uetr?: string;
  paymentInformationId: string;
  /** The file's GrpHdr/MsgId. */
  messageId: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  /** From our account's point of view: `credit` is money in (CRDT), `debit` money out (DBIT). */
  direction: 'credit' | 'debit';
  /** YYYY-MM-DD. */
  executionDate: string;
  settlement: 'batched' | 'settled' | 'returned' | 'mismatch';
  /** From pain.002. */
  bankStatus: 'none' | 'pending' | 'accepted' | 'rejected';
  remittance?: string;
  /**
   * `Settlement.entryKey` stored when this payment was settled. Lets the same statement be applied
   * twice: the entry that settled a payment is not a duplicate of itself.
   */
  settledEntryKey?: string;
}

export type BreakType =
  | 'MISSING_IN_BANK'
  | 'MISSING_IN_OURS'
  | 'AMOUNT_MISMATCH'
  | 'CURRENCY_MISMATCH'
  | 'DUPLICATE'
  | 'STATUS_CONFLICT'
  | 'RETURNED'
  | 'REVERSED'
  | 'BATCH_NOT_EXPLODED'
  | 'BALANCE_DRIFT'
  /** Statements of our account are missing between two that arrived (electronic sequence numbers). */
  | 'SEQUENCE_GAP';

export interface Money {
  /** Integer minor units; signed where the README says so (balances). */
  amount: number;
  currency: string;
}

export interface ReconciliationBreak {
  type: BreakType;
  /**
   * Stable across runs over the same statement, so storing breaks by key dedupes:
   * `${statementId}:${entryKey}:${type}` for entry breaks, `${paymentId}:${type}` for payments the
   * bank never showed, `${statementId}:BALANCE_DRIFT` for the balance check.
   */
  key: string;
  paymentId?: string;
  endToEndId?: string;
  entryReference?: string;
  accountServicerReference?: string;
  expected?: Money;
  actual?: Money;
  detail: string;
}

export type MatchedBy = 'uetr' | 'end_to_end_id' | 'payment_information_id' | 'reference_amount_date';

export interface Settlement {
  paymentId: string;
  to: 'settled' | 'returned' | 'mismatch';
  /** The bank's NtryRef, when it gave one. */
  entryReference?: string;
  /** Stable identity of the entry (and transaction) that decided this; store it as `settledEntryKey`. */
  entryKey: string;
  bookingDate?: string;
  matchedBy: MatchedBy;
}

export interface StatementSummary {
  id: string;
  /** IBAN or other account id, unmasked: reports mask it. */
  account: string;
  currency: string;
  from?: string;
  to?: string;
  /** ElctrncSeqNb as the bank wrote it: consecutive per account, so a gap means a missing statement. */
  sequence?: string;
  /** Signed minor units: a debit balance is negative. */
  opening?: Money;
  closing?: Money;
  entries: number;
}

export interface CountAndSum {
  count: number;
  /** Minor units as a decimal string: sums can pass 2^53. */
  sum: string;
}

export interface CurrencyTotals {
  matchedCredits: CountAndSum;
  matchedDebits: CountAndSum;
  unmatchedCredits: CountAndSum;
  unmatchedDebits: CountAndSum;
}

export interface ReconcileResult {
  /** The first statement of the file (a camt.053 file normally holds one). */
  statement: StatementSummary;
  statements: StatementSummary[];
  /** At most one per payment: the last word of this file on it. */
  settlements: Settlement[];
  breaks: ReconciliationBreak[];
  totals: Record<string, CurrencyTotals>;
  /** Entries that were not booked (PDNG, INFO): read, never matched. */
  notBooked: number;
}

export interface ReconcileInput {
  entries: AsyncIterable<Camt053StreamEvent>;
  expected: Iterable<ExpectedPayment>;
  /** YYYY-MM-DD: the day the check runs for. */
  asOf: string;
  missingAfterBusinessDays: number;
  businessDaysBetween: (from: string, to: string) => number;
  /** Calendar days between booking and execution date for a remittance-text match. Default 5. */
  dateWindowDays?: number;
  /** Entries read so far; called once per entry (the consumer throttles). */
  onProgress?: (entriesRead: number) => void;
  /**
   * Whether payments absent from the input are reported (MISSING_IN_BANK, settled-but-absent
   * STATUS_CONFLICT). Only an end-of-day statement proves absence; a notification (camt.054) or an
   * intraday report (camt.052) shows some movements, never all. Default true.
   */
  checkAbsence?: boolean;
  /** Booked entries that are not payments (fees, interest): never reported MISSING_IN_OURS. */
  ignoreUnmatched?: (entry: CamtEntry) => boolean;
}
