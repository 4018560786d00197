import type { CamtEntry } from '../../iso20022/camt/model.js';
import { openCount, reportBatchDuplicate, reportUnexploded, settleWholeBatch } from './batch.js';
import { breakRefs, type Ctx, type TxView } from './context.js';
import { dayOf } from './dates.js';
import { entryDirection, isBooked, referenceText } from './entry-facts.js';
import type { EntryKeys } from './entry-key.js';
import { batchMembers, batchRefs, byIdentifiers, byReference, singleInBatch, type Found } from './lookup.js';
import { applyMatch } from './outcome.js';
import type { Balances } from './balance.js';
import { Touch } from './run-state.js';

/** One statement entry: its balance contribution, then each of its transactions matched in turn. */
export function processEntry(ctx: Ctx, keys: EntryKeys, balances: Balances, statementIndex: number, entryIndex: number, entry: CamtEntry): void {
  if (!isBooked(entry)) {
    ctx.state.notBooked++;
    return;
  }
  balances.add(statementIndex, entry);
  const key = keys.keyFor(statementIndex, entryIndex, entry);
  const bookingDate = dayOf(entry.bookingDate) ?? dayOf(entry.valueDate);
  const txs = entry.transactions;
  if (txs.length <= 1) {
    const tx = txs[0];
    const direction = entryDirection(tx?.creditDebit ?? entry.creditDebit);
    matchTransaction(ctx, { statementIndex, entry, tx, actual: tx?.amount ?? entry.amount, direction, key, bookingDate }, true);
    return;
  }
  let amountless: Found[] | undefined;
  let known = 0;
  for (let t = 0; t < txs.length; t++) {
    const tx = txs[t];
    if (!tx) continue;
    const direction = entryDirection(tx.creditDebit ?? entry.creditDebit);
    const found = matchTransaction(ctx, { statementIndex, entry, tx, actual: tx.amount, direction, key: `${key}/${t + 1}`, bookingDate }, false);
    if (tx.amount) known += tx.amount.amount;
    else if (found) (amountless ??= []).push(found);
  }
  if (amountless) verifyAmountless(ctx, statementIndex, entry, key, known, amountless);
}

/**
 * A batch entry whose TxDtls carry no amounts: each was trusted at its payment's amount, which
 * holds only if the entry's total agrees. If it does not, those payments become mismatches.
 */
function verifyAmountless(ctx: Ctx, statementIndex: number, entry: CamtEntry, key: string, known: number, amountless: Found[]): void {
  const { state } = ctx;
  let total = known;
  for (const f of amountless) total += state.index.at(f.index).amount;
  if (total === entry.amount.amount) return;
  const bookingDate = dayOf(entry.bookingDate) ?? dayOf(entry.valueDate);
  for (const f of amountless) {
    if (state.touch[f.index] !== Touch.Booked) continue;
    const p = state.index.at(f.index);
    const entryKey = state.touchedBy[f.index] ?? key;
    state.settle(f.index, 'mismatch', f.by, entryKey, entry.entryReference, bookingDate);
    state.entryBreak(statementIndex, entryKey, {
      type: 'AMOUNT_MISMATCH',
      ...(entry.entryReference !== undefined ? { entryReference: entry.entryReference } : {}),
      paymentId: p.paymentId,
      endToEndId: p.endToEndId,
      expected: { amount: p.amount, currency: p.currency },
      actual: entry.amount,
      detail: `batch entry of ${entry.amount.amount} gives no per-transaction amounts and its matched payments add up to ${total}`,
    });
  }
}

/**
 * UETR, EndToEndId, the PmtInf it travelled in, then a reference in free text. `standsForEntry`:
 * this is the entry's only transaction, so its amount may be a whole batch's.
 */
function matchTransaction(ctx: Ctx, v: TxView, standsForEntry: boolean): Found | undefined {
  const { state } = ctx;
  let found = byIdentifiers(state, v);
  if (!found) {
    const batches = batchRefs(v.entry, v.tx);
    const members = batches.length > 0 ? batchMembers(state, batches) : [];
    if (members.length > 0) {
      const open = openCount(ctx, v, members);
      if (standsForEntry && (v.entry.reversal === true || open !== 1)) {
        if (settleWholeBatch(ctx, v, batches, members)) return undefined;
        if (open === 0 && v.entry.reversal !== true) {
          reportBatchDuplicate(ctx, v, batches);
          return undefined;
        }
        found = v.tx?.references?.paymentInformationId ? singleInBatch(state, v, members) : undefined;
        if (!found) {
          reportUnexploded(ctx, v, batches, members);
          return undefined;
        }
      } else {
        found = singleInBatch(state, v, members);
      }
    }
  }
  found ??= byReference(state, v, ctx.options.dateWindowDays);
  if (found) {
    applyMatch(ctx, v, found);
    return found;
  }
  missingInOurs(ctx, v);
  return undefined;
}

function missingInOurs(ctx: Ctx, v: TxView): void {
  const { state } = ctx;
  const actual = v.actual ?? v.entry.amount;
  state.totals.unmatched(v.direction, actual);
  if (ctx.options.ignoreUnmatched?.(v.entry)) return;
  const text = referenceText(v.entry, v.tx);
  state.entryBreak(v.statementIndex, v.key, {
    type: 'MISSING_IN_OURS',
    ...breakRefs(v),
    actual,
    detail: `booked ${v.direction ?? 'entry'} matches no payment${text ? `; reference text: ${text.slice(0, 140)}` : ''}`,
  });
}
