import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maskSensitive } from '../../src/batch/reconcile/index.js';
import { BatchRecords, type BreakRecord } from '../../src/batch/records.js';
import { reconciliationReport } from '../../src/batch/report.js';
import { apiHarness, KEY_A, KEY_B, type ApiHarness } from '../api/helpers.js';

/*
 * The reconciliation report API as two merchants of one batch connector see it: each only the
 * breaks of its own payments, never an account-level break, and no account or card number in
 * clear in any view, whatever shape the bank or payer typed it in.
 */

const DATE = '2026-11-27';
// the same accounts in the shapes free text carries them: compact, printed, lower case, glued to a word
const IBAN_DE = 'DE89370400440532013000';
const IBAN_GB = 'GB29NWBK60161331926819';
const PAN = '4111111111111111';
const REMITTANCE = `refund to de89 3704 0044 0532 0130 00 / paid from REF:${IBAN_GB}x card ${PAN.replace(/(\d{4})(?=\d)/g, '$1-')}`;

/** Any of the numbers above in clear, however spaced or cased. */
function leaks(text: string): string[] {
  const squashed = text.replace(/[\s\-.]/g, '').toUpperCase();
  return [IBAN_DE, IBAN_GB, PAN].filter((n) => squashed.includes(n));
}

const brk = (over: Partial<BreakRecord> & Pick<BreakRecord, 'key' | 'type' | 'merchantId' | 'paymentId'>): BreakRecord => ({
  connector: 'bank-a',
  reportDate: DATE,
  createdAt: 1,
  data: { type: over.type as BreakRecord['data']['type'], key: over.key, detail: `remittance "${REMITTANCE}"`, ...(over.paymentId ? { paymentId: over.paymentId } : {}), endToEndId: IBAN_DE.toLowerCase() },
  ...over,
});

describe('reconciliation reports are private to each merchant and masked in every view', () => {
  let t: ApiHarness;
  let merchantA: string;

  beforeEach(async () => {
    t = await apiHarness();
    merchantA = t.h.merchant.id;
    const records = new BatchRecords(t.h.store, 'bank-a');
    await t.h.store.sqlTransaction(async (db) => {
      await records.insertBreak(db, brk({ key: 'bank-a:A1', type: 'AMOUNT_MISMATCH', merchantId: merchantA, paymentId: 'pay_a1' }));
      await records.insertBreak(db, brk({ key: 'bank-a:B1', type: 'AMOUNT_MISMATCH', merchantId: 'mch_other', paymentId: 'pay_b1' }));
      // account-level: an unknown credit on the shared account, naming someone's account in its text
      await records.insertBreak(db, brk({ key: 'bank-a:S1:E9:MISSING_IN_OURS', type: 'MISSING_IN_OURS', merchantId: null, paymentId: null }));
      await records.insertBreak(db, brk({ key: 'bank-a:S1:SEQUENCE_GAP', type: 'SEQUENCE_GAP', merchantId: null, paymentId: null }));
    });
  });
  afterEach(async () => {
    await t.h.store.close();
  });

  const report = async (key: string, format: 'json' | 'csv') => t.call('GET', `/v1/reconciliation/reports/${DATE}?format=${format}`, { key });

  it('merchant A sees its own payment break only, masked in JSON and CSV alike', async () => {
    const json = await report(KEY_A, 'json');
    expect(json.status).toBe(200);
    expect(json.body.breaks.map((b: { key: string }) => b.key)).toEqual(['bank-a:A1']);
    expect(json.body.counts).toEqual({ AMOUNT_MISMATCH: 1 });
    expect(leaks(json.text)).toEqual([]);
    // masked the same way as the CSV: one function for both
    expect(json.body.breaks[0].detail).toBe(maskSensitive(`remittance "${REMITTANCE}"`));
    expect(json.body.breaks[0].detail).toContain('DE89**************3000');
    expect(json.body.breaks[0].detail).toContain('************1111');

    const csv = await report(KEY_A, 'csv');
    expect(csv.status).toBe(200);
    const rows = csv.text.trim().split('\r\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(/^bank-a:A1,AMOUNT_MISMATCH,pay_a1,/);
    expect(leaks(csv.text)).toEqual([]);
  });

  it('merchant B sees none of merchant A’s breaks nor the account-level ones, in either view', async () => {
    const json = await report(KEY_B, 'json');
    expect(json.body.breaks.map((b: { key: string }) => b.key)).toEqual(['bank-a:B1']);
    expect(json.text).not.toContain('pay_a1');
    expect(json.text).not.toContain('MISSING_IN_OURS');
    expect(json.text).not.toContain('SEQUENCE_GAP');
    expect(leaks(json.text)).toEqual([]);
    const csv = await report(KEY_B, 'csv');
    expect(csv.text).not.toContain('pay_a1');
    expect(csv.text).not.toContain('MISSING_IN_OURS');
    expect(csv.text.trim().split('\r\n')).toHaveLength(2);
    expect(leaks(csv.text)).toEqual([]);
  });

  it('the operator scope sees the account-level breaks, masked too', async () => {
    const view = await reconciliationReport(t.h.store, DATE, { operator: true });
    expect(view.breaks.map((b) => b.key).sort()).toEqual(['bank-a:A1', 'bank-a:B1', 'bank-a:S1:E9:MISSING_IN_OURS', 'bank-a:S1:SEQUENCE_GAP']);
    expect(leaks(JSON.stringify(view))).toEqual([]);
  });
});

describe('masking free text', () => {
  it('masks IBANs in any case, spacing or glued to words, and card numbers between letters', () => {
    for (const text of [IBAN_DE, IBAN_DE.toLowerCase(), 'DE89 3704 0044 0532 0130 00', 'DE89-3704-0044-0532-0130-00', `IBAN:${IBAN_DE}`, `ref${IBAN_GB}end`, `x${PAN}y`, '4111 1111 1111 1111']) {
      expect(leaks(maskSensitive(text)), text).toEqual([]);
    }
  });

  it('leaves ordinary references alone', () => {
    for (const text of ['STMT20261127000001:SIM000000000002:AMOUNT_MISMATCH', 'cmd-01JD5Y7S6W3Y8XQ2ZK', 'order 000000123', '1234567890123456789012345', 'DE89 is not an IBAN']) {
      expect(maskSensitive(text)).toBe(text);
    }
  });
});
