import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../../connectors/sandbox/index.js';
import type { Store } from '../../src/store/index.js';
import { storeFaults, withFaults, type FaultRule } from '../store/faults.js';
import { card, merchant, node, openStore, orderId, settle, type StoreKind } from './fault-setup.js';

/** The write that closes a bank command with an approval (the runner's result transaction). */
const finishingApproval: FaultRule['match'] = (sql, params) =>
  /^UPDATE commands SET status = (\?|'done')/.test(sql) && params.some((v) => typeof v === 'string' && v.includes('"kind":"ok"'));

const drops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const d of drops.splice(0)) await d();
});

async function setup(kind: StoreKind) {
  const opened = await openStore(kind);
  drops.push(opened.drop);
  const faulty = withFaults(opened.store);
  const n = node(faulty.store);
  drops.push(() => n.engine.stop());
  return { ...faulty, raw: opened.store, n };
}

async function pay(n: ReturnType<typeof node>, number: string = TEST_CARDS.approved) {
  return n.engine.payments.create(merchant, { amount: 1_500, currency: 'EUR', order_id: orderId(), payment_method: card(number), customer: { email: 'c@example.test' }, confirmation: 'none' });
}

async function expectCleanEnd(store: Store, id: string) {
  const commands = await store.listCommands(id);
  for (const c of commands) {
    expect(c.status, `${c.name} ${c.id}`).toBe('done');
    expect(JSON.stringify(c.outcome)).not.toContain('engineError');
  }
}

