import type { CamtEntry, CamtTransactionDetails } from '../../iso20022/camt/model.js';
import type { ExpectedPayment } from './types.js';

/** What the reconciliation needs to know about an entry beyond its raw fields. */

export const isBooked = (e: CamtEntry): boolean => e.status === 'BOOK';

export const entryDirection = (cdtDbt: string | undefined): ExpectedPayment['direction'] | undefined =>
  cdtDbt === 'CRDT' ? 'credit' : cdtDbt === 'DBIT' ? 'debit' : undefined;

/**
 * Bank transaction sub-families that mean "this money comes back": RRTN reversal due to a payment
 * return, RPCR reversal after a cancellation request, ARET an ACH return.
 */
const RETURN_SUBFAMILIES = new Set(['RRTN', 'RPCR', 'ARET']);

const returnCode = (e: CamtEntry, t: CamtTransactionDetails | undefined): boolean => {
  const sub = t?.bankTransactionCode?.domain?.family.subFamilyCode ?? e.bankTransactionCode?.domain?.family.subFamilyCode;
  return sub !== undefined && RETURN_SUBFAMILIES.has(sub);
};

/** Return information (RtrInf) or a return transaction code: the transfer came back. */
export function isReturn(e: CamtEntry, t: CamtTransactionDetails | undefined): boolean {
  if (t?.returnReason || (t?.returnAdditionalInformation && t.returnAdditionalInformation.length > 0)) return true;
  return returnCode(e, t);
}

export function returnReasonText(t: CamtTransactionDetails | undefined): string {
  const r = t?.returnReason;
  return r?.code ?? r?.proprietary ?? t?.returnAdditionalInformation?.join(' ') ?? 'no reason given';
}

/**
 * Free text a payer or bank may have copied our reference into. Only read for transactions no
 * identifier matched, so the allocation stays off the common path.
 */
export function referenceText(e: CamtEntry, t: CamtTransactionDetails | undefined): string {
  const parts: string[] = [];
  const rmt = t?.remittanceInformation;
  if (rmt?.unstructured) parts.push(...rmt.unstructured);
  if (rmt?.structured) {
    for (const s of rmt.structured) {
      const ref = s.creditorReference?.reference;
      if (ref) parts.push(ref);
      for (const d of s.referredDocuments ?? []) if (d.number) parts.push(d.number);
      if (s.additionalInformation) parts.push(...s.additionalInformation);
    }
  }
  if (t?.additionalTransactionInformation) parts.push(t.additionalTransactionInformation);
  if (e.additionalEntryInformation) parts.push(e.additionalEntryInformation);
  return parts.join(' ');
}

/** Tokens a reference could be: whitespace-separated words, and those words split on punctuation. */
export function referenceTokens(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    out.add(word);
    for (const piece of word.split(/[^A-Za-z0-9_-]+/)) if (piece) out.add(piece);
  }
  return out;
}
