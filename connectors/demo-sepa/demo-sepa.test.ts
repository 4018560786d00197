import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runConnectorConformance, type BankFlow, type ConformanceBank, type ConformanceTest, createHarness, type Harness } from '../../src/connector/testing.js';
import type { ConnectorEnv, FlowName, InboundRequest, InboundResult } from '../../src/connector/types.js';
import { BANK_TEST_IBANS, startIso20022Bank, type Iso20022Bank } from '../../mocks/iso20022-bank/index.js';
import { Secret } from '../../src/domain/secret.js';
import { JumpableClock } from '../../src/domain/clock.js';
import type { FlowRequest } from '../../src/connector/types.js';
import { createDemoSepaConnector, type DemoSepaConnector } from './index.js';
import { toBankId } from './mapping.js';
import { build } from '../../src/iso20022/index.js';
import { hasSharedXsd, itWithShared, warmXsdGate, xsdGateOffWithoutSharedXsd } from '../../test/support/shared-reference.js';

// Messages are built (and the simulator checks what it receives) with the XSD gate on where the
// official schemas are present; a clone alone runs the same flows with the gate off, as the sandbox does.
xsdGateOffWithoutSharedXsd();

/**
 * demo-sepa against the ISO 20022 bank simulator over real HTTP. The simulator pushes status
 * reports to a stand-in for Railyard's `POST /v1/connectors/demo-sepa/inbound`, which hands the
 * body to the connector's inbound flow and the reports to the engine, as the API route does.
 */

let sim: Iso20022Bank;
let inboundServer: Server;
let deliver: ((req: InboundRequest) => Promise<InboundResult | null>) | null = null;
/** reference -> payment id, learnt from the requests the engine made (the bank only sees references). */
const paymentOf = new Map<string, string>();

/**
 * Inbound XSD findings as evidence need the official schemas: without them every outcome would only
 * carry `xsd: unchecked` (see the gate-off test in mapping.test.ts), so a clone alone turns the
 * findings off and compares outcomes exactly; the findings checks themselves skip with their reason.
 */
const INBOUND_XSD = hasSharedXsd ? {} : { inboundXsd: false };
const settings = () => ({ baseUrl: sim.url, callTimeoutMs: 500, ...INBOUND_XSD });
const policy = { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 }, pollIntervalMs: 100 };

function listen(server: Server): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  // The engine's cold start (libxml2 and each schema, compiled synchronously) must not land inside
  // the first 500 ms bank call, where it reads as a timeout and the verification is sent twice.
  warmXsdGate(['acmt.023.001.03', 'acmt.024.001.03', 'pain.001.001.09', 'pain.002.001.10', 'pacs.008.001.08', 'pacs.002.001.10', 'pacs.028.001.03', 'camt.055.001.08', 'camt.056.001.08', 'camt.029.001.09', 'pacs.004.001.09']);
  inboundServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = new Uint8Array(Buffer.concat(chunks));
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      void (deliver ? deliver({ body, contentType: req.headers['content-type'] ?? '', headers }) : Promise.resolve(null)).then(
        (r) => {
          res.writeHead(r?.response?.status ?? 503, { 'content-type': r?.response?.contentType ?? 'text/plain' });
          res.end(r?.response?.body ?? 'no engine');
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  const port = await listen(inboundServer);
  sim = await startIso20022Bank({
    port: 0,
    host: '127.0.0.1',
    callbackUrl: `http://127.0.0.1:${port}/v1/connectors/demo-sepa/inbound`,
    settleAfterMs: 400,
    slowReplyMs: 800,
    unreachableMs: 2_000,
  });
});

afterAll(async () => {
  await sim?.close();
  await new Promise<void>((r) => {
    inboundServer.closeAllConnections();
    inboundServer.close(() => r());
  });
});

/** Learns which payment each reference belongs to, without touching what the connector sends. */
function observed(c: DemoSepaConnector): DemoSepaConnector {
  for (const flow of ['verify', 'transfer', 'inquire', 'reverse', 'refund'] as const) {
    const fn = c.flows[flow];
    if (!fn) continue;
    c.flows[flow] = (req, ctx) => {
      paymentOf.set(toBankId(req.reference), req.paymentId);
      return fn(req, ctx);
    };
  }
  return c;
}

const FLOWS: ReadonlySet<FlowName> = new Set(['verify', 'transfer', 'reverse', 'refund']);