const transient: Record<StoreKind, { name: string; error: () => Error; times: number }[]> = {
  sqlite: [
    { name: 'SQLITE_BUSY (another process holds the write lock)', error: storeFaults.sqliteBusy, times: 3 },
    // more times than the store's own conflict retry runs it: the engine's retry takes over
    { name: 'BatchAborted (a batch-mate ended the group commit)', error: storeFaults.batchAborted, times: 8 },
  ],
  postgres: [
    { name: '40P01 deadlock', error: storeFaults.pgDeadlock, times: 8 },
    { name: '40001 serialization failure', error: storeFaults.pgSerialization, times: 2 },
    { name: 'connection lost mid-transaction', error: () => Object.assign(new Error('Connection terminated unexpectedly')), times: 2 },
  ],
};

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`applying a bank outcome under store faults (${kind})`, () => {
    for (const f of transient[kind]) {
      it(`${f.name} at the result's write is retried until it lands`, async () => {
        const s = await setup(kind);
        s.rules.push({ match: finishingApproval, error: f.error, times: f.times });
        const p = await pay(s.n);
        expect(await settle(s.n, s.raw, p.id)).toBe('succeeded');
        expect(s.fired()).toBe(f.times);
        await expectCleanEnd(s.raw, p.id);
        // each request reached the bank once: the retry re-applied the answer, it did not resend
        expect([...s.n.sandbox.bank.received.values()].every((count) => count === 1)).toBe(true);
        expect(s.n.sandbox.bank.entries(p.id).map((e) => e.flow)).toEqual(['verify', 'authorize', 'transfer']);
      });
    }

    it('a slow owner whose command was taken over meanwhile cannot overwrite it; its answer is applied as late news', async () => {
      const s = await setup(kind);
      let seen = 0;
      let blocking = true;
      // the verify result lands; the authorisation's result write fails until released
      s.rules.push({ match: (sql, params) => finishingApproval(sql, params) && ++seen >= 2 && blocking, error: storeFaults.sqliteBusy, times: Number.MAX_SAFE_INTEGER });
      const other = node(s.raw, { clock: s.n.clock, sandbox: s.n.sandbox, vault: s.n.vault, owner: 'node-b' });
      const p = await pay(s.n);
      let auth;
      for (let i = 0; i < 200 && auth?.status !== 'in_flight'; i++) {
        await s.n.engine.drain();
        await new Promise((r) => setTimeout(r, 5));
        auth = (await s.raw.listCommands(p.id)).find((c) => c.name === 'authorize');
      }
      expect(auth?.status).toBe('in_flight');
      // its lease runs out while the owner still retries: another node takes it over
      await s.n.clock.advance(s.n.engine.outbox.leaseMs + 1);
      expect(await other.engine.outbox.recover()).toBe(1);
      expect((await s.raw.getPayment(p.id))?.state).toBe('reversing');
      blocking = false;
      await s.n.engine.outbox.idle();
      const after = (await s.raw.listCommands(p.id)).find((c) => c.name === 'authorize');
      expect(after).toMatchObject({ status: 'lost', outcome: { kind: 'unknown' } });
      const late = (await s.raw.listHistory(p.id)).filter((h) => JSON.stringify(h.data).includes('"late":true'));
      expect(late).toHaveLength(1);
      // the machine had given the authorisation up as unknown: it reverses it and the payment fails
      expect(await settle(other, s.raw, p.id)).toBe('failed');
      // the authorisation stood at the bank and was given back
      expect(s.n.sandbox.bank.entries(p.id).find((e) => e.flow === 'authorize')?.reversed).toBe(true);
      await other.engine.stop();
    });

    it('a permanent failure at the result write sends the payment to review, with the answer kept', async () => {
      const s = await setup(kind);
      const permanent = kind === 'sqlite' ? () => new Database.SqliteError('CHECK constraint failed', 'SQLITE_CONSTRAINT_CHECK') : storeFaults.pgCheckViolation;
      s.rules.push({ match: finishingApproval, error: permanent, times: 1 });
      const p = await pay(s.n);
      expect(await settle(s.n, s.raw, p.id)).toBe('requires_review');
      const after = await s.raw.getPayment(p.id);
      expect(after?.state).toBe('manual_review');
      expect(after?.snapshot.context['failure']).toMatchObject({ code: 'engine_error' });
      const verify = (await s.raw.listCommands(p.id)).find((c) => c.name === 'verify');
      expect(verify?.status).toBe('done');
      expect(verify?.outcome).toMatchObject({ kind: 'ok', engineError: expect.stringContaining(kind === 'sqlite' ? 'SQLITE_CONSTRAINT_CHECK' : '23514') });
      const review = (await s.raw.listHistory(p.id)).find((h) => h.toState === 'manual_review');
      expect(review?.data).toMatchObject({ type: 'REVIEW', code: 'engine_error', detail: { command: verify?.id } });
      // nothing is left waiting: no open command of a bank flow, no timer
      expect((await s.raw.listCommands(p.id)).filter((c) => c.kind === 'bank' && c.status !== 'done')).toEqual([]);
    });

    it('a refused machine version while the bank answers sends the payment to review, never strands it', async () => {
      const s = await setup(kind);
      const flows = s.n.sandbox.flows as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      const authorize = flows['authorize'];
      if (!authorize) throw new Error('sandbox has no authorize flow');
      let target = '';
      // a newer node rewrote the snapshot while our authorisation was at the bank
      flows['authorize'] = async (...args: unknown[]) => {
        await s.raw.sqlTransaction((db) => db.run('UPDATE payments SET machine_version = 99 WHERE id = ?', [target]));
        return authorize.apply(flows, args);
      };
      const p = await pay(s.n);
      target = p.id;
      expect(await settle(s.n, s.raw, p.id)).toBe('requires_review');
      const after = await s.raw.getPayment(p.id);
      // the snapshot stays at the version that wrote it: this build must not claim it
      expect(after?.machineVersion).toBe(99);
      const auth = (await s.raw.listCommands(p.id)).find((c) => c.name === 'authorize');
      expect(auth).toMatchObject({ status: 'done', outcome: { kind: 'ok', engineError: 'MachineVersionError' } });
      const review = (await s.raw.listHistory(p.id)).find((h) => h.toState === 'manual_review');
      expect(review?.data).toMatchObject({ type: 'REVIEW', code: 'engine_error', detail: { error: 'MachineVersionError', command: auth?.id } });
      const events = await s.raw.listEvents({ merchantId: merchant.id, limit: 10, paymentId: p.id });
      expect(events.items.map((e) => e.type)).toContain('payment.requires_review');
    });
  });
}
