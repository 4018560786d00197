import { describe, expect, it } from 'vitest';
import {
  BatchPlanError,
  paymentInformationIdFor,
  partitionQueuedTransfers,
  planBatchFiles,
  QueuedTransferError,
  validateQueuedTransfer,
  type BatchPlanContext,
  type QueuedTransfer,
} from '../../../src/batch/outbound/index.js';
import { parseAs, validate } from '../../../src/iso20022/index.js';
import { describeWithShared, xsdGateOffWithoutSharedXsd } from '../../support/shared-reference.js';

// The planner builds through the XSD gate where the official schemas are present; a clone alone
// plans with the gate off, and the files below are checked against the official XSD at the end.
xsdGateOffWithoutSharedXsd();
/** Every file planned below, for the check against the official XSD at the end of this file. */
const forXsd: string[] = [];

const MERCHANT_A = 'DE89370400440532013000';
const MERCHANT_B = 'DE91100000000123456789';
const id = (prefix: 'pay' | 're', i: number) => `${prefix}_01JD${String(i).padStart(22, '0')}`;
const uetr = (i: number) => `${String(i).padStart(8, '0')}-1234-4abc-8def-${String(i).padStart(12, '0')}`;

function item(i: number, over: Partial<QueuedTransfer> = {}): QueuedTransfer {
  return {
    paymentId: id('pay', i),
    endToEndId: `cmd-01JD${String(i).padStart(22, '0')}`,
    uetr: uetr(i),
    amount: 1000 + i,
    currency: 'EUR',
    debtor: { name: 'Railyard Demo Shop', iban: MERCHANT_A },
    creditor: { name: `Kunde ${i}`, iban: 'DE02100100100006820101', bic: 'PBNKDEFFXXX' },
    remittance: `order-${i}`,
    executionDate: '2026-11-30',
    ...over,
  };
}

