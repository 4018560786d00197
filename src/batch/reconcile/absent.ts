import type { RunState } from './run-state.js';
import { Touch } from './run-state.js';

export interface AbsentRule {
  asOf: string;
  missingAfterBusinessDays: number;
  businessDaysBetween: (from: string, to: string) => number;
}

/**
 * Payments the bank never showed. A payment pain.002 accepted is a STATUS_CONFLICT when it stays
 * absent (the bank said yes, the money never moved); one without a positive status is
 * MISSING_IN_BANK. Rejected payments are expected to be absent. Only open (`batched`) payments are
 * checked: settled ones were seen on earlier statements.
 */
export function reportAbsent(state: RunState, rule: AbsentRule): void {
  const ages = new Map<string, number>();
  const payments = state.index.payments;
  for (let i = 0; i < payments.length; i++) {
    if (state.touch[i] !== Touch.None) continue;
    const p = state.index.at(i);
    if (p.settlement !== 'batched' || p.bankStatus === 'rejected') continue;
    let age = ages.get(p.executionDate);
    if (age === undefined) {
      age = rule.businessDaysBetween(p.executionDate, rule.asOf);
      ages.set(p.executionDate, age);
    }
    if (!(age > rule.missingAfterBusinessDays)) continue;
    const accepted = p.bankStatus === 'accepted';
    state.paymentBreak({
      type: accepted ? 'STATUS_CONFLICT' : 'MISSING_IN_BANK',
      paymentId: p.paymentId,
      endToEndId: p.endToEndId,
      expected: { amount: p.amount, currency: p.currency },
      detail: `executed ${p.executionDate}, ${age} business days before ${rule.asOf}${accepted ? ', accepted in pain.002,' : ''} and not on the bank statement`,
    });
  }
}
