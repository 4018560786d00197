import { ExactSum } from './exact-sum.js';
import type { CountAndSum, CurrencyTotals, ExpectedPayment, Money } from './types.js';

class Bucket {
  count = 0;
  readonly sum = new ExactSum();
  add(amount: number): void {
    this.count++;
    this.sum.add(amount);
  }
  out(): CountAndSum {
    return { count: this.count, sum: this.sum.value().toString() };
  }
}

interface Buckets {
  matchedCredits: Bucket;
  matchedDebits: Bucket;
  unmatchedCredits: Bucket;
  unmatchedDebits: Bucket;
}

/** Per-currency counts and sums of what this file matched and what it could not. */
export class Totals {
  private readonly byCurrency = new Map<string, Buckets>();

  private buckets(currency: string): Buckets {
    let b = this.byCurrency.get(currency);
    if (!b) {
      b = { matchedCredits: new Bucket(), matchedDebits: new Bucket(), unmatchedCredits: new Bucket(), unmatchedDebits: new Bucket() };
      this.byCurrency.set(currency, b);
    }
    return b;
  }

  matched(direction: ExpectedPayment['direction'] | undefined, m: Money): void {
    const b = this.buckets(m.currency);
    (direction === 'debit' ? b.matchedDebits : b.matchedCredits).add(m.amount);
  }

  unmatched(direction: ExpectedPayment['direction'] | undefined, m: Money): void {
    const b = this.buckets(m.currency);
    (direction === 'debit' ? b.unmatchedDebits : b.unmatchedCredits).add(m.amount);
  }

  out(): Record<string, CurrencyTotals> {
    const out: Record<string, CurrencyTotals> = {};
    for (const c of [...this.byCurrency.keys()].sort()) {
      const b = this.byCurrency.get(c) as Buckets;
      out[c] = { matchedCredits: b.matchedCredits.out(), matchedDebits: b.matchedDebits.out(), unmatchedCredits: b.unmatchedCredits.out(), unmatchedDebits: b.unmatchedDebits.out() };
    }
    return out;
  }
}
