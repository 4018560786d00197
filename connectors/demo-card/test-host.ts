import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type BankFlow, type ConformanceBank, type Fault, createHarness, type Harness } from '../../src/connector/testing.js';
import { startIso8583Host, HOST_TEST_CARDS, type HostFault, type HostTxnKind, type Iso8583Host } from '../../mocks/iso8583-host/index.js';
import { createDemoCardConnector, type DemoCardConnector } from './index.js';

/**
 * What every demo-card test file shares: the card host simulator (one per file, reset before each
 * test), short timeouts, and the conformance kit's view of the host's books. Not a test itself.
 */

export const CALL_TIMEOUT_MS = 400;
export const LATE_BY_MS = 300;
export const policy = { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 }, pollIntervalMs: 50 };
export const card = (number: string) => ({ type: 'card' as const, card: { number, exp_month: 12, exp_year: 2031 } });

/** Starts the host for this file; the getter is valid inside tests and hooks. */
export function useHost(): () => Iso8583Host {
  let host: Iso8583Host | undefined;
  beforeAll(async () => {
    host = await startIso8583Host({ port: 0, lateReplyMs: CALL_TIMEOUT_MS + LATE_BY_MS });
  });
  afterAll(async () => {
    await host?.close();
  });
  // Runs before the kit's own beforeEach: each test meets a host that accepts connections.
  beforeEach(() => host?.reset());
  return () => {
    if (!host) throw new Error('the card host is not started (useHost() registers it in beforeAll)');
    return host;
  };
}

/** Connector settings against the host (its port is known only once it listens). */
export const settingsFor = (host: Iso8583Host, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  port: host.port,
  callTimeoutMs: CALL_TIMEOUT_MS,
  echoIntervalMs: 0,
  reconnect: { initialMs: 50, maxMs: 200 },
  ...extra,
});

const FLOW_OF: Record<HostTxnKind, BankFlow> = { verify: 'verify', authorize: 'authorize', complete: 'transfer', purchase: 'transfer', reverse: 'reverse', refund: 'refund' };
const KIND_OF: Record<'dual' | 'single', Record<BankFlow, HostTxnKind | undefined>> = {
  dual: { verify: 'verify', authorize: 'authorize', transfer: 'complete', reverse: 'reverse', refund: 'refund', inquire: undefined },
  single: { verify: 'verify', authorize: undefined, transfer: 'purchase', reverse: 'reverse', refund: 'refund', inquire: undefined },
};
const FAULT_OF: Record<Exclude<Fault, 'unreachable'>, HostFault> = {
  no_reply: 'no_reply',
  late_reply: 'late_reply',
  duplicate_reply: 'answer_twice',
  malformed_reply: 'garbage_frame',
  bad_integrity: 'bad_mac',
};

/** The conformance kit's bank: the host's test cards, faults on cue, and its books. */
export function hostBank(host: Iso8583Host, c: DemoCardConnector, mode: 'dual' | 'single' = 'dual'): ConformanceBank {
  return {
    currency: 'EUR',
    methods: {
      approved: card(HOST_TEST_CARDS.approved),
      declinedAtVerify: card(HOST_TEST_CARDS.declinedDoNotHonour),
      declinedAtTransfer: card(HOST_TEST_CARDS.declinedInsufficientFunds),
    },
    inject(fault, flow) {
      if (fault === 'unreachable') {
        // The host goes away: connections are closed and refused, so nothing can be sent.
        host.dropConnections({ refuse: true });
        c.client.drop();
        return;
      }
      // An inquiry's 0810 is no transaction of the host's: faults aimed at it are marked as such.
      host.inject(FAULT_OF[fault], flow === 'inquire' ? 'inquire' : KIND_OF[mode][flow]);
    },
    executed: (paymentId) =>
      host.ledger.entries(paymentId).map((e) => ({ flow: FLOW_OF[e.kind], reference: e.reference, ok: e.approved, reversed: e.reversed, received: host.ledger.received(e.reference) })),
  };
}

/** Pays with a card, lets late replies land, and returns the payment, its bank commands and the host's books. */
export async function payAndSettle(h: Harness, host: Iso8583Host, number: string) {
  const p = await h.settle((await h.pay({ payment_method: card(number) })).id);
  // late replies land; nothing may change a final answer wrongly
  await h.advance(CALL_TIMEOUT_MS + LATE_BY_MS + 200);
  const final = await h.store.getPayment(p.id);
  if (!final) throw new Error('payment vanished');
  const flows = (await h.store.listCommands(p.id)).filter((c) => c.kind === 'bank').map((c) => c.name);
  return { p: final, flows, books: host.ledger.entries(p.id) };
}

export const kinds = (books: { kind: string; responseCode: string }[]): string[] => books.map((e) => `${e.kind}:${e.responseCode}`);

/** The engine on real time with a demo-card connector built from `settings`. */
export async function cardHarness(settings: Record<string, unknown>): Promise<{ h: Harness; connector: DemoCardConnector }> {
  let built: DemoCardConnector | undefined;
  const h = await createHarness({
    realTime: true,
    policy,
    newConnector: (env) => (built = createDemoCardConnector({ ...env, mode: 'sandbox', settings })),
  });
  if (!built) throw new Error('the harness built no connector');
  return { h, connector: built };
}
