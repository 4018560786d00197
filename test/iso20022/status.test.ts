import { describe, expect, it } from 'vitest';
import {
  TRANSACTION_STATUS_CODES,
  pacs002Outcomes,
  pain002Outcomes,
  parseAs,
  statusMeaning,
  type Pain002v10,
} from '../../src/iso20022/index.js';
import { hasShared, itWithShared, readSharedSample } from '../support/shared-reference.js';
import { pacs002Full, pacs008Full, pain001Full } from './fixtures.js';

// The bank's own partial-acceptance report, read only where the samples are present.
const partial = hasShared('samples') ? parseAs('pain.002.001.10', readSharedSample('pain/pain.002.001.10.partial-acceptance.xml')) : undefined;

const report = (group: string | undefined, payment: string | undefined, txs: Array<string | undefined>): Pain002v10 => ({
  groupHeader: { messageId: 'R', creationDateTime: '2026-11-27T10:00:00Z' },
  originalGroup: { originalMessageId: 'O', originalMessageNameId: 'pain.001.001.09', ...(group ? { groupStatus: group } : {}) },
  payments: [{ originalPaymentInformationId: 'PMTINF-0001', ...(payment ? { status: payment } : {}), transactions: txs.map((s, i) => ({ originalEndToEndId: `E${i}`, ...(s ? { status: s } : {}) })) }],
});

describe('per-transaction outcome', () => {
  itWithShared('samples', 'partial acceptance: one outcome per transaction, the RJCT/AC01 one rejected despite GrpSts=PART and PmtInfSts=ACCP', () => {
    const outcomes = pain002Outcomes(partial!);
    expect(outcomes).toHaveLength(2);
    expect(outcomes[0]).toEqual({
      originalPaymentInformationId: 'PMTINF-0001',
      originalInstructionId: 'INSTR-0001',
      originalEndToEndId: 'E2E-0001',
      status: 'ACSP',
      source: 'transaction',
      kind: 'accepted',
      final: false,
    });
    expect(outcomes[1]).toEqual(
      expect.objectContaining({ originalEndToEndId: 'E2E-0002', status: 'RJCT', source: 'transaction', kind: 'rejected', final: true }),
    );
    expect(outcomes[1]?.reason?.reason).toEqual({ code: 'AC01' });
    expect(outcomes[1]?.reason?.additionalInformation).toEqual(['Creditor account number invalid', 'IBAN check digit']);
  });

  it("a transaction's own status wins over payment and group status", () => {
    const o = pain002Outcomes(report('RJCT', 'RJCT', ['ACSC']));
    expect(o[0]).toEqual(expect.objectContaining({ status: 'ACSC', source: 'transaction', kind: 'settled', final: true }));
  });

  it('without a transaction status, the payment status applies, then the group status', () => {
    expect(pain002Outcomes(report('ACCP', 'RJCT', [undefined]))[0]).toEqual(expect.objectContaining({ status: 'RJCT', source: 'payment' }));
    expect(pain002Outcomes(report('ACTC', undefined, [undefined]))[0]).toEqual(expect.objectContaining({ status: 'ACTC', source: 'group' }));
  });

  it('ACTC is technical acceptance: pending, not settled, not final', () => {
    expect(pain002Outcomes(report(undefined, undefined, ['ACTC']))[0]).toEqual(expect.objectContaining({ kind: 'pending', final: false }));
  });

  it('PART and PATC say nothing about a single transaction: never inherited', () => {
    expect(pain002Outcomes(report('PART', 'PART', [undefined]))[0]).toEqual(expect.objectContaining({ source: 'none', kind: 'unknown', final: false }));
    expect(pain002Outcomes(report('ACCP', 'PATC', [undefined]))[0]).toEqual(expect.objectContaining({ status: 'ACCP', source: 'group', kind: 'accepted' }));
    // PART on the transaction itself is meaningless: unknown, not accepted.
    expect(pain002Outcomes(report(undefined, undefined, ['PART']))[0]).toEqual(expect.objectContaining({ status: 'PART', kind: 'unknown' }));
  });

  it('an unknown code is unknown, never success or failure', () => {
    expect(pain002Outcomes(report(undefined, undefined, ['XXXX']))[0]).toEqual(expect.objectContaining({ status: 'XXXX', kind: 'unknown', final: false }));
  });

  it('with the original pain.001, unlisted transactions get the inherited status (group RJCT without details)', () => {
    const original = pain001Full();
    const r: Pain002v10 = { ...report('RJCT', undefined, []), payments: [] };
    r.originalGroup.statusReasons = [{ reason: { code: 'FF01' } }];
    const o = pain002Outcomes(r, { original });
    expect(o.map((x) => [x.originalEndToEndId, x.kind, x.source, x.reason?.reason?.code])).toEqual([
      ['000000001', 'rejected', 'group', 'FF01'],
      ['12345678901234567890123', 'rejected', 'group', 'FF01'],
      ['E2E-JPY', 'rejected', 'group', 'FF01'],
    ]);
    // Listed transactions are not duplicated.
    const listed = report('ACCP', undefined, []);
    listed.payments[0]!.transactions = [{ originalEndToEndId: '000000001', status: 'RJCT' }];
    expect(pain002Outcomes(listed, { original }).map((x) => [x.originalEndToEndId, x.status])).toEqual([
      ['000000001', 'RJCT'],
      ['12345678901234567890123', 'ACCP'],
      ['E2E-JPY', 'ACCP'],
    ]);
  });

  it('pacs.002: transaction status first, then its original group status', () => {
    const m = pacs002Full();
    m.transactions.push({ originalEndToEndId: 'E3' });
    expect(pacs002Outcomes(m).map((o) => [o.originalEndToEndId, o.kind, o.source])).toEqual([
      ['000000001', 'settled', 'transaction'],
      ['E2', 'rejected', 'transaction'],
      ['E3', 'unknown', 'none'], // the group is PART
    ]);
  });

  it('pacs.002 with the original pacs.008: a group ACSC without details settles every transaction', () => {
    const original = pacs008Full();
    const report = { ...pacs002Full(), transactions: [] };
    report.originalGroups[0]!.groupStatus = 'ACSC';
    expect(pacs002Outcomes(report, { original }).map((o) => [o.originalEndToEndId, o.kind, o.source])).toEqual([
      ['000000001', 'settled', 'group'],
      ['E2', 'settled', 'group'],
    ]);
    // A listed transaction is not repeated, and a PART group leaves the others unknown.
    const part = pacs002Full();
    part.transactions = [part.transactions[0]!];
    expect(pacs002Outcomes(part, { original }).map((o) => [o.originalEndToEndId, o.kind])).toEqual([
      ['000000001', 'settled'],
      ['E2', 'unknown'],
    ]);
  });

  it('covers the whole ExternalPaymentTransactionStatus1Code set', () => {
    expect(TRANSACTION_STATUS_CODES).toHaveLength(14);
    const kinds = Object.fromEntries(TRANSACTION_STATUS_CODES.map((c) => [c, statusMeaning(c).kind]));
    expect(kinds).toEqual({
      RCVD: 'pending', ACTC: 'pending', ACCP: 'accepted', ACSP: 'accepted', ACSC: 'settled', ACCC: 'settled', ACWC: 'accepted',
      ACWP: 'accepted', ACFC: 'accepted', ACIS: 'accepted', PATC: 'unknown', PART: 'unknown', PDNG: 'pending', RJCT: 'rejected',
    });
  });
});
