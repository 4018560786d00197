import pg from 'pg';
import { ConnectorSet } from '../../src/connector/registry-types.js';
import { ManualClock } from '../../src/domain/clock.js';
import { Vault } from '../../src/domain/vault.js';
import { Engine, type EngineOptions } from '../../src/engine/engine.js';
import { hashApiKey, MerchantDirectory, type Merchant } from '../../src/engine/merchants.js';
import { silentLogger } from '../../src/log.js';
import { MemoryNotifier } from '../../src/notify/notifier.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import type { ConflictRetry, Store } from '../../src/store/index.js';
import { createSandboxConnector, type SandboxConnector } from '../../connectors/sandbox/index.js';
import { randomSchema, resolveTestDatabaseUrl } from '../store/pg-harness.js';

export type StoreKind = 'sqlite' | 'postgres';

export const merchant: Merchant = {
  id: 'mch_faults',
  name: 'Faults Shop',
  apiKeyHashes: [hashApiKey('sk_faults')],
  allowNoConfirmation: true,
  routes: { card: 'sandbox', bank_account: 'sandbox' },
};

/** A fresh store of `kind` (PostgreSQL: its own random schema), migrated, and how to drop it. */
export async function openStore(kind: StoreKind, conflictRetry?: ConflictRetry): Promise<{ store: Store; another: () => Promise<Store>; drop: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const store = new SqliteStore({ path: ':memory:', ...(conflictRetry ? { conflictRetry } : {}) });
    await store.migrate();
    return { store, another: () => Promise.reject(new Error('one in-memory SQLite store only')), drop: () => store.close() };
  }
  const url = await resolveTestDatabaseUrl();
  const schema = randomSchema();
  const stores: PostgresStore[] = [];
  const make = async (): Promise<Store> => {
    const s = new PostgresStore({ connectionString: url, schema, ...(conflictRetry ? { conflictRetry } : {}) });
    stores.push(s);
    await s.migrate();
    return s;
  };
  const store = await make();
  return {
    store,
    another: make,
    drop: async () => {
      for (const s of stores) await s.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

export interface Node {
  engine: Engine;
  clock: ManualClock;
  notifier: MemoryNotifier;
}

/** An engine over `store` with the in-process sandbox bank (shared by several nodes when given). */
export function node(store: Store, o: { clock?: ManualClock; vault?: Vault; sandbox?: SandboxConnector; owner?: string; extra?: Partial<EngineOptions> } = {}): Node & { sandbox: SandboxConnector; vault: Vault } {
  const clock = o.clock ?? new ManualClock();
  const vault = o.vault ?? new Vault(Vault.generateKeys());
  const sandbox = o.sandbox ?? createSandboxConnector({ clock, store, publish: (tx, e) => tx.insertEvent(e), settings: {}, report: () => undefined });
  const notifier = new MemoryNotifier(() => clock.now());
  const engine = new Engine({
    store,
    clock,
    connectors: new ConnectorSet([sandbox]),
    notifier,
    vault,
    merchants: new MerchantDirectory([merchant]),
    log: silentLogger(),
    shutdownGraceMs: 0,
    applyRetry: { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 1, maxDelayMs: 5 },
    ...(o.owner ? { owner: o.owner } : {}),
    ...o.extra,
  });
  return { engine, clock, notifier, sandbox, vault };
}

export const card = (number: string) => ({ type: 'card' as const, card: { number, exp_month: 12, exp_year: 2031 } });

let seq = 0;
export const orderId = (): string => `order-${process.pid}-${++seq}-${Date.now()}`;

const FINAL = new Set(['succeeded', 'failed', 'expired', 'canceled', 'reversed', 'requires_review']);

/** Drains and moves the clock until the payment is final (or `maxMs` of clock time passed). */
export async function settle(n: Node, store: Store, id: string, maxMs = 600_000): Promise<string> {
  const start = n.clock.now();
  for (;;) {
    await n.engine.drain();
    // the sandbox answers at once, so work in flight here is a retry waiting out a store fault
    // in real time: the manual clock must not run past its lease meanwhile
    await n.engine.outbox.idle();
    const p = await store.getPayment(id);
    if (!p) throw new Error(`payment ${id} vanished`);
    if (FINAL.has(p.status) || n.clock.now() - start > maxMs) {
      await n.engine.drain();
      await n.engine.outbox.idle();
      return p.status;
    }
    await n.clock.advance(500);
  }
}
