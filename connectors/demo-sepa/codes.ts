import { declined, unknown, type Outcome } from '../../src/connector/outcome.js';

/**
 * The bank's reason codes this connector understands (ExternalStatusReason1Code and the return,
 * cancellation and investigation codes the bank uses). A code listed here is a final decline
 * with that code, except the duplicate codes below. A code missing here means we do not know what
 * the bank decided, so it maps to `unknown` (the engine inquires and, failing that, asks a human):
 * never to success or failure.
 */
export const REASON_CODES: Readonly<Record<string, string>> = {
  AC01: 'Incorrect account number',
  AC03: 'Invalid creditor account number',
  AC04: 'Closed account number',
  AC06: 'Blocked account',
  AC13: 'Invalid debtor account type',
  AG01: 'Transaction forbidden on this account',
  AG02: 'Invalid bank operation code',
  AG03: 'Transaction type not supported',
  AM02: 'Amount above the allowed maximum',
  AM04: 'Insufficient funds',
  AM05: 'Duplication',
  AM09: 'Wrong amount',
  AM23: 'Amount exceeds settlement limit',
  ARDT: 'Already returned',
  BE05: 'Unrecognised initiating party',
  CUST: 'Requested by customer',
  DU01: 'Duplicate message id',
  DU02: 'Duplicate payment information id',
  DU03: 'Duplicate transaction',
  DU04: 'Duplicate end-to-end id',
  DU05: 'Duplicate instruction id',
  DUPL: 'Duplicate payment',
  FF01: 'Invalid file format',
  FOCR: 'Cancelled following a cancellation request',
  MD07: 'End customer deceased',
  MS02: 'Refused by the customer',
  MS03: 'Refused by the bank, reason not specified',
  NOAS: 'No answer from the customer',
  NOOR: 'The bank never received the original transaction',
  RC01: 'Bank identifier incorrect',
  RR04: 'Regulatory reason',
  TM01: 'Received after the cut-off time',
};

/**
 * Rejections that say "you sent this before": the bank refused this copy because it holds the
 * original, whose own fate is not in the report. Declining would fail a payment the original may
 * have paid, so these are `unknown` and the engine inquires about the original (by its reference).
 */
export const DUPLICATE_CODES: ReadonlySet<string> = new Set(['AM05', 'DUPL', 'DU01', 'DU02', 'DU03', 'DU04', 'DU05']);

/** A decline with the bank's code, or `unknown` when the code is not in the table or names a duplicate. */
export function outcomeForReason(code: string | undefined, what: string): Outcome {
  if (code === undefined) return unknown(true, `${what} rejected without a reason code`);
  if (DUPLICATE_CODES.has(code)) return unknown(true, `${what} rejected as a duplicate (${code}): the original decides, inquire about it`);
  const reason = Object.hasOwn(REASON_CODES, code) ? REASON_CODES[code] : undefined;
  return reason === undefined ? unknown(true, `${what} rejected with unknown reason code ${code}`) : declined(code, reason);
}
