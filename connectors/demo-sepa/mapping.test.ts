import { describe, expect, it } from 'vitest';
import type { FlowRequest } from '../../src/connector/types.js';
import { Secret } from '../../src/domain/secret.js';
import { build, disableXsdGate, enableXsdGate, parseAs, xsdGateOffReason, type Pain002v10 } from '../../src/iso20022/index.js';
import { MockTransport, replyWith } from '../../src/iso20022/transport/index.js';
import { ManualClock } from '../../src/domain/clock.js';
import { outcomeForReason, REASON_CODES } from './codes.js';
import { reportsFromInbound } from './inbound.js';
import { demoSepaConnector } from './index.js';
import { fromAcmt024, fromBankId, fromCamt029, fromPain002, toBankId, toPain001, type BankAccount } from './mapping.js';
import { partialAcceptanceXml } from '../../test/support/partial-acceptance.js';
import { hasSharedXsd, itWithShared, readSharedSample, xsdGateOffWithoutSharedXsd } from '../../test/support/shared-reference.js';

// Messages are built (and the simulator checks what it receives) with the XSD gate on where the
// official schemas are present; a clone alone runs the same flows with the gate off, as the sandbox does.
xsdGateOffWithoutSharedXsd();

/**
 * Inbound XSD findings as evidence need the official schemas: without them every outcome would only
 * carry `xsd: unchecked` (see the gate-off test in mapping.test.ts), so a clone alone turns the
 * findings off and compares outcomes exactly; the findings checks themselves skip with their reason.
 */
