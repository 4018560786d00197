import { isCurrency } from '../domain/money.js';
import { Iso20022BuildError, Iso20022ParseError } from './errors.js';
import { controlSum, sameDecimal, type Amount } from './money.js';

/**
 * NbOfTxs / CtrlSum, computed from the transactions in integers and compared with what a model or
 * a message declares. A mismatch is never "fixed": on build it is an error, on parse too, because a
 * file whose totals disagree with its content cannot be trusted for either number.
 */
export interface Totals {
  numberOfTransactions: number;
  controlSum: string;
}

export function totalsFor(amounts: readonly Amount[]): Totals {
  return { numberOfTransactions: amounts.length, controlSum: controlSum(amounts) };
}

/** Model amounts come from callers (or JSON): refuse fractions, negatives and unknown currencies early. */
function assertAmounts(amounts: readonly Amount[], path: string): void {
  amounts.forEach((a, i) => {
    if (typeof a !== 'object' || a === null || !Number.isSafeInteger(a.amount) || a.amount < 0) {
      throw new Iso20022BuildError('invalid_amount', `transaction ${i + 1}: amount must be a non-negative integer of minor units`, path);
    }
    if (!isCurrency(a.currency)) {
      throw new Iso20022BuildError('invalid_amount', `transaction ${i + 1}: unknown ISO 4217 currency "${String(a.currency)}"`, path);
    }
  });
}

export function checkBuildTotals(
  declared: { numberOfTransactions?: number | undefined; controlSum?: string | undefined },
  amounts: readonly Amount[],
  path: string,
): Totals {
  assertAmounts(amounts, path);
  const t = totalsFor(amounts);
  if (declared.numberOfTransactions !== undefined && declared.numberOfTransactions !== t.numberOfTransactions) {
    throw new Iso20022BuildError(
      'inconsistent_totals',
      `numberOfTransactions is ${declared.numberOfTransactions} but there are ${t.numberOfTransactions} transactions`,
      `${path}/NbOfTxs`,
    );
  }
  if (declared.controlSum !== undefined) {
    if (!sameDecimal(declared.controlSum, t.controlSum)) {
      throw new Iso20022BuildError(
        'inconsistent_totals',
        `controlSum is ${declared.controlSum} but the transactions add up to ${t.controlSum}`,
        `${path}/CtrlSum`,
      );
    }
    // Keep the caller's spelling ("10.5" vs "10.50") so a parsed model rebuilds byte-identically.
    return { numberOfTransactions: t.numberOfTransactions, controlSum: declared.controlSum };
  }
  return t;
}

export function checkParsedTotals(
  declared: { numberOfTransactions?: number | undefined; controlSum?: string | undefined },
  amounts: readonly Amount[],
  path: string,
): void {
  const t = totalsFor(amounts);
  if (declared.numberOfTransactions !== undefined && declared.numberOfTransactions !== t.numberOfTransactions) {
    throw new Iso20022ParseError(
      'inconsistent_totals',
      `NbOfTxs says ${declared.numberOfTransactions} but the message holds ${t.numberOfTransactions} transactions`,
      `${path}/NbOfTxs`,
    );
  }
  if (declared.controlSum !== undefined && !sameDecimal(declared.controlSum, t.controlSum)) {
    throw new Iso20022ParseError(
      'inconsistent_totals',
      `CtrlSum says ${declared.controlSum} but the transactions add up to ${t.controlSum}`,
      `${path}/CtrlSum`,
    );
  }
}

/**
 * A group total in one currency (TtlIntrBkSttlmAmt, TtlRtrdIntrBkSttlmAmt) must equal the sum of
 * the transaction amounts, all in that currency. Returns a message when it does not.
 */
export function totalAmountProblem(total: Amount | undefined, amounts: readonly Amount[]): string | undefined {
  if (!total) return undefined;
  if (amounts.some((a) => a.currency !== total.currency)) return `the total is in ${total.currency} but not every transaction is`;
  const sum = amounts.reduce((s, a) => s + BigInt(a.amount), 0n);
  return sum === BigInt(total.amount) ? undefined : `the total is ${total.amount} minor units but the transactions add up to ${sum}`;
}
