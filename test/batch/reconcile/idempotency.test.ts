import { describe, expect, it } from 'vitest';
import { reconcileStatement, type ExpectedPayment, type ReconcileResult } from '../../../src/batch/reconcile/index.js';
import { BASE, camt053, events, payment } from './camt053-builder.js';

const expected = (): ExpectedPayment[] => [
  payment({ paymentId: 'pay_ok', endToEndId: '000000001' }),
  payment({ paymentId: 'pay_short', endToEndId: '000000002', amount: 2000 }),
  payment({ paymentId: 'pay_ret', endToEndId: '000000003', settlement: 'settled', settledEntryKey: 'ASR-EARLIER' }),
  payment({ paymentId: 'pay_b1', paymentInformationId: 'PMTINF-9', amount: 100 }),
  payment({ paymentId: 'pay_b2', paymentInformationId: 'PMTINF-9', amount: 200 }),
  payment({ paymentId: 'pay_gone', endToEndId: '000000004', executionDate: '2026-11-18' }),
];

const xml = camt053({
  id: 'STMT-IDEM',
  closing: 1,
  entries: [
    { accountServicerReference: 'ASR-1', amount: 1000, txs: [{ endToEndId: '000000001', amount: 1000 }] },
    { accountServicerReference: 'ASR-2', amount: 1999, txs: [{ endToEndId: '000000002', amount: 1999 }] },
    { accountServicerReference: 'ASR-3', amount: 1000, creditDebit: 'DBIT', txs: [{ endToEndId: '000000003', amount: 1000, returnReason: 'AC04' }] },
    { accountServicerReference: 'ASR-4', amount: 300, batch: { paymentInformationId: 'PMTINF-9' } },
    { ref: 'N5', amount: 42, txs: [{ endToEndId: 'SOMEONE-ELSE', amount: 42 }] },
    { accountServicerReference: 'ASR-1', amount: 1000, txs: [{ endToEndId: '000000001', amount: 1000 }] },
  ],
});

/** What the orchestrator does with a result: settlements written back onto the payments. */
function apply(payments: ExpectedPayment[], r: ReconcileResult): ExpectedPayment[] {
  const by = new Map(r.settlements.map((s) => [s.paymentId, s]));
  return payments.map((p) => {
    const s = by.get(p.paymentId);
    return s ? { ...p, settlement: s.to, settledEntryKey: s.entryKey } : p;
  });
}

describe('idempotency', () => {
  it('gives identical results, break keys included, when the same statement is reconciled twice', async () => {
    const a = await reconcileStatement({ ...BASE, entries: events(xml), expected: expected() });
    const b = await reconcileStatement({ ...BASE, entries: events(xml), expected: expected() });
    expect(b).toEqual(a);
    expect(a.breaks.map((x) => x.key)).toEqual([
      'STMT-IDEM:ASR-2:AMOUNT_MISMATCH',
      'STMT-IDEM:ASR-3:RETURNED',
      'STMT-IDEM:N5@2026-11-27:MISSING_IN_OURS',
      'STMT-IDEM:ASR-1#1.6:DUPLICATE',
      'STMT-IDEM:BALANCE_DRIFT',
      'pay_gone:MISSING_IN_BANK',
    ]);
    expect(new Set(a.breaks.map((x) => x.key)).size).toBe(a.breaks.length);
  });

  it('reproduces the same settlements and break keys after its own settlements were applied', async () => {
    const first = await reconcileStatement({ ...BASE, entries: events(xml), expected: expected() });
    const again = await reconcileStatement({ ...BASE, entries: events(xml), expected: apply(expected(), first) });
    expect(again.settlements).toEqual(first.settlements);
    expect(again.breaks.map((x) => x.key)).toEqual(first.breaks.map((x) => x.key));
  });
});