const INBOUND_XSD = hasSharedXsd ? {} : { inboundXsd: false };

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
    for (const code of ['AC01', 'AM04', 'AC04', 'AC06', 'AG01', 'MS03', 'FOCR']) expect(outcomeForReason(code, 'x')).toMatchObject({ kind: 'declined', code });
    expect(Object.keys(REASON_CODES).length).toBeGreaterThan(20);
  });

  it('duplicate codes (DU01, DUPL, AM05) are unknown so the original is inquired about, never declined', () => {
    for (const code of ['DU01', 'DUPL', 'AM05']) {
      expect(REASON_CODES).toHaveProperty(code);
      expect(outcomeForReason(code, 'transfer')).toMatchObject({ kind: 'unknown', retryable: true });
      expect(fromPain002(pain002('RJCT', code), REF)).toMatchObject({ kind: 'unknown', retryable: true });
    }
  });

  it('the transaction status wins over the group; a group PART decides nothing', () => {
    expect(fromPain002(pain002('ACSC', undefined, 'RJCT'), REF).kind).toBe('ok');
    const none: Pain002v10 = { ...pain002('ACSC'), payments: [{ originalPaymentInformationId: 'P1', transactions: [{ originalEndToEndId: toBankId(REF) }] }] };
    expect(fromPain002(none, REF).kind).toBe('unknown');
    expect(fromPain002(pain002('ACSC'), 'cmd_other').kind).toBe('unknown');
  });

  const expectOneOutcomePerTransaction = (xml: string) => {
    const reports = reportsFromInbound(xml);
    expect(reports.length).toBeGreaterThan(1);
    const kinds = new Set(reports.map((r) => r.outcome.kind));
    expect(kinds.has('declined')).toBe(true);
    expect(reports.find((r) => r.outcome.kind === 'declined')?.outcome).toMatchObject({ code: 'AC01' });
  };

  itWithShared('samples', 'the partial-acceptance sample gives each transaction its own outcome', () => {
    expectOneOutcomePerTransaction(readSharedSample('pain/pain.002.001.10.partial-acceptance.xml'));
  });

  it('a partial-acceptance report built by the project gives each transaction its own outcome', () => {
    expectOneOutcomePerTransaction(partialAcceptanceXml());
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
  const make = (t: MockTransport) => demoSepaConnector({ clock: new ManualClock(), settings: { baseUrl: 'http://127.0.0.1:9', callTimeoutMs: 500, ...INBOUND_XSD }, report: () => undefined }, t);
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

describe('demo-sepa: cancellation by profile, refunds as credit transfers, inbound findings', () => {
  const ctx = { clock: new ManualClock(), signal: new AbortController().signal };
  const make = (t: MockTransport, settings: Record<string, unknown> = {}) =>
    demoSepaConnector({ clock: new ManualClock(), settings: { baseUrl: 'http://127.0.0.1:9', callTimeoutMs: 500, ...INBOUND_XSD, ...settings }, report: () => undefined }, t);
  const original = { flow: 'transfer' as const, reference: REF };
  const other = 'cmd_01JDKQ7V4X9M2N3P4Q5R6S7T8Y';

  it('the customer profile cancels with camt.055 naming its pain.001 block; the FI profile with camt.056', async () => {
    const customer = new MockTransport(() => replyWith('<x/>'));
    await make(customer).flows.reverse?.({ ...req, reference: other, original }, ctx);
    expect(customer.requests[0]?.path).toBe('/cancellations');
    const c055 = parseAs('camt.055.001.08', customer.requests[0]?.bodyText ?? '');
    expect(c055.underlying[0]?.payments?.[0]).toMatchObject({
      originalPaymentInformationId: toBankId(REF),
      transactions: [{ cancellationId: toBankId(other), originalEndToEndId: toBankId(REF), originalInstructedAmount: { amount: 1_999, currency: 'EUR' } }],
    });
    const fi = new MockTransport(() => replyWith('<x/>'));
    await make(fi, { transferMessage: 'pacs.008' }).flows.reverse?.({ ...req, reference: other, original }, ctx);
    expect(parseAs('camt.056.001.08', fi.requests[0]?.bodyText ?? '').underlying[0]?.transactions[0]).toMatchObject({ cancellationId: toBankId(other), originalEndToEndId: toBankId(REF) });
  });

  it('camt.029 answering a camt.055 is read per payment information block', () => {
    const answer = (status: string, reason?: string) => ({
      assignment: { id: 'A', assigner: { agent: { bicfi: 'SIMBDEFFXXX' } }, assignee: { party: { name: 'Shop' } }, creationDateTime: '2026-11-27T10:00:00Z' },
      status: { confirmation: status === 'ACCR' ? 'CNCL' : 'RJCR' },
      cancellationDetails: [
        {
          payments: [{ originalPaymentInformationId: toBankId(REF), transactions: [{ cancellationStatusId: toBankId(other), transactionCancellationStatus: status, ...(reason ? { cancellationStatusReasons: [{ reason: { code: reason } }] } : {}) }] }],
          transactions: [],
        },
      ],
    });
    const read = (m: ReturnType<typeof answer>) => fromCamt029(parseAs('camt.029.001.09', build('camt.029.001.09', m)), other);
    expect(read(answer('ACCR'))).toEqual({ kind: 'ok' });
    expect(read(answer('RJCR', 'ARDT'))).toMatchObject({ kind: 'declined', code: 'ARDT' });
    expect(fromCamt029(parseAs('camt.029.001.09', build('camt.029.001.09', answer('ACCR'))), 'cmd_01JDKQ7V4X9M2N3P4Q5R6S7T8Z')).toMatchObject({ kind: 'unknown' });
  });

  it('refundMessage pain.001: a new credit transfer from the merchant account back to the customer, naming the original', async () => {
    const t = new MockTransport(() => replyWith('<x/>'));
    const refund = { ...req, reference: other, amount: 500, refundId: 'ref_1', original };
    await make(t, { refundMessage: 'pain.001', creditorBic: 'SIMBDEFFXXX' }).flows.refund?.(refund, ctx);
    expect(t.requests[0]?.path).toBe('/payments');
    const sent = parseAs('pain.001.001.09', t.requests[0]?.bodyText ?? '');
    const block = sent.paymentInformation[0];
    expect(block).toMatchObject({
      paymentInformationId: `RFND-${toBankId(other)}`,
      debtor: { name: 'Railyard Demo Shop' },
      debtorAccount: { iban: 'DE75512108001245126199' },
      debtorAgent: { bicfi: 'SIMBDEFFXXX' },
    });
    expect(block?.paymentInformationId.length).toBeLessThanOrEqual(35);
    expect(block?.transactions[0]).toMatchObject({
      endToEndId: toBankId(other),
      amount: { amount: 500, currency: 'EUR' },
      creditor: { name: 'Joerg Mueller' },
      creditorAccount: { iban: 'DE89370400440532013000' },
      remittanceInformation: { unstructured: [`Refund ${toBankId(REF)} order-7`] },
    });
    // the default stays the pacs.004 return
    const d = new MockTransport(() => replyWith('<x/>'));
    await make(d).flows.refund?.(refund, ctx);
    expect(d.requests[0]?.path).toBe('/returns');
  });

  it('a refund sent as a credit transfer is inquired by EndToEndId, and its pushed pain.002 reports flow refund', async () => {
    const t = new MockTransport(() => replyWith('<x/>'));
    await make(t, { refundMessage: 'pain.001' }).flows.inquire?.({ ...req, reference: 'cmd_01JDKQ7V4X9M2N3P4Q5R6S7T8Z', original: { flow: 'refund', reference: other } }, ctx);
    expect(parseAs('pacs.028.001.03', t.requests[0]?.bodyText ?? '').transactions[0]).toMatchObject({ originalEndToEndId: toBankId(other) });
    const report = pain002('ACSC');
    report.payments.push({ originalPaymentInformationId: `RFND-${toBankId(other)}`, transactions: [{ originalEndToEndId: toBankId(other), status: 'ACSC' }] });
    const reports = reportsFromInbound(build('pain.002.001.10', report));
    expect(reports.map((r) => [r.flow, r.reference, r.outcome.kind])).toEqual([
      ['transfer', REF, 'ok'],
      ['refund', other, 'ok'],
    ]);
  });

  itWithShared('xsd', 'a reply that breaks the schema is still read; its findings travel as masked evidence, at most maxInboundFindings', async () => {
    const valid = build('pain.002.001.10', { ...pain002('ACSC'), groupHeader: { messageId: 'S1', creationDateTime: '2026-11-27T10:00:00Z', debtorAgent: { bicfi: 'SIMBDEFFXXX' } } });
    const broken = valid
      .replace('<BICFI>SIMBDEFFXXX</BICFI>', '<BICFI>DE89370400440532013000</BICFI>')
      .replace('<TxSts>ACSC</TxSts>', '<TxSts>ACSC</TxSts>\n        <Unexpected>1</Unexpected>');
    const out = await make(new MockTransport(() => replyWith(broken)), { maxInboundFindings: 1 }).flows.transfer?.(req, ctx);
    expect(out).toMatchObject({ kind: 'ok', evidence: { xsd: 'invalid', xsd_message_type: 'pain.002.001.10', xsd_findings_total: '2' } });
    const evidence = out?.kind === 'ok' ? out.evidence : undefined;
    const findings = JSON.parse(evidence?.xsd_findings ?? '[]') as Array<{ line?: number; path: string; message: string }>;
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ line: 9, path: 'Document/CstmrPmtStsRpt/GrpHdr/DbtrAgt/FinInstnId/BICFI', message: expect.stringContaining("The value '…'") });
    // account data quoted by the schema engine never reaches the evidence
    expect(JSON.stringify(out)).not.toContain('DE89370400440532013000');
    // a valid reply adds nothing
    expect(await make(new MockTransport(() => replyWith(valid))).flows.transfer?.(req, ctx)).toEqual({ kind: 'ok' });
    // and the check can be turned off
    expect(await make(new MockTransport(() => replyWith(broken)), { inboundXsd: false }).flows.transfer?.(req, ctx)).toEqual({ kind: 'ok' });
  });

  itWithShared('xsd', 'findings ride on any outcome kind: a pending or declined report keeps them for the timeline', async () => {
    const broken = build('pain.002.001.10', pain002('RJCT', 'AM04')).replace('<MsgId>S1</MsgId>', '<MsgId>S1</MsgId><Unexpected/>');
    const out = await make(new MockTransport(() => replyWith(broken))).flows.transfer?.(req, ctx);
    expect(out).toMatchObject({ kind: 'declined', code: 'AM04', evidence: { xsd: 'invalid', xsd_findings_total: '1' } });
  });

  it('with the XSD gate off (a sandbox without schemas) a schema-breaking reply is applied as unchecked, never as invalid', async () => {
    const broken = build('pain.002.001.10', pain002('RJCT', 'AM04'), { xsd: false }).replace('<MsgId>S1</MsgId>', '<MsgId>S1</MsgId><Unexpected/>');
    const before = xsdGateOffReason();
    disableXsdGate('no ISO 20022 schemas (test)');
    try {
      const out = await make(new MockTransport(() => replyWith(broken)), { inboundXsd: true }).flows.transfer?.(req, ctx);
      expect(out).toMatchObject({ kind: 'declined', code: 'AM04', evidence: { xsd: 'unchecked', xsd_findings_total: '1' } });
    } finally {
      // back to this file's own state: off in a clone alone, on where the schemas are present
      if (before === undefined) enableXsdGate();
      else disableXsdGate(before);
    }
  });
});
