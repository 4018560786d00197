import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorSet } from '../../src/connector/registry-types.js';
import { ManualClock } from '../../src/domain/clock.js';
import { Secret } from '../../src/domain/secret.js';
import { Vault } from '../../src/domain/vault.js';
import { Engine } from '../../src/engine/engine.js';
import { hashApiKey, MerchantDirectory, type Merchant } from '../../src/engine/merchants.js';
import { silentLogger } from '../../src/log.js';
import { MemoryNotifier } from '../../src/notify/notifier.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { createSandboxConnector, TEST_CARDS, TEST_IBANS, type SandboxConnector } from '../../connectors/sandbox/index.js';
import { randomSchema, resolveTestDatabaseUrl } from '../store/pg-harness.js';

/**
 * Three engines (as three Railyard nodes) share one PostgreSQL schema and one bank. Their workers
 * race for the same outbox and timers; SKIP LOCKED must give each command to exactly one node.
 */
describe('several engines on one PostgreSQL', () => {
  let url: string;
  const schema = randomSchema();
  const stores: PostgresStore[] = [];

  beforeAll(async () => {
    url = await resolveTestDatabaseUrl();
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  });

  it('every payment settles once and no bank request runs twice', async () => {
    const clock = new ManualClock();
    const vault = new Vault(Vault.generateKeys());
    const notifier = new MemoryNotifier(() => clock.now());
    const merchant: Merchant = { id: 'mch_pg', name: 'PG Shop', apiKeyHashes: [hashApiKey('k')], allowNoConfirmation: true, routes: { card: 'sandbox', bank_account: 'sandbox' } };
    let engines: Engine[] = [];
    const sandbox: SandboxConnector = createSandboxConnector({ clock, settings: {}, report: (r) => void engines[0]?.report('sandbox', r) });
    engines = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const store = new PostgresStore({ connectionString: url, schema });
        stores.push(store);
        await store.migrate();
        return new Engine({
          store,
          clock,
          connectors: new ConnectorSet([sandbox]),
          notifier,
          vault,
          merchants: new MerchantDirectory([merchant]),
          log: silentLogger(),
          owner: `node-${i}`,
          shutdownGraceMs: 0,
        });
      }),
    );
    const methods = [
      { type: 'card' as const, card: { number: TEST_CARDS.approved, exp_month: 12, exp_year: 2031 } },
      { type: 'card' as const, card: { number: TEST_CARDS.declinedInsufficientFunds, exp_month: 12, exp_year: 2031 } },
      { type: 'card' as const, card: { number: TEST_CARDS.noReply, exp_month: 12, exp_year: 2031 } },
      { type: 'bank_account' as const, bank_account: { iban: TEST_IBANS.verified.iban, name: TEST_IBANS.verified.name } },
      { type: 'bank_account' as const, bank_account: { iban: TEST_IBANS.pendingThenAccepted, name: 'P' } },
    ];
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const e = engines[i % 3];
      if (!e) throw new Error('engine missing');
      const method = methods[i % methods.length];
      if (!method) throw new Error('method missing');
      const p = await e.payments.create(merchant, {
        amount: 100 + i,
        currency: 'EUR',
        order_id: `pg-${i}`,
        payment_method: method,
        customer: { email: 'c@example.test' },
        confirmation: i % 2 === 0 ? 'none' : 'otp',
      });
      ids.push(p.id);
    }
    const store = stores[0];
    if (!store) throw new Error('store missing');
    const expected: Record<number, string> = { 0: 'succeeded', 1: 'failed', 2: 'failed', 3: 'succeeded', 4: 'succeeded' };
    for (let round = 0; round < 200; round++) {
      // all three nodes drain at the same time, racing for the same rows
      await Promise.all(engines.map((e) => e.drain()));
      for (const id of ids) {
        const p = await store.getPayment(id);
        const code = notifier.latestOtp(id);
        if (p?.status === 'requires_confirmation' && code) await engines[round % 3]?.payments.confirm(merchant, id, new Secret(code));
      }
      const all = await Promise.all(ids.map((id) => store.getPayment(id)));
      if (all.every((p) => p && !['processing', 'requires_confirmation', 'authorized'].includes(p.status))) break;
      await clock.advance(500);
    }
    await Promise.all(engines.map((e) => e.drain()));
    for (const [i, id] of ids.entries()) {
      const p = await store.getPayment(id);
      expect(p?.status, `payment ${i}`).toBe(expected[i % methods.length]);
      const commands = await store.listCommands(id);
      // each command ran exactly once: it is done (or lost) and its reference reached the bank at most once
      for (const c of commands) expect(c.status, `${c.name} of payment ${i}`).toBe('done');
    }
    // A reference reaches the bank once, or again only as a repeat after the bank proved it never
    // received it (the no-reply card): never more often than Railyard sent it.
    const sends = new Map<string, number>();
    for (const id of ids) for (const c of await store.listCommands(id)) if (c.kind === 'bank') sends.set(c.reference, (sends.get(c.reference) ?? 0) + 1);
    const sentTwice = [...sandbox.bank.received.entries()].filter(([ref, n]) => n > (sends.get(ref) ?? 1));
    expect(sentTwice).toEqual([]);
    expect(sandbox.bank.received.size).toBeGreaterThan(60);
    const refs = sandbox.bank.entries().map((e) => e.reference);
    expect(new Set(refs).size).toBe(refs.length);
    for (const id of ids) {
      const moneyFlows = sandbox.bank.entries(id).filter((e) => (e.flow === 'authorize' || e.flow === 'transfer') && e.outcome.kind === 'ok');
      expect(moneyFlows.filter((e) => e.flow === 'transfer').length).toBeLessThanOrEqual(1);
      expect(moneyFlows.filter((e) => e.flow === 'authorize').length).toBeLessThanOrEqual(1);
    }
    for (const e of engines) await e.stop();
  });
});
