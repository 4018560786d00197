import { describe, expect, it } from 'vitest';
import { reconcileStatement, type ExpectedPayment, type ReconcileResult } from '../../../src/batch/reconcile/index.js';
import { BASE, camt053, events, payment } from './camt053-builder.js';

const run = (xml: string, expected: ExpectedPayment[]): Promise<ReconcileResult> => reconcileStatement({ ...BASE, entries: events(xml), expected });
const types = (r: ReconcileResult): string[] => r.breaks.map((b) => b.type);

describe('breaks', () => {
  it('MISSING_IN_BANK: open, not rejected, executed more than N business days before asOf', async () => {
    const expected = [
      payment({ paymentId: 'pay_old', executionDate: '2026-11-20' }),
      payment({ paymentId: 'pay_young', executionDate: '2026-11-25' }),
      payment({ paymentId: 'pay_rejected', executionDate: '2026-11-20', bankStatus: 'rejected' }),
      payment({ paymentId: 'pay_settled', executionDate: '2026-11-20', settlement: 'settled' }),
    ];
    const r = await run(camt053({ entries: [] }), expected);
    expect(r.breaks).toEqual([
      {
        type: 'MISSING_IN_BANK',
        key: 'pay_old:MISSING_IN_BANK',
        paymentId: 'pay_old',
        endToEndId: 'E2E-pay_old',
        expected: { amount: 1000, currency: 'EUR' },
        detail: 'executed 2026-11-20, 5 business days before 2026-11-27 and not on the bank statement',
      },
    ]);
  });

  it('MISSING_IN_OURS: a booked entry matching nothing, unless the caller ignores that kind of entry', async () => {
    const xml = camt053({
      entries: [
        { ref: 'N1', accountServicerReference: 'ASR-1', amount: 777, txs: [{ endToEndId: 'STRANGER', amount: 777, unstructured: 'gift' }] },
        { ref: 'FEE', amount: 150, creditDebit: 'DBIT', subFamily: 'CHRG' },
      ],
    });
    const r = await run(xml, []);
    expect(r.breaks).toEqual([
      {
        type: 'MISSING_IN_OURS',
        key: 'STMT-1:ASR-1:MISSING_IN_OURS',
        entryReference: 'N1',
        accountServicerReference: 'ASR-1',
        endToEndId: 'STRANGER',
        actual: { amount: 777, currency: 'EUR' },
        detail: 'booked credit matches no payment; reference text: gift',
      },
      {
        type: 'MISSING_IN_OURS',
        key: 'STMT-1:FEE@2026-11-27:MISSING_IN_OURS',
        entryReference: 'FEE',
        actual: { amount: 150, currency: 'EUR' },
        detail: 'booked debit matches no payment',
      },
    ]);
    const ignored = await reconcileStatement({
      ...BASE,
      entries: events(xml),
      expected: [],
      ignoreUnmatched: (e) => e.bankTransactionCode?.domain?.family.subFamilyCode === 'CHRG',
    });
    expect(ignored.breaks.map((b) => b.entryReference)).toEqual(['N1']);
  });

  it('AMOUNT_MISMATCH: matched by id with another amount, or in the wrong direction, settles as mismatch', async () => {
    const expected = [payment({ paymentId: 'pay_1', endToEndId: 'E1', amount: 1000 }), payment({ paymentId: 'pay_2', endToEndId: 'E2', amount: 500 })];
    const xml = camt053({
      entries: [
        { ref: 'N1', amount: 990, txs: [{ endToEndId: 'E1', amount: 990 }] },
        { ref: 'N2', amount: 500, creditDebit: 'DBIT', txs: [{ endToEndId: 'E2', amount: 500 }] },
      ],
    });
    const r = await run(xml, expected);
    expect(r.settlements.map((s) => [s.paymentId, s.to])).toEqual([
      ['pay_1', 'mismatch'],
      ['pay_2', 'mismatch'],
    ]);
    expect(r.breaks[0]).toMatchObject({
      type: 'AMOUNT_MISMATCH',
      key: 'STMT-1:N1@2026-11-27:AMOUNT_MISMATCH',
      paymentId: 'pay_1',
      expected: { amount: 1000, currency: 'EUR' },
      actual: { amount: 990, currency: 'EUR' },
      detail: 'expected 1000, booked 990 (difference -10)',
    });
    expect(r.breaks[1]).toMatchObject({ type: 'AMOUNT_MISMATCH', paymentId: 'pay_2', detail: 'expected a credit, booked as a debit' });
  });

  it('CURRENCY_MISMATCH: matched by id in another currency without a matching instructed amount', async () => {
    const expected = [payment({ paymentId: 'pay_1', endToEndId: 'E1', amount: 1000, currency: 'USD' })];
    const xml = camt053({ entries: [{ ref: 'N1', amount: 1000, txs: [{ endToEndId: 'E1', amount: 1000 }] }] });
    const r = await run(xml, expected);
    expect(types(r)).toEqual(['CURRENCY_MISMATCH']);
    expect(r.breaks[0]).toMatchObject({ expected: { amount: 1000, currency: 'USD' }, actual: { amount: 1000, currency: 'EUR' } });
    expect(r.settlements.map((s) => s.to)).toEqual(['mismatch']);
  });

  it('DUPLICATE: a second entry for a payment matched in this statement, or settled by another entry earlier', async () => {
    const expected = [
      payment({ paymentId: 'pay_1', endToEndId: 'E1' }),
      payment({ paymentId: 'pay_2', endToEndId: 'E2', settlement: 'settled', settledEntryKey: 'ASR-OLD' }),
    ];
    const xml = camt053({
      entries: [
        { ref: 'N1', amount: 1000, txs: [{ endToEndId: 'E1', amount: 1000 }] },
        { ref: 'N2', amount: 1000, txs: [{ endToEndId: 'E1', amount: 1000 }] },
        { ref: 'N3', amount: 1000, txs: [{ endToEndId: 'E2', amount: 1000 }] },
      ],
    });
    const r = await run(xml, expected);
    expect(r.settlements.map((s) => [s.paymentId, s.to, s.entryReference])).toEqual([['pay_1', 'settled', 'N1']]);
    expect(r.breaks.map((b) => [b.type, b.key, b.paymentId, b.detail])).toEqual([
      ['DUPLICATE', 'STMT-1:N2@2026-11-27:DUPLICATE', 'pay_1', 'payment already matched by entry N1@2026-11-27'],
      ['DUPLICATE', 'STMT-1:N3@2026-11-27:DUPLICATE', 'pay_2', 'payment already settled by entry ASR-OLD'],
    ]);
    expect(r.totals.EUR?.unmatchedCredits).toEqual({ count: 2, sum: '2000' });
  });

  it('DUPLICATE: a batch booking whose payments were all settled already', async () => {
    const expected = [payment({ paymentId: 'pay_a', amount: 100, settlement: 'settled', settledEntryKey: 'X' }), payment({ paymentId: 'pay_b', amount: 200, settlement: 'settled', settledEntryKey: 'X' })];
    const r = await run(camt053({ entries: [{ ref: 'B2', amount: 300, batch: { paymentInformationId: 'PMTINF-1' } }] }), expected);
    expect(types(r)).toEqual(['DUPLICATE']);
    expect(r.settlements).toEqual([]);
  });

  it('STATUS_CONFLICT: rejected in pain.002 but booked; accepted in pain.002 but absent past the deadline', async () => {
    const expected = [
      payment({ paymentId: 'pay_rej', endToEndId: 'E1', bankStatus: 'rejected' }),
      payment({ paymentId: 'pay_acc', endToEndId: 'E2', bankStatus: 'accepted', executionDate: '2026-11-19' }),
      payment({ paymentId: 'pay_acc_young', endToEndId: 'E3', bankStatus: 'accepted', executionDate: '2026-11-26' }),
    ];
    const r = await run(camt053({ entries: [{ ref: 'N1', amount: 1000, txs: [{ endToEndId: 'E1', amount: 1000 }] }] }), expected);
    expect(r.breaks.map((b) => [b.type, b.key])).toEqual([
      ['STATUS_CONFLICT', 'STMT-1:N1@2026-11-27:STATUS_CONFLICT'],
      ['STATUS_CONFLICT', 'pay_acc:STATUS_CONFLICT'],
    ]);
    expect(r.settlements.map((s) => [s.paymentId, s.to])).toEqual([['pay_rej', 'mismatch']]);
  });

  it('RETURNED: return information or a return transaction code brings the money back', async () => {
    const expected = [
      payment({ paymentId: 'pay_1', endToEndId: 'E1', settlement: 'settled', settledEntryKey: 'ASR-OLD' }),
      payment({ paymentId: 're_1', endToEndId: 'R1', amount: 300, direction: 'debit', executionDate: '2026-11-20' }),
    ];
    const xml = camt053({
      entries: [
        { ref: 'N1', amount: 1000, creditDebit: 'DBIT', txs: [{ endToEndId: 'E1', amount: 1000, returnReason: 'MD06' }] },
        { ref: 'N2', amount: 295, subFamily: 'RRTN', txs: [{ endToEndId: 'R1', amount: 295 }] },
      ],
    });
    const r = await run(xml, expected);
    expect(r.settlements.map((s) => [s.paymentId, s.to])).toEqual([
      ['pay_1', 'returned'],
      ['re_1', 'returned'],
    ]);
    expect(r.breaks.map((b) => [b.type, b.paymentId, b.detail])).toEqual([
      ['RETURNED', 'pay_1', 'returned by the bank (MD06)'],
      ['RETURNED', 're_1', 'returned by the bank (no reason given); 295 of 300 came back'],
    ]);
  });

  it('REVERSED: RvslInd on an entry for a payment undoes its settlement', async () => {
    const expected = [payment({ paymentId: 'pay_1', endToEndId: 'E1' })];
    const xml = camt053({
      entries: [
        { ref: 'N1', amount: 1000, txs: [{ endToEndId: 'E1', amount: 1000 }] },
        { ref: 'N2', amount: 1000, creditDebit: 'DBIT', reversal: true, txs: [{ endToEndId: 'E1', amount: 1000 }] },
      ],
    });
    const r = await run(xml, expected);
    expect(r.settlements.map((s) => [s.paymentId, s.to, s.entryReference])).toEqual([['pay_1', 'mismatch', 'N2']]);
    expect(r.breaks.map((b) => [b.type, b.key])).toEqual([['REVERSED', 'STMT-1:N2@2026-11-27:REVERSED']]);
    // the booking and its reversal cancel out: no drift
    expect(r.statement.opening?.amount).toBe(r.statement.closing?.amount);
  });

  it('BATCH_NOT_EXPLODED: a batch of ours that does not add up', async () => {
    const expected = [payment({ paymentId: 'pay_a', amount: 100 }), payment({ paymentId: 'pay_b', amount: 200 })];
    const r = await run(camt053({ entries: [{ ref: 'B1', amount: 301, batch: { paymentInformationId: 'PMTINF-1' } }] }), expected);
    expect(r.breaks.map((b) => [b.type, b.detail])).toEqual([
      ['BATCH_NOT_EXPLODED', 'batch PMTINF-1: 2 open payment(s) totalling 300 EUR, booked 301 EUR; left open until the bank sends transaction details'],
    ]);
  });

  it('BALANCE_DRIFT: opening plus booked movements differs from the closing balance (pending entries do not count)', async () => {
    const xml = camt053({
      id: 'STMT-D',
      opening: 10_000,
      closing: 10_100,
      entries: [
        { ref: 'N1', amount: 250, creditDebit: 'CRDT' },
        { ref: 'N2', amount: 100, creditDebit: 'DBIT' },
        { ref: 'P1', amount: 9_999, status: 'PDNG' },
      ],
    });
    const r = await reconcileStatement({ ...BASE, entries: events(xml), expected: [], ignoreUnmatched: () => true });
    expect(r.breaks).toEqual([
      {
        type: 'BALANCE_DRIFT',
        key: 'STMT-D:BALANCE_DRIFT',
        expected: { amount: 10_150, currency: 'EUR' },
        actual: { amount: 10_100, currency: 'EUR' },
        detail: 'opening 10000 + booked movements 150 = 10150, closing balance says 10100 (drift -50)',
      },
    ]);
  });

  it('checks each statement of a multi-statement file against its own balances and keys', async () => {
    const xml = camt053([
      { id: 'S-A', entries: [{ ref: 'N1', amount: 5 }] },
      { id: 'S-B', closing: 1, entries: [{ ref: 'N1', amount: 5 }] },
    ]);
    const r = await run(xml, []);
    expect(r.statements.map((s) => s.id)).toEqual(['S-A', 'S-B']);
    expect(r.breaks.map((b) => b.key)).toEqual(['S-A:N1@2026-11-27:MISSING_IN_OURS', 'S-B:N1@2026-11-27#2.1:MISSING_IN_OURS', 'S-B:BALANCE_DRIFT']);
  });

  it('refuses bad input instead of guessing', async () => {
    await expect(reconcileStatement({ ...BASE, asOf: '27.11.2026', entries: events(camt053({ entries: [] })), expected: [] })).rejects.toThrow(/asOf/);
    const empty = async function* () {};
    await expect(reconcileStatement({ ...BASE, entries: empty(), expected: [] })).rejects.toThrow(/no statement/);
  });
});
