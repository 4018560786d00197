import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchRail } from '../../src/batch/rail.js';
import { readBatchProfile, type BatchProfileInput } from '../../src/batch/profile.js';
import { MemoryTransport } from '../../src/batch/transport/index.js';
import type { ConnectorReport, FlowRequest } from '../../src/connector/types.js';
import { ManualClock } from '../../src/domain/clock.js';
import { newId } from '../../src/domain/ids.js';
import { Secret } from '../../src/domain/secret.js';
import { breaksOn, statementsOn } from '../../src/batch/records.js';
import { build, parse, type CamtDocument, type CamtEntry, type CamtReport, type Pain001v09, type Pain002v10 } from '../../src/iso20022/index.js';
import type { Store } from '../../src/store/types.js';
import { xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';
import { BATCH_STORES } from './stores.js';

// files are built through the XSD gate where the official schemas are present; a clone alone runs with it off
xsdGateOffWithoutSharedXsd();

/*
 * Bank files as a bank's channel delivers them, through the real rail (poller, reconciliation,
 * records) over the transport's memory twin: files with several accounts' statements in either
 * order, sequence numbers, and which kinds of statement may say a payment is missing.
 */

const OURS = 'DE75512108001245126199';
const OTHER = 'DE89370400440532013000';

const PROFILE: BatchProfileInput = {
  bank: 'TESTBANK',
  account: { name: 'Railyard Demo Shop', iban: OURS, bic: 'SIMBDEFFXXX' },
  calendar: { timeZone: 'Europe/Berlin', cutoffs: ['10:00', '14:00'], holidays: 'TARGET2' },
  tickMs: 1_000,
  pollIntervalMs: 50,
  stableMs: 0,
  giveUpAfterMs: 60_000,
};

// Thursday 2026-11-26, 13:59:59 in Berlin (UTC+1)
const T0 = Date.UTC(2026, 10, 26, 12, 59, 59);
// Tuesday 2026-12-01 noon in Berlin: three business days after the execution date
const TUESDAY = Date.UTC(2026, 11, 1, 11, 0, 0);

let seq = 0;
function request(over: Partial<FlowRequest> = {}): FlowRequest {
  const paymentId = newId('pay', T0 + seq);
  return {
    paymentId,
    reference: newId('cmd', T0 + ++seq),
    amount: 1_250,
    currency: 'EUR',
    method: { type: 'bank_account', iban: new Secret('DE89370400440532013000'), name: 'Max Mustermann' },
    orderId: `order-${seq}`,
    merchant: { id: 'mch_test', name: 'Test Shop' },
    customer: { email: 'c@example.test' },
    ...over,
  };
}

const e2eOf = (r: FlowRequest): string => r.reference.replace('_', '-');

function credit(amount: number, ref: string, e2e?: string): CamtEntry {
  return {
    amount: { amount, currency: 'EUR' },
    creditDebit: 'CRDT',
    status: 'BOOK',
    bookingDate: { date: '2026-11-26' },
    accountServicerReference: ref,
    transactions: [{ ...(e2e ? { references: { endToEndId: e2e } } : {}), amount: { amount, currency: 'EUR' }, creditDebit: 'CRDT' }],
  };
}

/** A day statement: opening 0, closing = the credits (or `closing` to make it drift). */
function statement(id: string, iban: string, entries: CamtEntry[], over: Partial<CamtReport> = {}, closing?: number): CamtReport {
  const total = entries.reduce((s, e) => s + e.amount.amount, 0);
  const date = { date: '2026-11-26' };
  return {
    id,
    fromToDate: { from: '2026-11-26T00:00:00+01:00', to: '2026-11-26T23:59:59+01:00' },
    account: { iban, currency: 'EUR' },
    balances: [
      { type: { code: 'OPBD' }, amount: { amount: 0, currency: 'EUR' }, creditDebit: 'CRDT', date },
      { type: { code: 'CLBD' }, amount: { amount: closing ?? total, currency: 'EUR' }, creditDebit: 'CRDT', date },
    ],
    entries,
    ...over,
  };
}

const camt053 = (msgId: string, reports: CamtReport[]): string =>
  build('camt.053.001.08', { groupHeader: { messageId: msgId, creationDateTime: '2026-11-26T23:59:59+01:00' }, reports } satisfies CamtDocument);

const camt054 = (msgId: string, reports: CamtReport[]): string =>
  build('camt.054.001.08', { groupHeader: { messageId: msgId, creationDateTime: '2026-11-26T16:00:00+01:00' }, reports } satisfies CamtDocument);

/** There is no camt.052 serializer: a camt.054 renamed is a camt.052 report with the same content. */
const camt052 = (msgId: string, reports: CamtReport[]): string =>
  camt054(msgId, reports).replace(/camt\.054\.001\.08/g, 'camt.052.001.08').replace(/BkToCstmrDbtCdtNtfctn/g, 'BkToCstmrAcctRpt').replace(/Ntfctn>/g, 'Rpt>');

const STORES = BATCH_STORES;

describe.each(STORES)('bank statements through the rail on %s', (_name, makeStore) => {
  let store: Store;
  let drop: () => Promise<void>;
  let clock: ManualClock;
  let transport: MemoryTransport;
  let reports: ConnectorReport[];
  let rail: BatchRail;

  const newRail = (over: Partial<BatchProfileInput> = {}): BatchRail =>
    new BatchRail({ connector: 'bank-a', store, profile: readBatchProfile({ ...PROFILE, ...over }), transport, clock, report: (r) => reports.push(r) });

  beforeEach(async () => {
    ({ store, drop } = await makeStore());
    await store.migrate();
    clock = new ManualClock(T0);
    transport = new MemoryTransport({ clock, renameMode: 'free-name' });
    reports = [];
    rail = newRail();
  });
  afterEach(async () => {
    await store.close();
    await drop();
  });

  /** Two transfers filed and uploaded; `accept` lists those a pain.002 accepts (ACSC). */
  const twoSent = async (accept: 'both' | 'none' | 'reject b' = 'both'): Promise<{ a: FlowRequest; b: FlowRequest }> => {
    const a = request({ amount: 1_000 });
    const b = request({ amount: 2_500 });
    await rail.enqueue(a, 'transfer');
    await rail.enqueue(b, 'transfer');
    await clock.advance(1_000);
    await rail.runCutoff();
    await rail.upload();
    if (accept !== 'none') {
      const name = transport.names('in').find((n) => !n.startsWith('.')) as string;
      const original = parse(transport.readText('in', name) ?? '').model as Pain001v09;
      const report: Pain002v10 = {
        groupHeader: { messageId: `STS-${seq++}`, creationDateTime: '2026-11-26T15:00:00+01:00' },
        originalGroup: { originalMessageId: original.groupHeader.messageId, originalMessageNameId: 'pain.001.001.09' },
        payments: original.paymentInformation.map((p) => ({
          originalPaymentInformationId: p.paymentInformationId,
          transactions: p.transactions.map((t) =>
            accept === 'reject b' && t.endToEndId === e2eOf(b) ? { originalEndToEndId: t.endToEndId, status: 'RJCT', statusReasons: [{ reason: { code: 'AC04' } }] } : { originalEndToEndId: t.endToEndId, status: 'ACSC' },
          ),
        })),
      };
      transport.seed('out', 'pain002.xml', build('pain.002.001.10', report));
      await pollTwice();
    }
    return { a, b };
  };

  const pollTwice = async (): Promise<void> => {
    await rail.poll();
    await rail.poll();
  };

  const inbound = async (name: string) => (await rail.records.listInbound()).find((f) => f.name === name);

  describe.each([
    ['ours first', true],
    ['another account first', false],
  ])('a camt.053 with two accounts’ statements, %s', (_order, oursFirst) => {
    it('settles ours, keeps the other aside, and raises no break from the other account’s entries', async () => {
      const { a, b } = await twoSent();
      const ours = statement('STMT-OURS-1', OURS, [credit(1_000, 'ASR-A', e2eOf(a)), credit(2_500, 'ASR-B', e2eOf(b))]);
      // the other account's statement names our payment, carries an unknown credit and does not balance:
      // none of it may touch ours
      const other = statement('STMT-OTHER-1', OTHER, [credit(1_000, 'ASR-X1', e2eOf(a)), credit(777, 'ASR-X2')], {}, 5);
      transport.seed('out', 'camt053_two.xml', camt053('STMT-MSG-1', oursFirst ? [ours, other] : [other, ours]));
      await pollTwice();

      expect((await rail.records.item(a.reference))?.settlement).toBe('settled');
      expect((await rail.records.item(b.reference))?.settlement).toBe('settled');
      expect(await breaksOn(store, '2026-11-26')).toEqual([]);
      expect((await statementsOn(store, '2026-11-26')).map((s) => s.statementId)).toEqual(['053:STMT-OURS-1']);
      const row = await inbound('camt053_two.xml');
      expect(row?.outcome).toBe('applied');
      expect(row?.detail).toMatch(/^2 settled, 0 breaks; statement STMT-OTHER-1 of account DE89\*+3000 \(2 entries\): not DE75\*+6199, kept, not reconciled$/);
      // never the other account's number in full
      expect(row?.detail).not.toContain(OTHER);
    });

    it('checks balances per statement: our statement’s drift is a break, the other’s is not ours to report', async () => {
      const { a } = await twoSent();
      const ours = statement('STMT-OURS-2', OURS, [credit(1_000, 'ASR-A', e2eOf(a))], {}, 1_001);
      const other = statement('STMT-OTHER-2', OTHER, [credit(50, 'ASR-X')], {}, 9);
      transport.seed('out', 'camt053_drift.xml', camt053('STMT-MSG-2', oursFirst ? [ours, other] : [other, ours]));
      await pollTwice();
      const breaks = await breaksOn(store, '2026-11-26');
      expect(breaks.map((x) => [x.type, x.key])).toEqual([['BALANCE_DRIFT', 'bank-a:STMT-OURS-2:BALANCE_DRIFT']]);
      expect((await rail.records.item(a.reference))?.settlement).toBe('settled');
    });
  });

  it('a file with only another account’s statement settles nothing, and our statement arriving later still applies', async () => {
    const { a } = await twoSent();
    transport.seed('out', 'camt053_other.xml', camt053('STMT-MSG-3', [statement('STMT-OTHER-3', OTHER, [credit(1_000, 'ASR-X', e2eOf(a))])]));
    await pollTwice();
    expect((await rail.records.item(a.reference))?.settlement).toBe('batched');
    expect((await inbound('camt053_other.xml'))?.detail).toMatch(/kept, not reconciled/);
    // the same statement id under our account is a different statement: not "applied before"
    transport.seed('out', 'camt053_ours.xml', camt053('STMT-MSG-4', [statement('STMT-OTHER-3', OURS, [credit(1_000, 'ASR-A', e2eOf(a))])]));
    await pollTwice();
    expect((await rail.records.item(a.reference))?.settlement).toBe('settled');
  });

  it('takes each statement of our account in a file, and names a hole in the electronic sequence numbers', async () => {
    const { a, b } = await twoSent();
    transport.seed('out', 'camt053_s1.xml', camt053('SEQ-MSG-1', [statement('SEQ-1', OURS, [credit(1_000, 'ASR-A', e2eOf(a))], { electronicSequenceNumber: '41' })]));
    await pollTwice();
    expect(await breaksOn(store, '2026-11-26')).toEqual([]);
    // 42 and 43 never came; 44 and 45 arrive in one file, the later one first
    const s45 = statement('SEQ-45', OURS, [], { electronicSequenceNumber: '45' });
    const s44 = statement('SEQ-44', OURS, [credit(2_500, 'ASR-B', e2eOf(b))], { electronicSequenceNumber: '44' });
    transport.seed('out', 'camt053_s2.xml', camt053('SEQ-MSG-2', [s45, s44]));
    await pollTwice();
    expect((await rail.records.item(b.reference))?.settlement).toBe('settled');
    const breaks = await breaksOn(store, '2026-11-26');
    expect(breaks.map((x) => [x.type, x.key])).toEqual([['SEQUENCE_GAP', 'bank-a:SEQ-44:SEQUENCE_GAP']]);
    expect(breaks[0]?.data.detail).toMatch(/sequence number 44, the highest applied before is 41: 2 statement\(s\) missing/);
    expect((await statementsOn(store, '2026-11-26')).map((s) => s.statementId).sort()).toEqual(['053:SEQ-1', '053:SEQ-44', '053:SEQ-45']);
    // the same file again (another name): every statement known, nothing recorded twice
    transport.seed('out', 'camt053_s2_again.xml', camt053('SEQ-MSG-2', [s45, s44]));
    await pollTwice();
    expect((await inbound('camt053_s2_again.xml'))?.detail).toMatch(/applied before/);
    expect(await breaksOn(store, '2026-11-26')).toHaveLength(1);
  });

  it('does not judge the numbering of camt.054 notifications (banks number them per day)', async () => {
    await twoSent();
    transport.seed('out', 'camt054_n1.xml', camt054('SEQN-1', [statement('SEQN-1-1', OURS, [], { electronicSequenceNumber: '3', balances: [] })]));
    await pollTwice();
    transport.seed('out', 'camt054_n2.xml', camt054('SEQN-2', [statement('SEQN-2-1', OURS, [], { electronicSequenceNumber: '9', balances: [] })]));
    await pollTwice();
    expect((await statementsOn(store, '2026-11-26')).map((x) => x.statementId)).toEqual(['054:SEQN-1-1', '054:SEQN-2-1']);
    expect(await breaksOn(store, '2026-11-26')).toEqual([]);
  });

  describe('which statements may say a payment is missing', () => {
    const dec1 = { fromToDate: { from: '2026-12-01T00:00:00+01:00', to: '2026-12-01T23:59:59+01:00' } };

    it('a camt.053 (end of day) three business days on raises MISSING_IN_BANK for a payment the bank never showed', async () => {
      const { a, b } = await twoSent('none');
      await clock.set(TUESDAY);
      transport.seed('out', 'camt053_dec1.xml', camt053('EOD-1', [statement('EOD-1-1', OURS, [credit(1_000, 'ASR-A', e2eOf(a))], dec1)]));
      await pollTwice();
      expect((await rail.records.item(a.reference))?.settlement).toBe('settled');
      const breaks = await breaksOn(store, '2026-12-01');
      const bItem = await rail.records.item(b.reference);
      expect(breaks.map((x) => [x.type, x.paymentId, x.merchantId])).toEqual([['MISSING_IN_BANK', bItem?.paymentId, 'mch_test']]);
      expect(breaks[0]?.data.detail).toMatch(/executed 2026-11-26, 3 business days before 2026-12-01 and not on the bank statement/);
      expect((await inbound('camt053_dec1.xml'))?.detail).toBe('1 settled, 1 breaks');
    });

    it('a camt.054 notification settles what it shows and raises no absence, however late', async () => {
      const { a, b } = await twoSent('none');
      await clock.set(TUESDAY);
      transport.seed('out', 'camt054_dec1.xml', camt054('NTF-1', [statement('NTF-1-1', OURS, [credit(1_000, 'ASR-A', e2eOf(a))], { ...dec1, balances: [] })]));
      await pollTwice();
      expect((await rail.records.item(a.reference))?.settlement).toBe('settled');
      expect((await rail.records.item(b.reference))?.settlement).toBe('batched');
      expect(await breaksOn(store, '2026-12-01')).toEqual([]);
      // what it can prove it still reports: a credit nobody expected
      transport.seed('out', 'camt054_dec1b.xml', camt054('NTF-2', [statement('NTF-2-1', OURS, [credit(999, 'ASR-Z')], { ...dec1, balances: [] })]));
      await pollTwice();
      expect((await breaksOn(store, '2026-12-01')).map((x) => x.type)).toEqual(['MISSING_IN_OURS']);
    });

    it('an intraday camt.052 raises no absence; one the profile marks final (end of day) does', async () => {
      const { a } = await twoSent('none');
      await clock.set(TUESDAY);
      transport.seed('out', 'camt052_1.xml', camt052('RPT-1', [statement('RPT-1-1', OURS, [credit(1_000, 'ASR-A', e2eOf(a))], dec1)]));
      await pollTwice();
      expect((await inbound('camt052_1.xml'))?.outcome).toBe('applied');
      expect((await rail.records.item(a.reference))?.settlement).toBe('settled');
      expect(await breaksOn(store, '2026-12-01')).toEqual([]);

      rail = newRail({ camt052EndOfDay: true });
      transport.seed('out', 'camt052_2.xml', camt052('RPT-2', [statement('RPT-2-1', OURS, [], dec1)]));
      await pollTwice();
      expect((await breaksOn(store, '2026-12-01')).map((x) => x.type)).toEqual(['MISSING_IN_BANK']);
    });
  });

  it('a transfer the bank rejects leaves batched for rejected, and is never missing from a statement', async () => {
    const { a, b } = await twoSent('reject b');
    expect(await rail.records.item(b.reference)).toMatchObject({ status: 'rejected', settlement: 'rejected' });
    expect(await rail.records.item(a.reference)).toMatchObject({ status: 'accepted', settlement: 'batched' });
    await clock.set(TUESDAY);
    const dec1 = { fromToDate: { from: '2026-12-01T00:00:00+01:00', to: '2026-12-01T23:59:59+01:00' } };
    transport.seed('out', 'camt053_dec1.xml', camt053('EOD-R', [statement('EOD-R-1', OURS, [credit(1_000, 'ASR-A', e2eOf(a))], dec1)]));
    await pollTwice();
    expect(await breaksOn(store, '2026-12-01')).toEqual([]);
    expect((await rail.records.item(b.reference))?.settlement).toBe('rejected');
    expect((await rail.records.item(a.reference))?.settlement).toBe('settled');
  });
});
