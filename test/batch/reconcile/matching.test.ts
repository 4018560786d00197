import { describe, expect, it } from 'vitest';
import { reconcileStatement, type ExpectedPayment } from '../../../src/batch/reconcile/index.js';
import { BASE, camt053, events, payment } from './camt053-builder.js';

const run = (xml: string, expected: ExpectedPayment[], extra: { dateWindowDays?: number } = {}) =>
  reconcileStatement({ ...BASE, ...extra, entries: events(xml), expected });

describe('matching', () => {
  it('matches an EndToEndId with leading zeros as the exact string, never as a number', async () => {
    const expected = [payment({ paymentId: 'pay_123', endToEndId: '000000123' }), payment({ paymentId: 'pay_bare', endToEndId: '123' })];
    const xml = camt053({ entries: [{ ref: 'N1', amount: 1000, txs: [{ endToEndId: '000000123', amount: 1000 }] }] });
    const r = await run(xml, expected);
    expect(r.settlements).toEqual([
      { paymentId: 'pay_123', to: 'settled', entryKey: 'N1@2026-11-27', entryReference: 'N1', bookingDate: '2026-11-27', matchedBy: 'end_to_end_id' },
    ]);
    expect(r.breaks).toEqual([]);
  });

  it('lets the UETR win over a conflicting EndToEndId, and upper-case UETRs still match', async () => {
    const uetr = 'b7d0c6a2-3f1e-4c5a-9d8b-0e1f2a3b4c5d';
    const expected = [payment({ paymentId: 'pay_by_uetr', endToEndId: 'E-A', uetr }), payment({ paymentId: 'pay_by_e2e', endToEndId: 'E-B' })];
    const xml = camt053({ entries: [{ ref: 'N1', amount: 1000, txs: [{ endToEndId: 'E-B', uetr: uetr.toUpperCase(), amount: 1000 }] }] });
    const r = await run(xml, expected);
    expect(r.settlements.map((s) => [s.paymentId, s.matchedBy])).toEqual([['pay_by_uetr', 'uetr']]);
    // the other payment is still open and young enough not to be missing
    expect(r.breaks).toEqual([]);
  });

  it('does not take an EndToEndId hit whose payment carries a different UETR', async () => {
    const expected = [payment({ paymentId: 'pay_1', endToEndId: 'E-A', uetr: '11111111-1111-4111-8111-111111111111' })];
    const xml = camt053({ entries: [{ ref: 'N1', amount: 1000, txs: [{ endToEndId: 'E-A', uetr: '22222222-2222-4222-8222-222222222222', amount: 1000 }] }] });
    const r = await run(xml, expected);
    expect(r.settlements).toEqual([]);
    expect(r.breaks.map((b) => b.type)).toEqual(['MISSING_IN_OURS']);
  });

  it('never matches on the NOTPROVIDED placeholder', async () => {
    const expected = [payment({ paymentId: 'pay_1', endToEndId: 'NOTPROVIDED' })];
    const xml = camt053({ entries: [{ ref: 'N1', amount: 1000, txs: [{ endToEndId: 'NOTPROVIDED', amount: 1000 }] }] });
    const r = await run(xml, expected);
    expect(r.settlements).toEqual([]);
    expect(r.breaks.map((b) => b.type)).toEqual(['MISSING_IN_OURS']);
  });

  it('settles each transaction of a batch booking with TxDtls', async () => {
    const expected = [
      payment({ paymentId: 'pay_a', endToEndId: 'A', amount: 100 }),
      payment({ paymentId: 'pay_b', endToEndId: 'B', amount: 200 }),
      payment({ paymentId: 'pay_c', endToEndId: 'C', amount: 300 }),
    ];
    const xml = camt053({
      entries: [
        {
          ref: 'B1',
          amount: 600,
          batch: { paymentInformationId: 'PMTINF-1', numberOfTransactions: 3 },
          txs: [
            { endToEndId: 'A', amount: 100 },
            { endToEndId: 'B', amount: 200 },
            { endToEndId: 'C', amount: 300 },
          ],
        },
      ],
    });
    const r = await run(xml, expected);
    expect(r.settlements.map((s) => [s.paymentId, s.to, s.matchedBy, s.entryKey])).toEqual([
      ['pay_a', 'settled', 'end_to_end_id', 'B1@2026-11-27/1'],
      ['pay_b', 'settled', 'end_to_end_id', 'B1@2026-11-27/2'],
      ['pay_c', 'settled', 'end_to_end_id', 'B1@2026-11-27/3'],
    ]);
    expect(r.breaks).toEqual([]);
    expect(r.totals.EUR?.matchedCredits).toEqual({ count: 3, sum: '600' });
  });

  it('settles a whole PmtInf from a batch booking without TxDtls when the amounts add up', async () => {
    const expected = [
      payment({ paymentId: 'pay_a', amount: 100 }),
      payment({ paymentId: 'pay_b', amount: 200 }),
      payment({ paymentId: 'pay_rej', amount: 999, bankStatus: 'rejected' }),
      payment({ paymentId: 'pay_other', amount: 50, paymentInformationId: 'PMTINF-2' }),
    ];
    const xml = camt053({ entries: [{ ref: 'B1', amount: 300, batch: { paymentInformationId: 'PMTINF-1', messageId: 'MSG-1', numberOfTransactions: 2 } }] });
    const r = await run(xml, expected);
    expect(r.settlements.map((s) => [s.paymentId, s.to, s.matchedBy])).toEqual([
      ['pay_a', 'settled', 'payment_information_id'],
      ['pay_b', 'settled', 'payment_information_id'],
    ]);
    expect(r.breaks).toEqual([]);
  });

  it('leaves a batch open with BATCH_NOT_EXPLODED when the sum differs, and does not call its payments missing', async () => {
    const expected = [
      payment({ paymentId: 'pay_a', amount: 100, executionDate: '2026-11-20' }),
      payment({ paymentId: 'pay_b', amount: 200, executionDate: '2026-11-20' }),
    ];
    const xml = camt053({ entries: [{ ref: 'B1', amount: 250, batch: { paymentInformationId: 'PMTINF-1' } }] });
    const r = await run(xml, expected);
    expect(r.settlements).toEqual([]);
    expect(r.breaks).toHaveLength(1);
    expect(r.breaks[0]).toMatchObject({
      type: 'BATCH_NOT_EXPLODED',
      key: 'STMT-1:B1@2026-11-27:BATCH_NOT_EXPLODED',
      expected: { amount: 300, currency: 'EUR' },
      actual: { amount: 250, currency: 'EUR' },
    });
  });

  it('refuses a batch whose stated transaction count differs even when the sum agrees', async () => {
    const expected = [payment({ paymentId: 'pay_a', amount: 100 }), payment({ paymentId: 'pay_b', amount: 200 })];
    const xml = camt053({ entries: [{ ref: 'B1', amount: 300, batch: { paymentInformationId: 'PMTINF-1', numberOfTransactions: 3 } }] });
    const r = await run(xml, expected);
    expect(r.settlements).toEqual([]);
    expect(r.breaks.map((b) => b.type)).toEqual(['BATCH_NOT_EXPLODED']);
  });

  it('matches a transaction naming only its PmtInf to the one open payment of that amount', async () => {
    const expected = [payment({ paymentId: 'pay_a', amount: 100 }), payment({ paymentId: 'pay_b', amount: 200 })];
    const xml = camt053({
      entries: [
        { ref: 'N1', amount: 200, txs: [{ paymentInformationId: 'PMTINF-1', amount: 200 }] },
        { ref: 'N2', amount: 100, txs: [{ paymentInformationId: 'PMTINF-1', amount: 100 }] },
      ],
    });
    const r = await run(xml, expected);
    expect(r.settlements.map((s) => [s.paymentId, s.matchedBy, s.entryReference])).toEqual([
      ['pay_b', 'payment_information_id', 'N1'],
      ['pay_a', 'payment_information_id', 'N2'],
    ]);
  });

  it('falls back to a reference in the remittance text with equal amount inside the date window', async () => {
    const expected = [
      payment({ paymentId: 'pay_ref', endToEndId: 'INV-2026-0042', amount: 4200, executionDate: '2026-11-24' }),
      payment({ paymentId: 'pay_far', endToEndId: 'INV-2026-0043', amount: 4300, executionDate: '2026-11-01' }),
    ];
    const xml = camt053({
      entries: [
        { ref: 'N1', amount: 4200, txs: [{ amount: 4200, unstructured: 'Thanks! ref:INV-2026-0042, order 7' }] },
        { ref: 'N2', amount: 4300, txs: [{ amount: 4300, unstructured: 'INV-2026-0043' }] },
        { ref: 'N3', amount: 999, additionalInfo: 'pay_ref' },
      ],
    });
    const r = await run(xml, expected, { dateWindowDays: 5 });
    expect(r.settlements.map((s) => [s.paymentId, s.matchedBy])).toEqual([['pay_ref', 'reference_amount_date']]);
    // outside the window, and a wrong amount, are not ours
    expect(r.breaks.filter((b) => b.type === 'MISSING_IN_OURS').map((b) => b.entryReference)).toEqual(['N2', 'N3']);
  });

  it('never settles anything from pending or information-only entries', async () => {
    const expected = [payment({ paymentId: 'pay_1', endToEndId: 'E1', executionDate: '2026-11-27' })];
    const xml = camt053({
      entries: [
        { ref: 'P1', amount: 1000, status: 'PDNG', txs: [{ endToEndId: 'E1', amount: 1000 }] },
        { ref: 'I1', amount: 5, status: 'INFO', txs: [{ endToEndId: 'nobody', amount: 5 }] },
      ],
    });
    const r = await run(xml, expected);
    expect(r.settlements).toEqual([]);
    expect(r.breaks).toEqual([]);
    expect(r.notBooked).toBe(2);
  });

  it('accepts a cross-currency booking whose instructed amount is what we sent', async () => {
    const expected = [payment({ paymentId: 'pay_usd', endToEndId: 'FX1', amount: 1000, currency: 'USD' })];
    const xml = camt053({ entries: [{ ref: 'N1', amount: 920, txs: [{ endToEndId: 'FX1', amount: 920, instructed: { amount: 1000, currency: 'USD' } }] }] });
    const r = await run(xml, expected);
    expect(r.settlements.map((s) => s.to)).toEqual(['settled']);
    expect(r.breaks).toEqual([]);
  });

  it('trusts amountless TxDtls of a batch entry only when the entry total agrees', async () => {
    const expected = () => [payment({ paymentId: 'pay_a', endToEndId: 'A', amount: 100 }), payment({ paymentId: 'pay_b', endToEndId: 'B', amount: 200 })];
    const entry = (amount: number) =>
      camt053({ entries: [{ ref: 'B1', amount, batch: { paymentInformationId: 'PMTINF-1' }, txs: [{ endToEndId: 'A' }, { endToEndId: 'B' }] }] });
    const good = await run(entry(300), expected());
    expect(good.settlements.map((s) => [s.paymentId, s.to])).toEqual([
      ['pay_a', 'settled'],
      ['pay_b', 'settled'],
    ]);
    expect(good.breaks).toEqual([]);
    const bad = await run(entry(310), expected());
    expect(bad.settlements.map((s) => [s.paymentId, s.to])).toEqual([
      ['pay_a', 'mismatch'],
      ['pay_b', 'mismatch'],
    ]);
    expect(bad.breaks.map((b) => [b.type, b.key])).toEqual([
      ['AMOUNT_MISMATCH', 'STMT-1:B1@2026-11-27/1:AMOUNT_MISMATCH'],
      ['AMOUNT_MISMATCH', 'STMT-1:B1@2026-11-27/2:AMOUNT_MISMATCH'],
    ]);
  });

  it('settles an unexploded batch later when its details arrive in another entry', async () => {
    const expected = [payment({ paymentId: 'pay_a', endToEndId: 'A', amount: 100, executionDate: '2026-11-20' }), payment({ paymentId: 'pay_b', endToEndId: 'B', amount: 200, executionDate: '2026-11-20' })];
    const xml = camt053({
      closing: 100_000 + 250 + 300,
      entries: [
        { ref: 'B1', amount: 250, batch: { paymentInformationId: 'PMTINF-1' } },
        { ref: 'B2', amount: 300, batch: { paymentInformationId: 'PMTINF-1' }, txs: [{ endToEndId: 'A', amount: 100 }, { endToEndId: 'B', amount: 200 }] },
      ],
    });
    const r = await run(xml, expected);
    expect(r.settlements.map((s) => [s.paymentId, s.to, s.entryReference])).toEqual([
      ['pay_a', 'settled', 'B2'],
      ['pay_b', 'settled', 'B2'],
    ]);
    expect(r.breaks.map((b) => b.type)).toEqual(['BATCH_NOT_EXPLODED']);
  });

  it('reverses every settled payment of a batch booking the bank took back', async () => {
    const expected = [payment({ paymentId: 'pay_a', amount: 100 }), payment({ paymentId: 'pay_b', amount: 200 })];
    const xml = camt053({
      entries: [
        { ref: 'B1', amount: 300, batch: { paymentInformationId: 'PMTINF-1' } },
        { ref: 'B1R', amount: 300, creditDebit: 'DBIT', reversal: true, batch: { paymentInformationId: 'PMTINF-1' } },
      ],
    });
    const r = await run(xml, expected);
    expect(r.settlements.map((s) => [s.paymentId, s.to, s.entryReference])).toEqual([
      ['pay_a', 'mismatch', 'B1R'],
      ['pay_b', 'mismatch', 'B1R'],
    ]);
    expect(r.breaks.map((b) => b.key)).toEqual(['STMT-1:B1R@2026-11-27/pay_a:REVERSED', 'STMT-1:B1R@2026-11-27/pay_b:REVERSED']);
  });

  it('calls a second return of the same payment a duplicate', async () => {
    const expected = [payment({ paymentId: 'pay_1', endToEndId: 'E1', settlement: 'settled' })];
    const ret = (ref: string) => ({ ref, amount: 1000, creditDebit: 'DBIT' as const, txs: [{ endToEndId: 'E1', amount: 1000, returnReason: 'AC04' }] });
    const r = await run(camt053({ entries: [ret('R1'), ret('R2')] }), expected);
    expect(r.breaks.map((b) => [b.type, b.entryReference])).toEqual([
      ['RETURNED', 'R1'],
      ['DUPLICATE', 'R2'],
    ]);
  });

  it('summarises the statement and reports progress per entry', async () => {
    const seen: number[] = [];
    const xml = camt053({ id: 'STMT-X', opening: 500, entries: [{ ref: 'N1', amount: 10 }, { ref: 'N2', amount: 20, creditDebit: 'DBIT' }] });
    const r = await reconcileStatement({ ...BASE, entries: events(xml), expected: [], onProgress: (n) => seen.push(n) });
    expect(seen).toEqual([1, 2]);
    expect(r.statement).toEqual({
      id: 'STMT-X',
      account: 'DE89370400440532013000',
      currency: 'EUR',
      from: '2026-11-27T00:00:00+01:00',
      to: '2026-11-27T23:59:59+01:00',
      opening: { amount: 500, currency: 'EUR' },
      closing: { amount: 490, currency: 'EUR' },
      entries: 2,
    });
    expect(r.totals.EUR).toEqual({
      matchedCredits: { count: 0, sum: '0' },
      matchedDebits: { count: 0, sum: '0' },
      unmatchedCredits: { count: 1, sum: '10' },
      unmatchedDebits: { count: 1, sum: '20' },
    });
  });
});
