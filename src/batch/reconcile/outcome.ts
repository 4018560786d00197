import { breakRefs, type Ctx, type TxView } from './context.js';
import { isReturn, returnReasonText } from './entry-facts.js';
import type { Found } from './lookup.js';
import { Touch } from './run-state.js';
import type { ExpectedPayment, Money, Settlement } from './types.js';

const money = (p: ExpectedPayment): Money => ({ amount: p.amount, currency: p.currency });

/** A cross-currency booking is ours when the instructed amount is exactly what we sent. */
function instructedMatches(v: TxView, p: ExpectedPayment): boolean {
  const ia = v.tx?.instructedAmount;
  return ia !== undefined && ia.amount === p.amount && ia.currency === p.currency;
}

/** What a transaction matched to payment `found.index` does to it. */
export function applyMatch(ctx: Ctx, v: TxView, found: Found): void {
  const { state } = ctx;
  const i = found.index;
  const p = state.index.at(i);
  // a batch TxDtls without its own amount is taken at our amount, in the currency of the booking
  const actual = v.actual ?? { amount: p.amount, currency: v.entry.amount.currency };
  const refs = () => ({ ...breakRefs(v), paymentId: p.paymentId, endToEndId: p.endToEndId });
  const settle = (to: Settlement['to']): void =>
    state.settle(i, to, found.by, v.key, v.entry.entryReference, v.bookingDate);

  if (isReturn(v.entry, v.tx)) {
    // a return after settlement is the normal life of a transfer; a second return is not
    const returnedBefore = state.touch[i] === Touch.Returned || (p.settlement === 'returned' && p.settledEntryKey !== v.key && state.touch[i] === Touch.None);
    if (returnedBefore) return duplicate(ctx, v, i, actual, 'returned');
    state.markTouched(i, Touch.Returned, v.key);
    settle('returned');
    state.totals.matched(v.direction, actual);
    state.entryBreak(v.statementIndex, v.key, {
      type: 'RETURNED',
      ...refs(),
      expected: money(p),
      actual,
      detail: `returned by the bank (${returnReasonText(v.tx)})${actual.amount !== p.amount ? `; ${actual.amount} of ${p.amount} came back` : ''}`,
    });
    return;
  }

  if (v.entry.reversal === true) {
    if (state.touch[i] === Touch.Reversed) return duplicate(ctx, v, i, actual, 'reversed');
    state.markTouched(i, Touch.Reversed, v.key);
    settle('mismatch');
    state.totals.matched(v.direction, actual);
    state.entryBreak(v.statementIndex, v.key, {
      type: 'REVERSED',
      ...refs(),
      expected: money(p),
      actual,
      detail: 'the bank reversed a booking of this payment (RvslInd): it no longer counts as settled',
    });
    return;
  }

  if (!state.isOpenFor(i, v.key)) {
    return duplicate(ctx, v, i, actual, state.touch[i] !== Touch.None ? 'matched' : p.settlement === 'mismatch' ? 'matched with a mismatch' : p.settlement);
  }

  state.markTouched(i, Touch.Booked, v.key);
  state.totals.matched(v.direction, actual);
  let to: Settlement['to'] = 'settled';
  if (p.bankStatus === 'rejected') {
    to = 'mismatch';
    state.entryBreak(v.statementIndex, v.key, { type: 'STATUS_CONFLICT', ...refs(), expected: money(p), actual, detail: 'rejected in pain.002 but booked by the bank' });
  }
  if (actual.currency !== p.currency) {
    if (!instructedMatches(v, p)) {
      to = 'mismatch';
      state.entryBreak(v.statementIndex, v.key, { type: 'CURRENCY_MISMATCH', ...refs(), expected: money(p), actual, detail: `sent in ${p.currency}, booked in ${actual.currency}` });
    }
  } else if (actual.amount !== p.amount || v.direction !== p.direction) {
    to = 'mismatch';
    const detail =
      v.direction !== p.direction
        ? `expected a ${p.direction}, booked as a ${v.direction ?? 'entry without direction'}`
        : `expected ${p.amount}, booked ${actual.amount} (difference ${actual.amount - p.amount})`;
    state.entryBreak(v.statementIndex, v.key, { type: 'AMOUNT_MISMATCH', ...refs(), expected: money(p), actual, detail });
  }
  settle(to);
}

function duplicate(ctx: Ctx, v: TxView, i: number, actual: Money, already: string): void {
  const { state } = ctx;
  const p = state.index.at(i);
  state.totals.unmatched(v.direction, actual);
  const by = state.touchedBy[i] ?? p.settledEntryKey;
  state.entryBreak(v.statementIndex, v.key, {
    type: 'DUPLICATE',
    ...breakRefs(v),
    paymentId: p.paymentId,
    endToEndId: p.endToEndId,
    expected: money(p),
    actual,
    detail: `payment already ${already}${by ? ` by entry ${by}` : ' earlier'}`,
  });
}