/** These runs configure no bank certificates: replies carry no signature that could fail (signed-evidence.test.ts runs them signed). */
const UNSIGNED_SKIP = [
  {
    reason: 'no bank certificates configured in this run, so replies carry no signature to fail',
    tests: ['bad integrity at verify', 'bad integrity at authorize or transfer', 'bad integrity at refund', 'bad integrity at inquiry', 'bad integrity at reverse'] as ConformanceTest[],
  },
];

const conformanceBank = (): ConformanceBank => ({
  currency: 'EUR',
  methods: {
    approved: { type: 'bank_account', bank_account: { iban: BANK_TEST_IBANS.verified.iban, name: BANK_TEST_IBANS.verified.name } },
    declinedAtVerify: { type: 'bank_account', bank_account: { iban: BANK_TEST_IBANS.verified.iban, name: 'Erika Musterfrau' } },
    declinedAtTransfer: { type: 'bank_account', bank_account: { iban: BANK_TEST_IBANS.rejectedAC01, name: 'Hans Test' } },
  },
  inject: (fault, flow) => {
    // a bank API has no separate authorisation step
    // a reply that fails its integrity check: a signature that does not verify (signed runs only)
    if (flow !== 'authorize') sim.inject(fault === 'bad_integrity' ? 'bad_signature' : fault, flow);
  },
  executed: (paymentId) =>
    sim.ledger
      .entries()
      .filter((e) => e.executed && FLOWS.has(e.flow) && paymentOf.get(e.id) === paymentId)
      .map((e) => ({
        flow: e.flow as BankFlow,
        reference: e.id,
        ok: e.flow === 'verify' ? true : e.flow === 'reverse' ? e.status === 'CNCL' : e.status === 'ACSC',
        reversed: e.reversed,
        received: e.received,
      })),
});

runConnectorConformance({
  name: 'demo-sepa',
  newConnector: async (env: ConnectorEnv) => {
    await sim.clearFaults();
    const c = observed(createDemoSepaConnector(env));
    // pushed reports go where the engine would apply them
    deliver = async (req) => {
      const r = await c.flows.inbound?.(req, { clock: env.clock, signal: new AbortController().signal });
      for (const report of r?.reports ?? []) env.report(report);
      return r ?? null;
    };
    return c;
  },
  bank: conformanceBank,
  realTime: true,
  settings: { get baseUrl() { return sim.url; }, callTimeoutMs: 500 },
  policy,
  skip: UNSIGNED_SKIP,
});

// The same kit with refunds sent as credit transfers back to the customer (pain.001, reported by pain.002).
runConnectorConformance({
  name: 'demo-sepa (refundMessage pain.001)',
  newConnector: async (env: ConnectorEnv) => {
    await sim.clearFaults();
    const c = observed(createDemoSepaConnector(env));
    deliver = async (req) => {
      const r = await c.flows.inbound?.(req, { clock: env.clock, signal: new AbortController().signal });
      for (const report of r?.reports ?? []) env.report(report);
      return r ?? null;
    };
    return c;
  },
  bank: conformanceBank,
  realTime: true,
  settings: { get baseUrl() { return sim.url; }, callTimeoutMs: 500, refundMessage: 'pain.001' },
  policy,
  skip: UNSIGNED_SKIP,
});

describe('demo-sepa: the two conformance runs', () => {
  // runs after both kits (vitest keeps file order): each refunded the way its settings say
  it('refunded by pacs.004 returns by default, and by pain.001 credit transfers with refundMessage pain.001', () => {
    const refunds = sim.ledger.entries().filter((e) => e.flow === 'refund' && e.status === 'ACSC');
    expect(refunds.filter((e) => e.messageType === 'pacs.004.001.09').length).toBeGreaterThanOrEqual(2);
    expect(refunds.filter((e) => e.messageType === 'pain.001.001.09').length).toBeGreaterThanOrEqual(2);
  });
});