const ctx = (over: Partial<BatchPlanContext> = {}): BatchPlanContext => ({
  messageIdFor: (n) => `RY-20261127-${String(n + 1).padStart(4, '0')}`,
  now: Date.parse('2026-11-27T15:00:00Z'),
  initiatingParty: { name: 'Railyard Demo Shop' },
  maxTransactionsPerFile: 1000,
  profile: 'sepa',
  ...over,
});

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('planBatchFiles', () => {
  it('one PmtInf per (debtor account, currency, execution date), with totals per group', () => {
    const items = [
      item(1),
      item(2, { amount: 250 }),
      item(3, { executionDate: '2026-12-01' }),
      item(4, { debtor: { name: 'Second Account', iban: MERCHANT_B } }),
      item(5, { amount: 99_999_999_999 }),
    ];
    const [file, ...rest] = planBatchFiles(items, ctx());
    expect(rest).toHaveLength(0);
    expect(file!.messageId).toBe('RY-20261127-0001');
    expect(file!.transactions).toBe(5);
    expect(file!.groups).toEqual([
      { paymentInformationId: 'RY-20261127-0001-1', debtorIban: MERCHANT_A, currency: 'EUR', executionDate: '2026-11-30', endToEndIds: [items[0]!.endToEndId, items[1]!.endToEndId, items[4]!.endToEndId], total: String(1001 + 250 + 99_999_999_999) },
      { paymentInformationId: 'RY-20261127-0001-2', debtorIban: MERCHANT_A, currency: 'EUR', executionDate: '2026-12-01', endToEndIds: [items[2]!.endToEndId], total: '1003' },
      { paymentInformationId: 'RY-20261127-0001-3', debtorIban: MERCHANT_B, currency: 'EUR', executionDate: '2026-11-30', endToEndIds: [items[3]!.endToEndId], total: '1004' },
    ]);
    expect(file!.controlSum).toBe('1000000032.57');

    const model = parseAs('pain.001.001.09', text(file!.xml));
    expect(model.groupHeader.numberOfTransactions).toBe(5);
    expect(model.groupHeader.controlSum).toBe('1000000032.57');
    expect(model.paymentInformation.map((p) => [p.paymentInformationId, p.debtorAccount.iban, p.requestedExecutionDate.date, p.numberOfTransactions, p.controlSum])).toEqual([
      ['RY-20261127-0001-1', MERCHANT_A, '2026-11-30', 3, '1000000012.50'],
      ['RY-20261127-0001-2', MERCHANT_A, '2026-12-01', 1, '10.03'],
      ['RY-20261127-0001-3', MERCHANT_B, '2026-11-30', 1, '10.04'],
    ]);
    const tx = model.paymentInformation[0]!.transactions[0]!;
    expect(tx.endToEndId).toBe(items[0]!.endToEndId);
    expect(tx.uetr).toBe(uetr(1));
    expect(tx.instructionId).toBe('pay-01JD0000000000000000000001');
    expect(tx.amount).toEqual({ amount: 1001, currency: 'EUR' });
    expect(tx.creditorAgent?.bicfi).toBe('PBNKDEFFXXX');
    expect(tx.remittanceInformation?.unstructured).toEqual(['order-1']);
    expect(model.paymentInformation[0]!.chargeBearer).toBe('SLEV');
    expect(model.paymentInformation[0]!.paymentTypeInformation?.serviceLevels?.[0]?.code).toBe('SEPA');
  });

  it('separates currencies in the generic profile', () => {
    const items = [item(1, { currency: 'USD' }), item(2), item(3, { currency: 'USD', amount: 5 })];
    const [file] = planBatchFiles(items, ctx({ profile: 'generic' }));
    expect(file!.groups.map((g) => [g.currency, g.endToEndIds.length, g.total])).toEqual([
      ['EUR', 1, '1002'],
      ['USD', 2, '1006'],
    ]);
    expect(file!.controlSum).toBe('20.08');
    forXsd.push(text(file!.xml));
    const model = parseAs('pain.001.001.09', text(file!.xml));
    expect(model.paymentInformation[0]!.chargeBearer).toBeUndefined();
  });

  it('output with batch booking and transliterated names (checked against the official XSD at the end)', () => {
    const [file] = planBatchFiles([item(1), item(2, { creditor: { name: 'Jürgen Müller & Söhne', iban: MERCHANT_B } })], ctx({ batchBooking: true }));
    forXsd.push(text(file!.xml));
    // SEPA transliteration happened in the library's build
    expect(text(file!.xml)).toContain('Juergen Mueller + Soehne');
  });

  it('writes BtchBookg only when asked, as asked', () => {
    const xml = (b: boolean | undefined) => text(planBatchFiles([item(1)], ctx(b === undefined ? {} : { batchBooking: b }))[0]!.xml);
    expect(xml(true)).toContain('<BtchBookg>true</BtchBookg>');
    expect(xml(false)).toContain('<BtchBookg>false</BtchBookg>');
    expect(xml(undefined)).not.toContain('BtchBookg');
  });

  it('splits into files of at most maxTransactionsPerFile; a group continues under a new PmtInfId', () => {
    const items = Array.from({ length: 7 }, (_, i) => item(i + 1, i >= 5 ? { debtor: { name: 'Second', iban: MERCHANT_B } } : {}));
    const files = planBatchFiles(items, ctx({ maxTransactionsPerFile: 3 }));
    expect(files.map((f) => f.messageId)).toEqual(['RY-20261127-0001', 'RY-20261127-0002', 'RY-20261127-0003']);
    expect(files.map((f) => f.transactions)).toEqual([3, 3, 1]);
    expect(files[1]!.groups.map((g) => [g.paymentInformationId, g.debtorIban, g.endToEndIds.length])).toEqual([
      ['RY-20261127-0002-1', MERCHANT_A, 2],
      ['RY-20261127-0002-2', MERCHANT_B, 1],
    ]);
    const all = files.flatMap((f) => f.groups.flatMap((g) => g.endToEndIds));
    expect(all).toEqual(items.map((t) => t.endToEndId));
    for (const f of files) forXsd.push(text(f.xml));
    expect(planBatchFiles([], ctx())).toEqual([]);
  });

  it('is deterministic: the same queue in any order gives the same bytes', () => {
    const items = Array.from({ length: 12 }, (_, i) => item(i + 1, { executionDate: i % 3 === 0 ? '2026-12-01' : '2026-11-30', debtor: i % 2 ? { name: 'B', iban: MERCHANT_B } : { name: 'A', iban: MERCHANT_A } }));
    const a = planBatchFiles(items, ctx({ maxTransactionsPerFile: 5 }));
    const b = planBatchFiles([...items].reverse(), ctx({ maxTransactionsPerFile: 5 }));
    const shuffled = [...items].sort((x, y) => (x.uetr.slice(-1) < y.uetr.slice(-1) ? -1 : 1));
    const c = planBatchFiles(shuffled, ctx({ maxTransactionsPerFile: 5 }));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(Buffer.from(a[0]!.xml).equals(Buffer.from(c[0]!.xml))).toBe(true);
  });

  it('derives short PmtInfIds from long MsgIds', () => {
    const long = '0123456789abcdef0123456789abcdef'; // a 32-character newMessageId()
    const a = paymentInformationIdFor(long, 1);
    const b = paymentInformationIdFor(long, 2);
    expect(a.length).toBeLessThanOrEqual(35);
    expect(a).toMatch(/^[0-9a-f]+-1$/);
    expect(b).toMatch(/-2$/);
    expect(paymentInformationIdFor(long, 1)).toBe(a);
    expect(paymentInformationIdFor(`${long}x`, 1)).not.toBe(a);
    const [file] = planBatchFiles([item(1)], ctx({ messageIdFor: () => long }));
    expect(file!.groups[0]!.paymentInformationId).toBe(a);
    forXsd.push(text(file!.xml));
  });

  it('a bad item raises a typed error naming the payment and the field', () => {
    const bad = item(2, { creditor: { name: 'X', iban: 'DE00370400440532013000' } });
    let err: unknown;
    try {
      planBatchFiles([item(1), bad], ctx());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QueuedTransferError);
    expect(err).toMatchObject({ paymentId: bad.paymentId, field: 'creditor.iban', code: 'invalid_iban' });
  });

  it('refuses a duplicate EndToEndId, bad options and a bad MsgId', () => {
    expect(() => planBatchFiles([item(1), item(1, { paymentId: id('re', 9) })], ctx())).toThrow(QueuedTransferError);
    expect(() => planBatchFiles([item(1)], ctx({ maxTransactionsPerFile: 0 }))).toThrow(BatchPlanError);
    expect(() => planBatchFiles([item(1)], ctx({ messageIdFor: () => 'with_underscore' }))).toThrow(/SEPA character set/);
    expect(() => planBatchFiles([item(1), item(2)], ctx({ maxTransactionsPerFile: 1, messageIdFor: () => 'SAME' }))).toThrow(/two files/);
  });

  it('a problem outside any payment (the initiating party) is a BatchPlanError from the library gate', () => {
    let err: unknown;
    try {
      planBatchFiles([item(1)], ctx({ initiatingParty: { name: '株式会社' } }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BatchPlanError);
    expect(err).toMatchObject({ code: 'build_failed' });
    expect(String(err)).toContain('groupHeader.initiatingParty.name');
  });
});

describe('validateQueuedTransfer', () => {
  it('accepts a good transfer, pay_ and re_ ids', () => {
    expect(validateQueuedTransfer(item(1))).toBeUndefined();
    expect(validateQueuedTransfer(item(1, { paymentId: id('re', 1), remittance: '' }))).toBeUndefined();
  });

  it.each<[string, Partial<QueuedTransfer>, string, string]>([
    ['engine-form EndToEndId', { endToEndId: 'cmd_01JD0000000000000000000001' }, 'endToEndId', 'sepa_charset'],
    ['EndToEndId too long', { endToEndId: 'x'.repeat(36) }, 'endToEndId', 'invalid_identifier'],
    ['not a pay_ id', { paymentId: 'cmd_01JD0000000000000000000001' }, 'paymentId', 'invalid_identifier'],
    ['upper-case UETR', { uetr: uetr(1).toUpperCase() }, 'uetr', 'invalid_uetr'],
    ['fractional amount', { amount: 10.5 }, 'amount', 'invalid_amount'],
    ['zero amount', { amount: 0 }, 'amount', 'invalid_amount'],
    ['USD under SEPA', { currency: 'USD' }, 'currency', 'sepa_currency'],
    ['unknown currency', { currency: 'XXY' }, 'currency', 'unknown_currency'],
    ['over the SEPA limit', { amount: 100_000_000_000 }, 'amount', 'sepa_amount_limit'],
    ['debtor IBAN', { debtor: { name: 'A', iban: 'DE89 3704 0044 0532 0130 00' } }, 'debtor.iban', 'invalid_iban'],
    ['lower-case BIC', { creditor: { name: 'A', iban: MERCHANT_B, bic: 'pbnkdeff' } }, 'creditor.bic', 'invalid_bic'],
    ['empty creditor name', { creditor: { name: ' ', iban: MERCHANT_B } }, 'creditor.name', 'missing_value'],
    ['name beyond the EPC 70', { creditor: { name: 'N'.repeat(71), iban: MERCHANT_B } }, 'creditor.name', 'too_long'],
    ['untransliterable name', { creditor: { name: '株式会社', iban: MERCHANT_B } }, 'creditor.name', 'sepa_charset'],
    ['remittance too long', { remittance: 'r'.repeat(141) }, 'remittance', 'too_long'],
    ['impossible date', { executionDate: '2026-02-30' }, 'executionDate', 'invalid_date'],
  ])('%s', (_, over, field, code) => {
    const t = item(7, over);
    expect(validateQueuedTransfer(t)).toMatchObject({ paymentId: t.paymentId, field, code });
  });

  it('the generic profile allows other currencies and characters', () => {
    expect(validateQueuedTransfer(item(1, { currency: 'USD', creditor: { name: '株式会社', iban: MERCHANT_B } }), 'generic')).toBeUndefined();
  });

  it('partitionQueuedTransfers keeps the good and reports each bad payment once', () => {
    const good = [item(1), item(2)];
    const bad = item(3, { amount: -1 });
    const dup = item(1, { paymentId: id('re', 4) });
    const { valid, rejected } = partitionQueuedTransfers([good[0]!, bad, good[1]!, dup]);
    expect(valid).toEqual(good);
    expect(rejected.map((r) => [r.paymentId, r.field, r.code])).toEqual([
      [bad.paymentId, 'amount', 'invalid_amount'],
      [dup.paymentId, 'endToEndId', 'duplicate'],
    ]);
    expect(planBatchFiles(valid, ctx())[0]!.transactions).toBe(2);
  });
});

describeWithShared('xsd', 'planned files against the official XSD', () => {
  it('every file planned above passes it', () => {
    expect(forXsd.length).toBeGreaterThanOrEqual(6);
    for (const xml of forXsd) expect(validate(xml, 'pain.001.001.09')).toEqual({ messageType: 'pain.001.001.09', valid: true, findings: [] });
  });
});
