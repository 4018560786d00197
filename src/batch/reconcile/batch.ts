import { breakRefs, type Ctx, type TxView } from './context.js';
import { ExactSum } from './exact-sum.js';
import type { BatchRef } from './lookup.js';
import { Touch } from './run-state.js';

/**
 * Batch bookings the bank did not explode: one amount for a whole PmtInf (or file). They settle
 * every open payment of the batch only when the amounts add up exactly (and the count, when the
 * bank states one); otherwise nothing is settled, because settling some would be a guess.
 */

interface OpenMembers {
  open: number[];
  sum: bigint;
  currencyOk: boolean;
}

function openMembers(ctx: Ctx, v: TxView, members: readonly number[]): OpenMembers {
  const { state } = ctx;
  const open: number[] = [];
  const sum = new ExactSum();
  let currencyOk = true;
  for (const i of members) {
    const p = state.index.at(i);
    if (!state.isOpenFor(i, v.key) || p.bankStatus === 'rejected' || p.direction !== v.direction) continue;
    open.push(i);
    sum.add(p.amount);
    if (p.currency !== v.actual?.currency) currencyOk = false;
  }
  return { open, sum: sum.value(), currencyOk };
}

/** Open, not rejected, same-direction members: the payments this booking could be paying. */
export const openCount = (ctx: Ctx, v: TxView, members: readonly number[]): number => openMembers(ctx, v, members).open.length;

function statedCount(batches: readonly BatchRef[]): number | undefined {
  let n = 0;
  for (const b of batches) {
    if (b.numberOfTransactions === undefined || !/^\d+$/.test(b.numberOfTransactions)) return undefined;
    n += Number(b.numberOfTransactions);
  }
  return n;
}

/** Settles the whole batch when it adds up (or reverses it, for a reversal); false when it does not. */
export function settleWholeBatch(ctx: Ctx, v: TxView, batches: readonly BatchRef[], members: readonly number[]): boolean {
  if (!v.actual || members.length === 0) return false;
  if (v.entry.reversal === true) return reverseBatch(ctx, v, members);
  const { open, sum, currencyOk } = openMembers(ctx, v, members);
  const stated = statedCount(batches);
  if (open.length === 0 || !currencyOk || sum !== BigInt(v.actual.amount) || (stated !== undefined && stated !== open.length)) return false;
  const { state } = ctx;
  for (const i of open) {
    const p = state.index.at(i);
    state.markTouched(i, Touch.Booked, v.key);
    state.settle(i, 'settled', 'payment_information_id', v.key, v.entry.entryReference, v.bookingDate);
    state.totals.matched(v.direction, { amount: p.amount, currency: p.currency });
  }
  return true;
}

/** The batch is ours but does not add up: its payments stay open, marked as seen, one break. */
export function reportUnexploded(ctx: Ctx, v: TxView, batches: readonly BatchRef[], members: readonly number[]): void {
  const { state } = ctx;
  const { open, sum, currencyOk } = openMembers(ctx, v, members);
  for (const i of open) state.markTouched(i, Touch.InUnexplodedBatch, v.key);
  const actual = v.actual ?? v.entry.amount;
  state.totals.unmatched(v.direction, actual);
  const stated = statedCount(batches);
  const names = batches.map((b) => b.paymentInformationId ?? b.messageId).join(', ');
  const currency = open[0] !== undefined ? state.index.at(open[0]).currency : actual.currency;
  state.entryBreak(v.statementIndex, v.key, {
    type: 'BATCH_NOT_EXPLODED',
    ...breakRefs(v),
    expected: { amount: Number(sum), currency },
    actual,
    detail:
      `batch ${names}: ${open.length} open payment(s) totalling ${sum} ${currency}` +
      `${stated !== undefined ? `, bank states ${stated} transaction(s)` : ''}, booked ${actual.amount} ${actual.currency}` +
      `${currencyOk ? '' : ' (currencies differ)'}${v.entry.reversal === true ? ' as a reversal' : ''}; left open until the bank sends transaction details`,
  });
}

/** A batch booking whose payments were all settled already: the bank booked the batch twice. */
export function reportBatchDuplicate(ctx: Ctx, v: TxView, batches: readonly BatchRef[]): void {
  const actual = v.actual ?? v.entry.amount;
  ctx.state.totals.unmatched(v.direction, actual);
  const names = batches.map((b) => b.paymentInformationId ?? b.messageId).join(', ');
  ctx.state.entryBreak(v.statementIndex, v.key, {
    type: 'DUPLICATE',
    ...breakRefs(v),
    actual,
    detail: `every payment of batch ${names} is already settled`,
  });
}

/** The bank took back a whole batch booking: every payment of it that had settled is reversed. */
function reverseBatch(ctx: Ctx, v: TxView, members: readonly number[]): boolean {
  const { state } = ctx;
  let reversed = false;
  for (const i of members) {
    const p = state.index.at(i);
    const wasSettled = state.touch[i] === Touch.Booked || (state.touch[i] === Touch.None && (p.settlement === 'settled' || p.settledEntryKey === v.key));
    if (!wasSettled) continue;
    reversed = true;
    state.markTouched(i, Touch.Reversed, v.key);
    state.settle(i, 'mismatch', 'payment_information_id', v.key, v.entry.entryReference, v.bookingDate);
    state.totals.matched(v.direction, { amount: p.amount, currency: p.currency });
    state.entryBreak(v.statementIndex, `${v.key}/${p.paymentId}`, {
      type: 'REVERSED',
      ...breakRefs(v),
      paymentId: p.paymentId,
      endToEndId: p.endToEndId,
      expected: { amount: p.amount, currency: p.currency },
      detail: 'the bank reversed the batch booking this payment settled in: it no longer counts as settled',
    });
  }
  return reversed;
}
