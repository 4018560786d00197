import { createApp, type RailyardApp } from '../../src/api/app.js';
import { ConnectorSet } from '../../src/connector/registry-types.js';
import { ManualClock } from '../../src/domain/clock.js';
import { Secret } from '../../src/domain/secret.js';
import { Vault } from '../../src/domain/vault.js';
import { Engine } from '../../src/engine/engine.js';
import { hashApiKey, MerchantDirectory, type Merchant } from '../../src/engine/merchants.js';
import type { CreatePaymentInput } from '../../src/engine/payments.js';
import { silentLogger } from '../../src/log.js';
import { MemoryNotifier, type Notifier } from '../../src/notify/notifier.js';
import { createWebhooks, type Webhooks } from '../../src/notify/webhooks/create.js';
import type { Resolver } from '../../src/notify/webhooks/destination.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import type { PaymentRecord, Store } from '../../src/store/types.js';
import { createSandboxConnector } from '../../connectors/sandbox/index.js';

export const KEY = 'sk_test_webhooks_0123456789abcdef';
export const OTHER_KEY = 'sk_test_webhooks_other_0123456789';

const SETTLED = new Set(['succeeded', 'failed', 'expired', 'canceled', 'reversed', 'requires_review']);

export interface NotifyHarness {
  clock: ManualClock;
  store: Store;
  engine: Engine;
  webhooks: Webhooks;
  inbox: MemoryNotifier;
  merchant: Merchant;
  api: RailyardApp;
  call(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: any }>;
  pay(over?: Partial<CreatePaymentInput>): Promise<PaymentRecord>;
  /** Runs workers (webhooks included) and the manual clock until the payment is final. */
  settle(paymentId: string): Promise<PaymentRecord>;
  /** Moves the manual clock and runs every worker once the time has moved. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

let orders = 0;

/**
 * The real engine, sandbox connector, webhook module and API on a manual clock: retries are
 * driven by `advance`, while HTTP to the test receiver runs in real time.
 */
export async function notifyHarness(
  o: {
    notifier?: Notifier;
    store?: Store;
    signBody?: (merchantId: string, body: string) => Promise<string | undefined>;
    /** Default: all of 127.0.0.1 (the test receivers); `[]` runs with production's empty list. */
    allowPrivate?: string[];
    /** Default: every *.test name is 127.0.0.1, anything else unresolvable. */
    resolver?: Resolver;
  } = {},
): Promise<NotifyHarness> {
  const clock = new ManualClock(Date.now());
  const store = o.store ?? new SqliteStore({ path: ':memory:' });
  await store.migrate();
  const log = silentLogger();
  let engineRef: Engine | null = null;
  const connector = createSandboxConnector({ clock, settings: {}, report: (r) => void engineRef?.report(connector.id, r) });
  await connector.start?.();
  const merchant: Merchant = {
    id: 'mch_hooks',
    name: 'Hook & Sons <Shop>',
    apiKeyHashes: [hashApiKey(KEY)],
    allowNoConfirmation: true,
    routes: { card: connector.id, bank_account: connector.id },
  };
  const other: Merchant = { ...merchant, id: 'mch_other', name: 'Other', apiKeyHashes: [hashApiKey(OTHER_KEY)] };
  const merchants = new MerchantDirectory([merchant, other]);
  const vault = new Vault(Vault.generateKeys());
  // Receivers listen on loopback, allowed here as an operator would list them; names never reach
  // a real DNS server (the network rule): every *.test name is this machine.
  const webhooks = createWebhooks({
    store,
    vault,
    clock,
    log,
    allowPrivate: o.allowPrivate ?? ['127.0.0.1'],
    resolver: o.resolver ?? (async (name) => (name.endsWith('.test') ? [{ address: '127.0.0.1', family: 4 }] : [])),
    worker: { timeoutMs: 2_000, ...(o.signBody ? { signBody: o.signBody } : {}) },
  });
  const inbox = new MemoryNotifier(() => clock.now());
  const connectors = new ConnectorSet([connector]);
  const engine = new Engine({
    store,
    clock,
    connectors,
    notifier: o.notifier ?? inbox,
    vault,
    merchants,
    log,
    shutdownGraceMs: 0,
    onEvent: webhooks.endpoints.queue,
    workers: [webhooks.worker],
  });
  engineRef = engine;
  const api = createApp({ engine, store, merchants, connectors, log, clock, webhooks: webhooks.endpoints, sandbox: { notifier: inbox } });

  const call: NotifyHarness['call'] = async (method, path, body, key = KEY) => {
    const res = await api.fetch(
      new Request(`http://railyard.test${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  const pay: NotifyHarness['pay'] = (over = {}) =>
    engine.payments.create(merchant, {
      amount: 1_999,
      currency: 'EUR',
      order_id: `order-${++orders}-${clock.now()}`,
      customer: { email: 'shopper@example.test' },
      payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2035 } },
      ...over,
    });

  const settle: NotifyHarness['settle'] = async (paymentId) => {
    for (let i = 0; i < 10_000; i++) {
      await engine.drain();
      const p = await store.getPayment(paymentId);
      if (!p) throw new Error('payment vanished');
      if (SETTLED.has(p.status)) return p;
      if (p.status === 'requires_confirmation') {
        const code = inbox.latestOtp(paymentId);
        if (code) {
          await engine.payments.confirm(merchant, paymentId, new Secret(code));
          continue;
        }
      }
      await clock.advance(250);
    }
    throw new Error('payment did not settle');
  };

  const advance: NotifyHarness['advance'] = async (ms) => {
    await clock.advance(ms);
    await engine.drain();
  };

  return {
    clock,
    store,
    engine,
    webhooks,
    inbox,
    merchant,
    api,
    call,
    pay,
    settle,
    advance,
    close: async () => {
      await engine.stop(0);
      await connector.stop?.();
      await store.close();
    },
  };
}
