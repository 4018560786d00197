import type { CamtEntry, CamtTransactionDetails } from '../../iso20022/camt/model.js';
import type { TxView } from './context.js';
import { calendarDaysApart } from './dates.js';
import { referenceText, referenceTokens } from './entry-facts.js';
import { NOT_PROVIDED } from './expected-index.js';
import type { RunState } from './run-state.js';
import type { MatchedBy } from './types.js';

export interface Found {
  index: number;
  by: MatchedBy;
}

/**
 * UETR first, then EndToEndId. A UETR the payment does not carry decides nothing, but when both
 * sides carry one and they differ, an EndToEndId hit is a different transfer reusing the id.
 */
export function byIdentifiers(state: RunState, v: TxView): Found | undefined {
  const refs = v.tx?.references;
  if (!refs) return undefined;
  const open = (i: number): boolean => state.isOpenFor(i, v.key);
  const uetr = refs.uetr?.toLowerCase();
  if (uetr) {
    const i = state.index.byUetr.find(uetr, open);
    if (i !== undefined) return { index: i, by: 'uetr' };
  }
  const e2e = refs.endToEndId;
  if (e2e && e2e !== NOT_PROVIDED) {
    const i = state.index.byEndToEndId.find(e2e, open);
    if (i !== undefined) {
      const theirs = state.index.at(i).uetr?.toLowerCase();
      if (!(uetr && theirs && theirs !== uetr)) return { index: i, by: 'end_to_end_id' };
    }
  }
  return undefined;
}

export interface BatchRef {
  messageId?: string | undefined;
  paymentInformationId?: string | undefined;
  numberOfTransactions?: string | undefined;
}

/** The PmtInf (or whole file) a transaction says it travelled in; the entry's sole Btch otherwise. */
export function batchRefs(entry: CamtEntry, tx: CamtTransactionDetails | undefined): BatchRef[] {
  const refs = tx?.references;
  if (refs?.paymentInformationId) return [{ messageId: refs.messageId, paymentInformationId: refs.paymentInformationId }];
  if (!entry.batches) return [];
  if (tx && entry.batches.length !== 1) return [];
  return entry.batches;
}

/** Every expected payment of the named batches (file order), whatever its state. */
export function batchMembers(state: RunState, batches: readonly BatchRef[]): number[] {
  const out: number[] = [];
  for (const b of batches) {
    if (b.paymentInformationId) {
      for (const i of state.index.byPaymentInformationId.all(b.paymentInformationId)) {
        if (!b.messageId || state.index.at(i).messageId === b.messageId) out.push(i);
      }
    } else if (b.messageId) {
      out.push(...state.index.byMessageId.all(b.messageId));
    }
  }
  return out;
}

/**
 * One payment of a PmtInf named by a transaction without usable ids: the only open one, or the
 * only open one of exactly this amount. Anything more ambiguous is left to the batch rule.
 */
export function singleInBatch(state: RunState, v: TxView, members: readonly number[]): Found | undefined {
  let only: number | undefined;
  let openCount = 0;
  let sameAmount: number | undefined;
  let sameAmountCount = 0;
  for (const i of members) {
    const p = state.index.at(i);
    if (!state.isOpenFor(i, v.key) || p.bankStatus === 'rejected' || p.direction !== v.direction) continue;
    openCount++;
    only = i;
    if (v.actual && p.amount === v.actual.amount && p.currency === v.actual.currency) {
      sameAmountCount++;
      sameAmount = i;
    }
  }
  if (openCount === 1 && only !== undefined) return { index: only, by: 'payment_information_id' };
  if (sameAmountCount === 1 && sameAmount !== undefined) return { index: sameAmount, by: 'payment_information_id' };
  return undefined;
}

/**
 * Last resort: our EndToEndId or payment id copied into free text, with the same amount, currency
 * and direction and a booking within the window of the execution date. An open payment wins over
 * one already settled (which would make this entry a duplicate).
 */
export function byReference(state: RunState, v: TxView, windowDays: number): Found | undefined {
  if (!v.actual || !v.bookingDate) return undefined;
  const text = referenceText(v.entry, v.tx);
  if (!text) return undefined;
  let fallback: number | undefined;
  for (const token of referenceTokens(text)) {
    for (const map of [state.index.byEndToEndId, state.index.byPaymentId]) {
      for (const i of map.all(token)) {
        const p = state.index.at(i);
        if (p.amount !== v.actual.amount || p.currency !== v.actual.currency || p.direction !== v.direction) continue;
        if (!(calendarDaysApart(v.bookingDate, p.executionDate) <= windowDays)) continue;
        if (state.isOpenFor(i, v.key)) return { index: i, by: 'reference_amount_date' };
        fallback ??= i;
      }
    }
  }
  return fallback === undefined ? undefined : { index: fallback, by: 'reference_amount_date' };
}
