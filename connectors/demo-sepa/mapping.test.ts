import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowRequest } from '../../src/connector/types.js';
import { Secret } from '../../src/domain/secret.js';
import { build, parseAs, type Pain002v10 } from '../../src/iso20022/index.js';
import { MockTransport, replyWith } from '../../src/iso20022/transport/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { outcomeForReason, REASON_CODES } from './codes.js';
import { reportsFromInbound } from './inbound.js';
import { demoSepaConnector } from './index.js';
import { fromAcmt024, fromBankId, fromCamt029, fromPain002, toBankId, toPain001, type BankAccount } from './mapping.js';

const REF = 'cmd_01JDKQ7V4X9M2N3P4Q5R6S7T8V';
const account: BankAccount = { type: 'bank_account', iban: new Secret('DE89370400440532013000'), name: 'Jörg Müller' };
const req: FlowRequest = {
  paymentId: 'pay_01JDKQ7V4X9M2N3P4Q5R6S7T8W',
  reference: REF,
  amount: 1_999,
  currency: 'EUR',
  method: account,
  orderId: 'order-7',
  merchant: { id: 'm', name: 'Shop' },
  customer: { email: 'c@example.test' },
};
const parties = { creditor: { name: 'Demo Shop', iban: 'DE75512108001245126199' }, bankBic: 'SIMBDEFFXXX' };

const pain002 = (status: string, reason?: string, group = 'PART'): Pain002v10 => ({
  groupHeader: { messageId: 'S1', creationDateTime: '2026-11-27T10:00:00Z' },
  originalGroup: { originalMessageId: 'M1', originalMessageNameId: 'pain.001.001.09', groupStatus: group },
  payments: [{ originalPaymentInformationId: 'P1', transactions: [{ originalEndToEndId: toBankId(REF), status, ...(reason ? { statusReasons: [{ reason: { code: reason } }] } : {}) }] }],
});

describe('demo-sepa mapping', () => {
  it('engine references travel in the EPC character set and come back unchanged', () => {
    expect(toBankId(REF)).toBe('cmd-01JDKQ7V4X9M2N3P4Q5R6S7T8V');
    expect(fromBankId(toBankId(REF))).toBe(REF);
    expect(toBankId('E2E-1')).toBe('E2E-1');
    const model = toPain001(req, account, parties, { messageId: 'a'.repeat(32), now: Date.UTC(2026, 10, 27, 12) });
    const xml = build('pain.001.001.09', model, { profile: 'sepa' });
    expect(xml).toContain(`<EndToEndId>${toBankId(REF)}</EndToEndId>`);
    expect(xml).toContain('<InstdAmt Ccy="EUR">19.99</InstdAmt>');
    expect(xml).toContain('<Nm>Joerg Mueller</Nm>');
  });

  it.each([
    ['ACSC', 'ok'],
    ['ACCC', 'ok'],
    ['ACTC', 'pending'],
    ['ACCP', 'pending'],
    ['ACSP', 'pending'],
    ['PDNG', 'pending'],
    ['RCVD', 'pending'],
    ['XXXX', 'unknown'],
  ])('pain.002 TxSts %s -> %s', (status, kind) => {
    expect(fromPain002(pain002(status), REF).kind).toBe(kind);
  });

  it('RJCT declines with the reason code; an unknown or missing code is unknown, never a failure', () => {
    expect(fromPain002(pain002('RJCT', 'AM04'), REF)).toEqual({ kind: 'declined', code: 'AM04', reason: 'Insufficient funds' });
    expect(fromPain002(pain002('RJCT', 'ZZ99'), REF)).toMatchObject({ kind: 'unknown', retryable: true });
    expect(fromPain002(pain002('RJCT'), REF)).toMatchObject({ kind: 'unknown' });
    for (const code of ['AC01', 'AM04', 'AC04', 'AC06', 'AG01', 'MS03', 'FOCR', 'DUPL']) expect(outcomeForReason(code, 'x')).toMatchObject({ kind: 'declined', code });
    expect(Object.keys(REASON_CODES).length).toBeGreaterThan(20);
  });

  it('the transaction status wins over the group; a group PART decides nothing', () => {
    expect(fromPain002(pain002('ACSC', undefined, 'RJCT'), REF).kind).toBe('ok');
    const none: Pain002v10 = { ...pain002('ACSC'), payments: [{ originalPaymentInformationId: 'P1', transactions: [{ originalEndToEndId: toBankId(REF) }] }] };
    expect(fromPain002(none, REF).kind).toBe('unknown');
    expect(fromPain002(pain002('ACSC'), 'cmd_other').kind).toBe('unknown');
  });

  it('the partial-acceptance sample gives each transaction its own outcome', () => {
    const xml = readFileSync(new URL('../../../shared/iso20022/samples/pain/pain.002.001.10.partial-acceptance.xml', import.meta.url), 'utf8');
    const reports = reportsFromInbound(xml);
    expect(reports.length).toBeGreaterThan(1);
    const kinds = new Set(reports.map((r) => r.outcome.kind));
    expect(kinds.has('declined')).toBe(true);
    expect(reports.find((r) => r.outcome.kind === 'declined')?.outcome).toMatchObject({ code: 'AC01' });
  });

  it('acmt.024: match, close match with the suggested name, no match, not possible', () => {
    const report = (verified: boolean, code?: string, name?: string) => ({
      assignment: { messageId: 'R', creationDateTime: '2026-11-27T10:00:00Z', assigner: {}, assignee: {} },
      reports: [{ originalId: toBankId(REF), verified, ...(code ? { reason: { code } } : {}), ...(name ? { updated: { party: { name } } } : {}) }],
    });
    expect(fromAcmt024(report(true), REF)).toEqual({ kind: 'ok', nameMatch: 'match' });
    expect(fromAcmt024(report(false, 'CMTC', 'Max Mustermann'), REF)).toEqual({ kind: 'ok', nameMatch: 'close_match', suggestedName: 'Max Mustermann' });
    expect(fromAcmt024(report(false, 'NMTC'), REF)).toEqual({ kind: 'ok', nameMatch: 'no_match' });
    expect(fromAcmt024(report(false, 'NOAP'), REF)).toEqual({ kind: 'ok', nameMatch: 'not_possible' });
    expect(fromAcmt024(report(false, 'AC01'), REF)).toMatchObject({ kind: 'declined', code: 'AC01' });
    expect(fromAcmt024(report(false, 'WHAT'), REF).kind).toBe('unknown');
  });

  it('camt.029: accepted cancellation is ok, rejected declines with its reason', () => {
    const res = (status: string, reason?: string) => ({
      assignment: { id: 'A', assigner: {}, assignee: {}, creationDateTime: '2026-11-27T10:00:00Z' },
      status: { confirmation: status === 'ACCR' ? 'CNCL' : 'RJCR' },
      cancellationDetails: [{ transactions: [{ cancellationStatusId: toBankId(REF), transactionCancellationStatus: status, ...(reason ? { cancellationStatusReasons: [{ reason: { code: reason } }] } : {}) }] }],
    });
    expect(fromCamt029(res('ACCR'), REF).kind).toBe('ok');
    expect(fromCamt029(res('RJCR', 'ARDT'), REF)).toMatchObject({ kind: 'declined', code: 'ARDT' });
  });
});