describe('demo-sepa: the IBAN test values through the engine', () => {
  let h: Harness;
  afterEach(async () => {
    deliver = null;
    await h?.close();
  });

  const start = async (extra: Record<string, unknown> = {}) => {
    await sim.clearFaults();
    h = await createHarness({ newConnector: (env) => observed(createDemoSepaConnector(env)), settings: { ...settings(), ...extra }, policy, realTime: true });
    deliver = (req) => h.engine.inbound('demo-sepa', req);
  };
  const pay = (iban: string, name: string) => h.pay({ payment_method: { type: 'bank_account', bank_account: { iban, name } } });

  it('DE89370400440532013000 with "Max Mustermann": verified and paid', async () => {
    await start();
    const p = await h.settle((await pay(BANK_TEST_IBANS.verified.iban, 'Max Mustermann')).id);
    expect(p.status).toBe('succeeded');
    const transfers = sim.ledger.entries().filter((e) => paymentOf.get(e.id) === p.id && e.flow === 'transfer');
    expect(transfers).toEqual([expect.objectContaining({ status: 'ACSC', received: 1, instructionId: toBankId(p.id), amount: { amount: p.amount, currency: 'EUR' } })]);
  });

  it('DE89370400440532013000 with another name: no-match verification, nothing transferred', async () => {
    await start();
    const p = await h.settle((await pay(BANK_TEST_IBANS.verified.iban, 'Erika Musterfrau')).id);
    expect(p.status).toBe('failed');
    expect(p.snapshot.context.failure).toMatchObject({ code: 'name_mismatch' });
    expect(sim.ledger.entries().filter((e) => paymentOf.get(e.id) === p.id).map((e) => e.flow)).toEqual(['verify']);
  });

  it('a close match goes on with the suggested name kept', async () => {
    await start();
    const p = await h.settle((await pay(BANK_TEST_IBANS.verified.iban, 'Max Musterman')).id);
    expect(p.status).toBe('succeeded');
    expect(p.snapshot.context.suggestedName).toBe('Max Mustermann');
  });

  it.each([
    [BANK_TEST_IBANS.rejectedAC01, 'AC01'],
    [BANK_TEST_IBANS.rejectedAM04, 'AM04'],
  ])('%s: rejected %s at transfer', async (iban, code) => {
    await start();
    const p = await h.settle((await pay(iban, 'Hans Test')).id);
    expect(p.status).toBe('failed');
    expect(p.snapshot.context.failure).toMatchObject({ code });
  });

  it('DE91100000000123456789: pending, then accepted by the pushed status report', async () => {
    // polling slower than the bank settles, so the push (not an inquiry) decides
    await start();
    h.engine.payments.policy.pollIntervalMs = 60_000;
    const created = await pay(BANK_TEST_IBANS.pendingThenAccepted, 'Hans Test');
    const p = await h.settle(created.id);
    expect(p.status).toBe('succeeded');
    const history = await h.store.listHistory(p.id);
    expect(history.map((r) => r.toState)).toContain('transfer_pending');
    const transfer = sim.ledger.entries().find((e) => paymentOf.get(e.id) === p.id && e.flow === 'transfer');
    expect(transfer).toMatchObject({ status: 'ACSC', pushes: 1, received: 1 });
    expect((await h.store.listCommands(p.id)).map((c) => c.name)).not.toContain('inquire');
  });

  it('the FI-to-FI profile pays by pacs.008', async () => {
    await start({ transferMessage: 'pacs.008' });
    const p = await h.settle((await pay(BANK_TEST_IBANS.verified.iban, 'Max Mustermann')).id);
    expect(p.status).toBe('succeeded');
    expect(sim.ledger.entries().find((e) => paymentOf.get(e.id) === p.id && e.flow === 'transfer')?.messageType).toBe('pacs.008.001.08');
  });

  itWithShared('xsd', 'a pushed pain.002 that breaks the schema is applied, and its findings show in the timeline', async () => {
    await start();
    h.engine.payments.policy.pollIntervalMs = 60_000;
    deliver = null; // the simulator's own push is refused: only the hand-made report below decides
    const created = await pay(BANK_TEST_IBANS.pendingThenAccepted, 'Hans Test');
    expect((await h.settle(created.id, { maxMs: 1_000 })).state).toBe('transfer_pending');
    const transfer = (await h.store.listCommands(created.id)).find((c) => c.name === 'transfer');
    const report = build('pain.002.001.10', {
      groupHeader: { messageId: 'PUSH1', creationDateTime: '2026-11-27T10:00:00Z', debtorAgent: { bicfi: 'SIMBDEFFXXX' } },
      originalGroup: { originalMessageId: 'M1', originalMessageNameId: 'pain.001.001.09', groupStatus: 'ACSC' },
      payments: [{ originalPaymentInformationId: toBankId(transfer?.reference ?? ''), transactions: [{ originalEndToEndId: toBankId(transfer?.reference ?? ''), status: 'ACSC' }] }],
    });
    // two schema breaks a real bank file might have: an account number where a BIC belongs, an element the XSD does not know
    const broken = report
      .replace('<BICFI>SIMBDEFFXXX</BICFI>', `<BICFI>${BANK_TEST_IBANS.pendingThenAccepted}</BICFI>`)
      .replace('<TxSts>ACSC</TxSts>', '<TxSts>ACSC</TxSts>\n        <BankNote>late</BankNote>');
    const r = await h.engine.inbound('demo-sepa', { body: new TextEncoder().encode(broken), contentType: 'application/xml', headers: {} });
    expect(r.response?.status).toBe(200);
    const p = await h.settle(created.id);
    expect(p.status).toBe('succeeded');
    // GET /v1/payments/{id}/events lists these history rows
    const timeline = await h.store.listHistory(p.id);
    const applied = timeline.find((row) => (row.data as { outcome?: { evidence?: Record<string, string> } }).outcome?.evidence?.xsd === 'invalid');
    const evidence = (applied?.data as { outcome: { kind: string; evidence: Record<string, string> } }).outcome;
    expect(evidence).toMatchObject({ kind: 'ok', evidence: { xsd_message_type: 'pain.002.001.10', xsd_findings_total: '2' } });
    const findings = JSON.parse(evidence.evidence.xsd_findings ?? '[]') as Array<{ line: number; path: string; message: string }>;
    expect(findings.map((f) => [f.line, f.path])).toEqual([
      [9, 'Document/CstmrPmtStsRpt/GrpHdr/DbtrAgt/FinInstnId/BICFI'],
      [23, 'Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts/TxInfAndSts/BankNote'],
    ]);
    expect(JSON.stringify(timeline)).not.toContain(BANK_TEST_IBANS.pendingThenAccepted);
  });

  it('an unreadable inbound body is refused with 400 and changes nothing', async () => {
    await start();
    const r = await h.engine.inbound('demo-sepa', { body: new TextEncoder().encode('<nope'), contentType: 'application/xml', headers: {} });
    expect(r.reports).toEqual([]);
    expect(r.response?.status).toBe(400);
  });
});

