import { IndexMap } from './multimap.js';
import type { ExpectedPayment } from './types.js';

/** Lookups over the expected payments, built once before the statement is read. */
export class ExpectedIndex {
  readonly payments: readonly ExpectedPayment[];
  readonly byUetr = new IndexMap();
  readonly byEndToEndId = new IndexMap();
  readonly byPaymentId = new IndexMap();
  readonly byPaymentInformationId = new IndexMap();
  readonly byMessageId = new IndexMap();

  constructor(expected: Iterable<ExpectedPayment>) {
    const payments = Array.isArray(expected) ? (expected as readonly ExpectedPayment[]) : [...expected];
    this.payments = payments;
    for (let i = 0; i < payments.length; i++) {
      const p = payments[i] as ExpectedPayment;
      if (p.uetr) this.byUetr.add(p.uetr.toLowerCase(), i);
      if (p.endToEndId && p.endToEndId !== NOT_PROVIDED) this.byEndToEndId.add(p.endToEndId, i);
      this.byPaymentId.add(p.paymentId, i);
      this.byPaymentInformationId.add(p.paymentInformationId, i);
      this.byMessageId.add(p.messageId, i);
    }
  }

  at(i: number): ExpectedPayment {
    return this.payments[i] as ExpectedPayment;
  }
}

/** The ISO placeholder for "no end-to-end id": shared by unrelated transfers, so never a key. */
export const NOT_PROVIDED = 'NOTPROVIDED';
