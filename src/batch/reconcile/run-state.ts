import { detach } from './detach.js';
import type { ExpectedIndex } from './expected-index.js';
import { Totals } from './totals.js';
import type { BreakType, MatchedBy, ReconciliationBreak, Settlement } from './types.js';

/** How an entry of this file touched a payment; the first such touch decides what a later one is. */
export const Touch = {
  None: 0,
  Booked: 1,
  Returned: 2,
  Reversed: 3,
  /** Seen inside a batch entry that could not be exploded: present at the bank, not settled. */
  InUnexplodedBatch: 4,
} as const;
export type Touch = (typeof Touch)[keyof typeof Touch];

/** A break whose key still lacks its statement id: the statement header arrives after its entries. */
interface PendingBreak {
  statementIndex: number | undefined;
  keyTail: string;
  value: Omit<ReconciliationBreak, 'key'>;
}

/** Everything one reconciliation run accumulates: payment touches, settlements, breaks, totals. */
export class RunState {
  readonly touch: Uint8Array;
  /** Entry key of the first touch, for break details and duplicate detection. */
  readonly touchedBy: (string | undefined)[];
  private readonly settlements = new Map<number, Settlement>();
  private readonly pending: PendingBreak[] = [];
  readonly totals = new Totals();
  notBooked = 0;

  constructor(readonly index: ExpectedIndex) {
    this.touch = new Uint8Array(index.payments.length);
    this.touchedBy = new Array<string | undefined>(index.payments.length);
  }

  /**
   * Open for this entry: not yet matched in this file, and either never settled or settled by this
   * very entry in an earlier run (re-applying a statement must reproduce, not duplicate).
   */
  isOpenFor(i: number, entryKey: string): boolean {
    if (this.touch[i] !== Touch.None && this.touch[i] !== Touch.InUnexplodedBatch) return false;
    const p = this.index.at(i);
    return p.settlement === 'batched' || p.settledEntryKey === entryKey;
  }

  markTouched(i: number, how: Touch, entryKey: string): void {
    if (this.touch[i] === Touch.None || this.touch[i] === Touch.InUnexplodedBatch) this.touchedBy[i] = entryKey;
    this.touch[i] = how;
  }

  settle(i: number, to: Settlement['to'], matchedBy: MatchedBy, entryKey: string, entryReference: string | undefined, bookingDate: string | undefined): void {
    const s: Settlement = { paymentId: this.index.at(i).paymentId, to, entryKey, matchedBy };
    if (entryReference !== undefined) s.entryReference = detach(entryReference);
    if (bookingDate !== undefined) s.bookingDate = detach(bookingDate);
    this.settlements.set(i, s);
  }

  /** Break text comes from the statement: detached so a stored break does not pin read buffers. */
  private add(statementIndex: number | undefined, keyTail: string, value: Omit<ReconciliationBreak, 'key'>): void {
    const v = { ...value, detail: detach(value.detail) };
    if (v.endToEndId !== undefined) v.endToEndId = detach(v.endToEndId);
    if (v.entryReference !== undefined) v.entryReference = detach(v.entryReference);
    if (v.accountServicerReference !== undefined) v.accountServicerReference = detach(v.accountServicerReference);
    this.pending.push({ statementIndex, keyTail, value: v });
  }

  /** An entry break: keyed `${statementId}:${entryKey}:${type}` once the statement id is known. */
  entryBreak(statementIndex: number, entryKey: string, value: Omit<ReconciliationBreak, 'key'>): void {
    this.add(statementIndex, `${entryKey}:${value.type}`, value);
  }

  statementBreak(statementIndex: number, type: BreakType, value: Omit<ReconciliationBreak, 'key'>): void {
    this.add(statementIndex, type, value);
  }

  /** A break about a payment itself (never shown by the bank): keyed `${paymentId}:${type}`. */
  paymentBreak(value: Omit<ReconciliationBreak, 'key'> & { paymentId: string }): void {
    this.add(undefined, `${value.paymentId}:${value.type}`, value);
  }

  settlementList(): Settlement[] {
    return [...this.settlements.values()];
  }

  /** Breaks with their final keys; a key produced twice keeps its first break. */
  breakList(statementIds: ReadonlyMap<number, string>): ReconciliationBreak[] {
    const out = new Map<string, ReconciliationBreak>();
    for (const b of this.pending) {
      const key = b.statementIndex === undefined ? b.keyTail : `${statementIds.get(b.statementIndex) ?? `#${b.statementIndex}`}:${b.keyTail}`;
      if (!out.has(key)) out.set(key, { type: b.value.type, key, ...withoutType(b.value) });
    }
    return [...out.values()];
  }
}

function withoutType(v: Omit<ReconciliationBreak, 'key'>): Omit<ReconciliationBreak, 'key' | 'type'> {
  const { type: _type, ...rest } = v;
  return rest;
}