describe('demo-sepa flows against the simulator (no engine)', () => {
  let c: DemoSepaConnector;
  const clock = new JumpableClock();
  const ctx = { clock, signal: new AbortController().signal };
  let n = 0;
  const ref = () => `cmd_01JDKQ7V4X9M2N3P4Q5R6S${String(++n).padStart(4, '0')}`;
  const req = (over: Partial<FlowRequest> = {}): FlowRequest => ({
    paymentId: 'pay_01JDKQ7V4X9M2N3P4Q5R6S7T8V',
    reference: ref(),
    amount: 2_500,
    currency: 'EUR',
    method: { type: 'bank_account', iban: new Secret(BANK_TEST_IBANS.verified.iban), name: 'Max Mustermann' },
    orderId: 'order-x',
    merchant: { id: 'm', name: 'Shop' },
    customer: { email: 'c@example.test' },
    ...over,
  });

  beforeAll(async () => {
    await sim.clearFaults();
    c = createDemoSepaConnector({ clock, settings: settings(), report: () => undefined });
    await c.start?.();
  });
  afterAll(async () => {
    await c.stop?.();
  });

  it('a late approval of a pain.001 is cancelled by camt.055, once', async () => {
    const transfer = req();
    expect(await c.flows.transfer?.(transfer, ctx)).toMatchObject({ kind: 'ok' });
    const original = { flow: 'transfer' as const, reference: transfer.reference };
    const cancel = req({ original });
    expect(await c.flows.reverse?.(cancel, ctx)).toEqual({ kind: 'ok' });
    expect(sim.ledger.get(toBankId(transfer.reference))?.reversed).toBe(true);
    expect(sim.ledger.get(toBankId(cancel.reference))).toMatchObject({ messageType: 'camt.055.001.08', status: 'CNCL', original: toBankId(transfer.reference) });
    expect(await c.flows.reverse?.(req({ original }), ctx)).toMatchObject({ kind: 'declined', code: 'ARDT' });
  });

  it('the FI-to-FI profile cancels its pacs.008 by camt.056', async () => {
    const fi = createDemoSepaConnector({ clock, settings: { ...settings(), transferMessage: 'pacs.008' }, report: () => undefined });
    try {
      const transfer = req();
      expect(await fi.flows.transfer?.(transfer, ctx)).toMatchObject({ kind: 'ok' });
      const cancel = req({ original: { flow: 'transfer', reference: transfer.reference } });
      expect(await fi.flows.reverse?.(cancel, ctx)).toEqual({ kind: 'ok' });
      expect(sim.ledger.get(toBankId(cancel.reference))).toMatchObject({ messageType: 'camt.056.001.08', status: 'CNCL' });
    } finally {
      await fi.stop?.();
    }
  });

  it('refunds as credit transfers back (refundMessage pain.001): each executed once, never beyond the payment; inquiry sees them', async () => {
    const cr = createDemoSepaConnector({ clock, settings: { ...settings(), refundMessage: 'pain.001' }, report: () => undefined });
    try {
      const transfer = req();
      await cr.flows.transfer?.(transfer, ctx);
      const original = { flow: 'transfer' as const, reference: transfer.reference };
      const r1 = req({ amount: 1_000, original });
      expect(await cr.flows.refund?.(r1, ctx)).toMatchObject({ kind: 'ok' });
      // the same refund again (same EndToEndId) is answered from the ledger, not paid twice
      expect(await cr.flows.refund?.(r1, ctx)).toMatchObject({ kind: 'ok' });
      expect(await cr.flows.refund?.(req({ amount: 1_501, original }), ctx)).toMatchObject({ kind: 'declined', code: 'AM09' });
      expect(await cr.flows.refund?.(req({ amount: 1_500, original }), ctx)).toMatchObject({ kind: 'ok' });
      expect(await cr.flows.inquire?.(req({ original: { flow: 'refund', reference: r1.reference } }), ctx)).toMatchObject({ kind: 'ok' });
      expect(sim.ledger.get(toBankId(transfer.reference))?.returned).toBe(2_500);
      expect(sim.ledger.get(toBankId(r1.reference))).toMatchObject({ flow: 'refund', messageType: 'pain.001.001.09', status: 'ACSC', received: 2, original: toBankId(transfer.reference), amount: { amount: 1_000, currency: 'EUR' } });
    } finally {
      await cr.stop?.();
    }
  });

  it('refunds by pacs.004, partial then the rest, never beyond the payment; inquiry sees them', async () => {
    const transfer = req();
    await c.flows.transfer?.(transfer, ctx);
    const original = { flow: 'transfer' as const, reference: transfer.reference };
    const r1 = req({ amount: 1_000, original });
    expect(await c.flows.refund?.(r1, ctx)).toMatchObject({ kind: 'ok' });
    expect(await c.flows.refund?.(req({ amount: 1_501, original }), ctx)).toMatchObject({ kind: 'declined', code: 'AM09' });
    expect(await c.flows.refund?.(req({ amount: 1_500, original }), ctx)).toMatchObject({ kind: 'ok' });
    expect(await c.flows.inquire?.(req({ original: { flow: 'refund', reference: r1.reference } }), ctx)).toMatchObject({ kind: 'ok' });
    expect(sim.ledger.get(toBankId(transfer.reference))?.returned).toBe(2_500);
  });

  it('an inquiry about a transfer the bank never received (RJCT NOOR) says so: proof nothing moved, safe to send again', async () => {
    expect(await c.flows.inquire?.(req({ original: { flow: 'transfer', reference: ref() } }), ctx)).toMatchObject({ kind: 'not_sent', neverReceived: true });
  });

  it('an inquiry about a verification asks again', async () => {
    const out = await c.flows.inquire?.(req({ method: { type: 'bank_account', iban: new Secret(BANK_TEST_IBANS.verified.iban), name: 'M. Mustermann' }, original: { flow: 'verify', reference: ref() } }), ctx);
    expect(out).toEqual({ kind: 'ok', nameMatch: 'close_match', suggestedName: 'Max Mustermann' });
  });

  it('the simulator being down is not_sent', async () => {
    sim.inject('unreachable', 'transfer');
    await new Promise((r) => setTimeout(r, 50));
    try {
      expect(await c.flows.transfer?.(req(), ctx)).toMatchObject({ kind: 'not_sent' });
    } finally {
      await sim.clearFaults();
    }
  });
});
