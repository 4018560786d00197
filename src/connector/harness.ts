import { JumpableClock, ManualClock } from '../domain/clock.js';
import { Secret } from '../domain/secret.js';
import { Vault } from '../domain/vault.js';
import { Engine } from '../engine/engine.js';
import type { PaymentPolicy } from '../engine/machine-types.js';
import { MerchantDirectory, hashApiKey, type Merchant } from '../engine/merchants.js';
import type { CreatePaymentInput } from '../engine/payments.js';
import { silentLogger, type Logger } from '../log.js';
import { MemoryNotifier } from '../notify/notifier.js';
import { SqliteStore } from '../store/sqlite/index.js';
import type { PaymentRecord, Store } from '../store/types.js';
import { ConnectorSet } from './registry-types.js';
import type { Connector, ConnectorEnv } from './types.js';

export interface Harness {
  /** Manual by default; real time (with jumps) for connectors that talk to a simulator over a network. */
  clock: ManualClock | JumpableClock;
  realTime: boolean;
  store: Store;
  engine: Engine;
  notifier: MemoryNotifier;
  merchant: Merchant;
  connector: Connector;
  /** Drives workers and the clock until the payment reaches a final status (confirming codes on the way). */
  settle(paymentId: string, opts?: { confirm?: boolean; maxMs?: number }): Promise<PaymentRecord>;
  /** Moves time forward running the workers: virtual steps on the manual clock, a real wait otherwise. */
  /** Moves time forward in steps, running the workers at each. */
  advance(ms: number): Promise<void>;
  pay(input: Partial<CreatePaymentInput> & Pick<CreatePaymentInput, 'payment_method'>): Promise<PaymentRecord>;
  close(): Promise<void>;
}

const SETTLED = new Set(['succeeded', 'failed', 'expired', 'canceled', 'reversed', 'requires_review']);

let orderSeq = 0;

/**
 * An in-process engine on a fresh SQLite store with a manual clock: the ground the conformance
 * kit and the engine tests stand on. Nothing here sleeps in real time.
 */
export async function createHarness(opts: {
  newConnector: (env: ConnectorEnv) => Connector | Promise<Connector>;
  settings?: Record<string, unknown>;
  policy?: Partial<PaymentPolicy>;
  store?: Store;
  log?: Logger;
  /**
   * Run on real time: needed when the connector waits for sockets, which a manual clock cannot
   * speed up. Pair it with short timeouts and retry delays in `settings` and `policy`.
   */
  realTime?: boolean;
}): Promise<Harness> {
  const realTime = opts.realTime === true;
  const clock = realTime ? new JumpableClock() : new ManualClock();
  const store = opts.store ?? new SqliteStore({ path: ':memory:' });
  await store.migrate();
  const reports: Parameters<ConnectorEnv['report']>[0][] = [];
  let engineRef: Engine | null = null;
  const connector = await opts.newConnector({
    clock,
    store,
    publish: (tx, e) => tx.insertEvent(e),
    settings: opts.settings ?? {},
    report: (r) => {
      if (engineRef) void engineRef.report(connector.id, r);
      else reports.push(r);
    },
  });
  await connector.start?.();
  const merchant: Merchant = {
    id: 'mch_conformance',
    name: 'Conformance Shop',
    apiKeyHashes: [hashApiKey('sk_test_conformance')],
    allowNoConfirmation: true,
    routes: { card: connector.id, bank_account: connector.id },
  };
  const notifier = new MemoryNotifier(() => clock.now());
  const engine = new Engine({
    store,
    clock,
    connectors: new ConnectorSet([connector]),
    notifier,
    vault: new Vault(Vault.generateKeys()),
    merchants: new MerchantDirectory([merchant]),
    log: opts.log ?? silentLogger(),
    shutdownGraceMs: 0,
    ...(opts.policy ? { policy: opts.policy } : {}),
  });
  engineRef = engine;
  for (const r of reports) await engine.report(connector.id, r);

  const advance = async (ms: number): Promise<void> => {
    if (realTime) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        await engine.drain();
        await new Promise((r) => setTimeout(r, Math.min(25, Math.max(1, end - Date.now()))));
      }
      await engine.drain();
      return;
    }
    let left = ms;
    while (left > 0) {
      const stepMs = Math.min(left, 500);
      await clock.advance(stepMs);
      left -= stepMs;
      await engine.drain();
    }
  };

  const settle: Harness['settle'] = async (paymentId, o = {}) => {
    const maxMs = o.maxMs ?? 3_600_000;
    const start = clock.now();
    for (;;) {
      await engine.drain();
      const p = await store.getPayment(paymentId);
      if (!p) throw new Error(`payment ${paymentId} vanished`);
      if (SETTLED.has(p.status)) return p;
      if (p.status === 'requires_confirmation' && o.confirm !== false) {
        const code = notifier.latestOtp(paymentId);
        if (code) {
          await engine.payments.confirm(merchant, paymentId, new Secret(code));
          continue;
        }
      }
      if (clock.now() - start > maxMs) return p;
      if (realTime) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      // jump to the next deadline, but in steps small enough for call timeouts to fire in order
      const due = await store.nextDue();
      const next = due.timer ?? Number.POSITIVE_INFINITY;
      await clock.advance(Math.max(1, Math.min(next - clock.now(), 500)));
    }
  };

  const pay: Harness['pay'] = (input) =>
    engine.payments.create(merchant, {
      amount: 1_000,
      currency: 'EUR',
      order_id: `order-${++orderSeq}-${clock.now()}`,
      customer: { email: 'customer@example.test' },
      ...input,
    });

  return {
    clock,
    realTime,
    store,
    engine,
    notifier,
    merchant,
    connector,
    settle,
    advance,
    pay,
    close: async () => {
      await engine.stop();
      await connector.stop?.();
      await store.close();
    },
  };
}