describe('demo-sepa flows on the mock transport', () => {
  const make = (t: MockTransport) => demoSepaConnector({ clock: new ManualClock(), settings: { callTimeoutMs: 500 }, report: () => undefined }, t);
  const ctx = { clock: new ManualClock(), signal: new AbortController().signal };

  it('sends one XSD-valid pain.001 to /payments and reads the pain.002', async () => {
    const t = new MockTransport((r) => {
      const m = parseAs('pain.001.001.09', r.bodyText);
      const e2e = m.paymentInformation[0]?.transactions[0]?.endToEndId ?? '';
      return replyWith(build('pain.002.001.10', { ...pain002('ACSC'), payments: [{ originalPaymentInformationId: 'P1', transactions: [{ originalEndToEndId: e2e, status: 'ACSC', accountServicerReference: 'ASR-9' }] }] }));
    });
    const out = await make(t).flows.transfer?.(req, ctx);
    expect(out).toEqual({ kind: 'ok', bankReference: 'ASR-9' });
    expect(t.requests.map((r) => r.path)).toEqual(['/payments']);
  });

  it('transport results map to outcomes: not_sent stays not_sent, unknown stays unknown, junk is unknown', async () => {
    const t = new MockTransport().enqueue(
      { kind: 'not_sent', reason: 'connection refused' },
      { kind: 'unknown', reason: 'no reply within 1500 ms' },
      replyWith('<Document><broken'),
      replyWith('busy', 503),
      replyWith('bad', 400),
    );
    const c = make(t);
    const kinds = [];
    for (let i = 0; i < 5; i++) kinds.push((await c.flows.transfer?.(req, ctx))?.kind);
    expect(kinds).toEqual(['not_sent', 'unknown', 'unknown', 'unknown', 'declined']);
    expect(t.requests).toHaveLength(5);
  });

  it('a name the SEPA set cannot carry is declined before anything is sent', async () => {
    const t = new MockTransport();
    const out = await make(t).flows.transfer?.({ ...req, method: { ...account, name: 'Иван Петров' } }, ctx);
    expect(out).toMatchObject({ kind: 'declined', code: 'invalid_request' });
    expect(JSON.stringify(out)).not.toContain('DE89');
    expect(t.requests).toHaveLength(0);
  });

  it('inquiry about a transfer sends pacs.028 by EndToEndId', async () => {
    const t = new MockTransport(() => replyWith('<x/>'));
    await make(t).flows.inquire?.({ ...req, reference: 'cmd_01JDKQ7V4X9M2N3P4Q5R6S7T8X', original: { flow: 'transfer', reference: REF } }, ctx);
    const sent = parseAs('pacs.028.001.03', t.requests[0]?.bodyText ?? '');
    expect(t.requests[0]?.path).toBe('/status-requests');
    expect(sent.transactions[0]).toMatchObject({ originalEndToEndId: toBankId(REF), statusRequestId: 'cmd-01JDKQ7V4X9M2N3P4Q5R6S7T8X' });
  });
});
