import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runConnectorConformance, type BankFlow, type ConformanceBank } from '../../src/connector/conformance.js';
import { createHarness, type Harness } from '../../src/connector/harness.js';
import type { ConnectorEnv, FlowName, InboundRequest, InboundResult } from '../../src/connector/types.js';
import { BANK_TEST_IBANS, startIso20022Bank, type Iso20022Bank } from '../../mocks/iso20022-bank/index.js';
import { Secret } from '../../src/domain/secret.js';
import { JumpableClock } from '../../src/domain/clock.js';
import type { FlowRequest } from '../../src/connector/types.js';
import { createDemoSepaConnector, type DemoSepaConnector } from './index.js';
import { toBankId } from './mapping.js';

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

const settings = () => ({ baseUrl: sim.url, callTimeoutMs: 500 });
const policy = { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 }, pollIntervalMs: 100 };

function listen(server: Server): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
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

const conformanceBank = (): ConformanceBank => ({
  currency: 'EUR',
  methods: {
    approved: { type: 'bank_account', bank_account: { iban: BANK_TEST_IBANS.verified.iban, name: BANK_TEST_IBANS.verified.name } },
    declinedAtVerify: { type: 'bank_account', bank_account: { iban: BANK_TEST_IBANS.verified.iban, name: 'Erika Musterfrau' } },
    declinedAtTransfer: { type: 'bank_account', bank_account: { iban: BANK_TEST_IBANS.rejectedAC01, name: 'Hans Test' } },
  },
  inject: (fault, flow) => {
    // a bank API has no separate authorisation step
    if (flow !== 'authorize') sim.inject(fault, flow);
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

  it('a late approval is cancelled by camt.056, once', async () => {
    const transfer = req();
    expect(await c.flows.transfer?.(transfer, ctx)).toMatchObject({ kind: 'ok' });
    const original = { flow: 'transfer' as const, reference: transfer.reference };
    expect(await c.flows.reverse?.(req({ original }), ctx)).toEqual({ kind: 'ok' });
    expect(sim.ledger.get(toBankId(transfer.reference))?.reversed).toBe(true);
    expect(await c.flows.reverse?.(req({ original }), ctx)).toMatchObject({ kind: 'declined', code: 'ARDT' });
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

  it('an inquiry about a transfer the bank never received declines NOOR: proof nothing moved', async () => {
    expect(await c.flows.inquire?.(req({ original: { flow: 'transfer', reference: ref() } }), ctx)).toMatchObject({ kind: 'declined', code: 'NOOR' });
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
