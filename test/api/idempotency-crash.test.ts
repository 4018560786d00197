import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Idempotency, IdempotencyKeyLost, requestHash } from '../../src/api/idempotency.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/types.js';
import { randomSchema, resolveTestDatabaseUrl } from '../store/pg-harness.js';
import { faultStore, type FaultPoint, type FaultStore } from '../support/fault-store.js';
import { apiHarness, cardPayment, idemKey, type ApiHarness } from './helpers.js';

/**
 * Money-safety of Idempotency-Key under crashes (issue 11, defect A): the process dies at a chosen
 * store write (the fault store throws there and on every later call), comes back on the same
 * database, and the client retries. One key must never give two effects, and a retry after a
 * crash answers from the effect that committed, with the status and shape of a first answer.
 */

const WINDOW_MS = 60_000;

interface Backend {
  name: 'sqlite' | 'postgres';
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

const pgSchemas: string[] = [];
let pgUrl = '';
const backends: Backend[] = [
  { name: 'sqlite', open: async () => new SqliteStore({ path: ':memory:' }), cleanup: async () => undefined },
  {
    name: 'postgres',
    open: async () => {
      const schema = randomSchema();
      pgSchemas.push(schema);
      return new PostgresStore({ connectionString: pgUrl, schema });
    },
    cleanup: async () => {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      for (const s of pgSchemas.splice(0)) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      await c.end();
    },
  },
];

beforeAll(async () => {
  pgUrl = await resolveTestDatabaseUrl();
});

describe.each(backends)('idempotency under crashes ($name)', (backend) => {
  let t: ApiHarness;
  let f: FaultStore;

  const start = async () => {
    f = faultStore(await backend.open());
    t = await apiHarness({ store: f.store, idempotencyAbandonedMs: WINDOW_MS });
  };
  afterEach(async () => {
    f.restart();
    await t.h.close();
  });
  afterAll(() => backend.cleanup());

  const post = (path: string, body: unknown, key: string, headers: Record<string, string> = {}) =>
    t.call('POST', path, { body, headers: { 'idempotency-key': key, ...headers } });

  /** Dies at `point` during `request`; the answer (a 500, or nothing in real life) is thrown away. */
  const crashDuring = async <T>(point: FaultPoint, request: () => Promise<T>): Promise<void> => {
    f.crash(point);
    await request();
    expect(f.crashed, 'the armed fault fired').toBe(true);
    f.restart();
  };

  const succeededPayment = async (): Promise<string> => {
    const r = await post('/v1/payments', cardPayment({ confirmation: 'none' }), idemKey());
    expect(r.status).toBe(201);
    await t.settle(r.body.id);
    expect((await t.h.store.getPayment(r.body.id))?.status).toBe('succeeded');
    return r.body.id;
  };

  const waitingPayment = async (): Promise<{ id: string; otp: string }> => {
    const r = await post('/v1/payments', cardPayment(), idemKey());
    // the verification and the code's delivery are two worker rounds (more than one drain on PostgreSQL)
    for (let i = 0; i < 20 && !t.h.notifier.latestOtp(r.body.id); i++) await t.h.advance(100);
    const otp = t.h.notifier.latestOtp(r.body.id);
    expect(otp).toMatch(/^\d{6}$/);
    expect((await t.h.store.getPayment(r.body.id))?.status).toBe('requires_confirmation');
    return { id: r.body.id, otp: otp as string };
  };

  /** Refunds the bank executed for a payment (the bank's own ledger, not Railyard's view). */
  const bankRefunds = (paymentId: string) => t.sandbox.bank.entries(paymentId).filter((e) => e.flow === 'refund');

  const sameShape = (a: Record<string, unknown>, b: Record<string, unknown>) => expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());

  it('the reviewer\'s case: refund with Prefer: wait, killed after the commit, retried after the window: one refund at the bank', async () => {
    await start();
    const pay = await succeededPayment();
    const key = idemKey();
    const body = { amount: 500 };
    // killed right after the refund committed, while the request would wait for the bank
    await crashDuring({ afterCommitOf: 'insertRefund' }, () => post(`/v1/payments/${pay}/refunds`, body, key, { prefer: 'wait=1' }));
    expect(await t.h.store.listRefundsOf(pay)).toHaveLength(1);
    await t.h.clock.advance(WINDOW_MS + 1_000);
    const retried = await post(`/v1/payments/${pay}/refunds`, body, key, { prefer: 'wait=1' });
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ object: 'refund', amount: 500, payment_id: pay });
    const refunds = await t.h.store.listRefundsOf(pay);
    expect(refunds.map((r) => r.id)).toEqual([retried.body.id]);
    await t.h.engine.drain();
    await t.h.advance(5_000);
    const executed = bankRefunds(pay);
    expect(executed).toHaveLength(1);
    expect(executed.reduce((sum, e) => sum + e.amount, 0)).toBe(500);
    expect((await t.h.store.getRefund(retried.body.id))?.status).toBe('succeeded');
  });

  describe.each([
    { route: 'create', status: 201 },
    { route: 'refund', status: 201 },
    { route: 'confirm', status: 200 },
    { route: 'cancel', status: 200 },
  ] as const)('$route', ({ route, status }) => {
    /** The request of this route, and how many effects it has had so far. */
    const setup = async (): Promise<{ path: string; body: unknown; effects: () => Promise<number>; effectId: (answer: { id: string }) => string }> => {
      if (route === 'create') {
        const body = cardPayment();
        return {
          path: '/v1/payments',
          body,
          effects: async () => (await t.h.store.listPayments({ merchantId: t.h.merchant.id, limit: 100 })).items.filter((p) => p.orderId === body.order_id).length,
          effectId: (a) => a.id,
        };
      }
      if (route === 'refund') {
        const pay = await succeededPayment();
        return { path: `/v1/payments/${pay}/refunds`, body: { amount: 300 }, effects: async () => (await t.h.store.listRefundsOf(pay)).length, effectId: (a) => a.id };
      }
      const { id, otp } = await waitingPayment();
      // one confirmation or cancellation moves the payment out of requires_confirmation, once
      const left = async () => ((await t.h.store.getPayment(id))?.state === 'awaiting_confirmation' ? 0 : 1);
      if (route === 'confirm') return { path: `/v1/payments/${id}/confirm`, body: { otp }, effects: left, effectId: (a) => a.id };
      return { path: `/v1/payments/${id}/cancel`, body: {}, effects: left, effectId: (a) => a.id };
    };

    it('killed before the effect committed (COMMIT fails): 409 while fresh, then exactly one effect', async () => {
      await start();
      const r = await setup();
      const key = idemKey();
      await crashDuring({ commitOf: 'bindIdempotency' }, () => post(r.path, r.body, key));
      expect(await r.effects()).toBe(0);
      const early = await post(r.path, r.body, key);
      expect([early.status, early.body.code]).toEqual([409, 'idempotency_in_flight']);
      await t.h.clock.advance(WINDOW_MS + 1);
      const retried = await post(r.path, r.body, key);
      expect(retried.status).toBe(status);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      expect(await r.effects()).toBe(1);
      const replay = await post(r.path, r.body, key);
      expect([replay.status, replay.headers.get('idempotent-replayed'), replay.text]).toEqual([status, 'true', retried.text]);
    });

    it('killed after the effect committed, before its answer was stored: the retry answers from that effect', async () => {
      await start();
      const r = await setup();
      const key = idemKey();
      await crashDuring({ afterCommitOf: 'bindIdempotency' }, () => post(r.path, r.body, key));
      expect(await r.effects()).toBe(1);
      for (const wait of [0, WINDOW_MS + 1]) {
        await t.h.clock.advance(wait);
        const retried = await post(r.path, r.body, key);
        expect(retried.status).toBe(status);
        expect(retried.headers.get('idempotent-replayed')).toBe('true');
        expect(await r.effects()).toBe(1);
        const fresh = await t.call('GET', route === 'refund' ? `/v1/refunds/${r.effectId(retried.body)}` : `/v1/payments/${r.effectId(retried.body)}`);
        expect(fresh.body.id).toBe(retried.body.id);
        sameShape(retried.body, fresh.body);
      }
    });

    it('the same key with another body is 422, and changes nothing', async () => {
      await start();
      const r = await setup();
      const key = idemKey();
      expect((await post(r.path, r.body, key)).status).toBe(status);
      const other = route === 'create' ? cardPayment() : route === 'refund' ? { amount: 301 } : route === 'confirm' ? { otp: '000000' } : { reason: 'x' };
      const reused = await post(r.path, route === 'cancel' ? undefined : other, key, route === 'cancel' ? {} : {});
      if (route === 'cancel') {
        // cancel has no body: the same key on another payment's cancel is the other request
        const second = await waitingPayment();
        const elsewhere = await post(`/v1/payments/${second.id}/cancel`, {}, key);
        expect([elsewhere.status, elsewhere.body.code]).toEqual([422, 'idempotency_key_reused']);
        expect((await t.h.store.getPayment(second.id))?.status).toBe('requires_confirmation');
        expect(reused.status).toBe(200);
      } else {
        expect([reused.status, reused.body.code]).toEqual([422, 'idempotency_key_reused']);
      }
      expect(await r.effects()).toBe(1);
    });

    it('concurrent duplicates: one effect; every other answer is a replay or 409', async () => {
      await start();
      const r = await setup();
      const key = idemKey();
      const answers = await Promise.all(Array.from({ length: 8 }, () => post(r.path, r.body, key)));
      for (const a of answers) expect([status, 409]).toContain(a.status);
      expect(answers.filter((a) => a.status === status && a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
      for (const a of answers.filter((x) => x.status === 409)) expect(a.body.code).toBe('idempotency_in_flight');
      expect(await r.effects()).toBe(1);
    });
  });

  it('a slow request whose key was taken over cannot add a second effect', async () => {
    await start();
    const pay = await succeededPayment();
    const idem = new Idempotency(t.h.store, t.h.clock, { abandonedMs: WINDOW_MS });
    const m = t.h.merchant.id;
    const hash = requestHash('POST', `/v1/payments/${pay}/refunds`, { amount: 200 });
    const slow = await idem.begin(m, 'k-slow', hash);
    expect(slow.kind).toBe('proceed');
    await t.h.clock.advance(WINDOW_MS + 1);
    const retry = await idem.begin(m, 'k-slow', hash);
    expect(retry).toMatchObject({ kind: 'proceed', recovered: true });
    if (slow.kind !== 'proceed' || retry.kind !== 'proceed') return;
    const bindAs = (owner: string) => (tx: Parameters<Idempotency['bind']>[0], effect: { kind: 'payment' | 'refund'; id: string }) => idem.bind(tx, m, 'k-slow', owner, effect);
    const first = await t.h.engine.payments.refund(t.h.merchant, pay, { amount: 200 }, bindAs(retry.owner));
    // the original wakes up and runs its refund: its binding fails, so its refund rolls back
    await expect(t.h.engine.payments.refund(t.h.merchant, pay, { amount: 200 }, bindAs(slow.owner))).rejects.toBeInstanceOf(IdempotencyKeyLost);
    expect((await t.h.store.listRefundsOf(pay)).map((x) => x.id)).toEqual([first.id]);
    expect(await idem.begin(m, 'k-slow', hash)).toEqual({ kind: 'effect', effect: { kind: 'refund', id: first.id } });
  });

  it('a wrong code sent twice under one key counts once and is refused the same way', async () => {
    await start();
    const { id, otp } = await waitingPayment();
    const wrong = otp === '000000' ? '111111' : '000000';
    const key = idemKey();
    const first = await post(`/v1/payments/${id}/confirm`, { otp: wrong }, key);
    expect([first.status, first.body.code]).toEqual([422, 'otp_invalid']);
    const again = await post(`/v1/payments/${id}/confirm`, { otp: wrong }, key);
    expect([again.status, again.headers.get('idempotent-replayed'), again.text]).toEqual([422, 'true', first.text]);
    expect((await t.h.store.getPayment(id))?.snapshot.context.otpAttempts).toBe(1);
  });
});
