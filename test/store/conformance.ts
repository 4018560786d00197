import { GENESIS, UNKEYED_AUDIT_KEYRING, verifyChain } from '../../src/store/audit-chain.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { constraints } from '../../src/store/constraints.js';
import {
  UniqueViolation,
  claimOf,
  type CommandRecord,
  type EventRecord,
  type PaymentRecord,
  type Store,
  type StoreTx,
  type WebhookDeliveryRecord,
  type WebhookEndpointRecord,
} from '../../src/store/types.js';
import { T0, command, deferred, event, history, idempotency, payment, refund, within } from './fixtures.js';
import { newId } from '../../src/domain/ids.js';

export interface StoreHandle {
  store: Store;
  cleanup(): Promise<void>;
}

export interface ConformanceOptions {
  /**
   * Whether two transactions can be open at the same time. PostgreSQL: yes, so the concurrency
   * tests hold the first transaction open while the second claims, which only passes with
   * SKIP LOCKED. SQLite serialises writers, so there they check that the serialised claimers
   * still never share work. Default: `store.kind === 'postgres'`.
   */
  overlappingTransactions?: boolean;
  /** False for SQLite ':memory:' (one connection), where reads may see uncommitted writes. */
  isolatedReads?: boolean;
}

/** One behavioural suite every Store implementation must pass. */
export function runStoreConformance(
  name: string,
  makeStore: () => Promise<StoreHandle>,
  options: ConformanceOptions = {},
): void {
  describe(`Store conformance: ${name}`, () => {
    let handle: StoreHandle;
    let store: Store;
    let overlapping: boolean;

    beforeEach(async () => {
      handle = await makeStore();
      store = handle.store;
      await store.migrate();
      overlapping = options.overlappingTransactions ?? store.kind === 'postgres';
    });

    afterEach(async () => {
      await handle.cleanup();
    });

    async function insertPayments(...ps: PaymentRecord[]): Promise<void> {
      await store.transaction(async (tx) => {
        for (const p of ps) await tx.insertPayment(p);
      });
    }

    /**
     * Runs `claim` in two transactions at once. With overlapping transactions the first keeps its
     * locks until the second has claimed: without SKIP LOCKED the second would wait on those locks
     * (reported after 5 s), and without any locking it would get the same rows.
     */
    async function claimConcurrently<T>(claim: (tx: StoreTx) => Promise<T>): Promise<[T, T]> {
      if (!overlapping) return Promise.all([store.transaction(claim), store.transaction(claim)]);
      const firstClaimed = deferred();
      const secondClaimed = deferred();
      const first = store.transaction(async (tx) => {
        const got = await claim(tx);
        firstClaimed.resolve();
        await within(secondClaimed.promise, 5_000, 'second claimer blocked behind the first one: rows not skipped');
        return got;
      });
      const second = firstClaimed.promise.then(() =>
        store.transaction(async (tx) => {
          const got = await claim(tx);
          secondClaimed.resolve();
          return got;
        }),
      );
      return Promise.all([first, second]);
    }

    describe('migrations and health', () => {
      it('migrate() is idempotent and the store answers ping()', async () => {
        await store.migrate();
        await store.migrate();
        await expect(store.ping()).resolves.toBeUndefined();
        const p = payment();
        await insertPayments(p);
        expect(await store.getPayment(p.id)).toEqual(p);
      });
    });

    describe('payments', () => {
      it('round-trips every field, including JSON and the largest safe amount', async () => {
        const p = payment({ amount: Number.MAX_SAFE_INTEGER, version: Number.MAX_SAFE_INTEGER - 1 });
        await insertPayments(p);
        expect(await store.getPayment(p.id)).toStrictEqual(p);
        expect(await store.getPaymentByOrder(p.merchantId, p.orderId)).toStrictEqual(p);
        const locked = await store.transaction((tx) => tx.lockPayment(p.id));
        expect(locked).toStrictEqual(p);
      });

      it('round-trips null and absent optional fields', async () => {
        const p = payment({
          description: null,
          metadata: null,
          confirmation: 'none',
          method: { type: 'bank_account', last4: '3000', fingerprint: 'fp_iban', holderName: 'Max Mustermann', sealed: 's' },
          snapshot: { value: 'received', context: {} },
        });
        await insertPayments(p);
        const got = await store.getPayment(p.id);
        expect(got).toStrictEqual(p);
        expect(got?.method).not.toHaveProperty('expMonth');
      });

      it('returns null for unknown payments', async () => {
        expect(await store.getPayment('pay_missing')).toBeNull();
        expect(await store.getPaymentByOrder('mch_a', 'nope')).toBeNull();
        expect(await store.transaction((tx) => tx.lockPayment('pay_missing'))).toBeNull();
      });

      it('updatePayment writes the projection, snapshot and version and keeps the rest', async () => {
        const p = payment();
        await insertPayments(p);
        const update = {
          status: 'requires_confirmation',
          state: 'awaiting_confirmation',
          machineVersion: 4,
          snapshot: { value: 'awaiting_confirmation', context: { otpSends: 1 } },
          version: 2,
          updatedAt: T0 + 5_000,
        };
        await store.transaction(async (tx) => {
          const locked = await tx.lockPayment(p.id);
          expect(locked?.version).toBe(1);
          await tx.updatePayment(p.id, update);
        });
        expect(await store.getPayment(p.id)).toStrictEqual({ ...p, ...update });
      });

      it('refuses to update a payment that does not exist', async () => {
        await expect(
          store.transaction((tx) =>
            tx.updatePayment('pay_missing', {
              status: 'failed',
              state: 'failed',
              machineVersion: 1,
              snapshot: { value: 'failed', context: {} },
              version: 2,
              updatedAt: T0,
            }),
          ),
        ).rejects.toThrow(/pay_missing/);
      });

      it('refuses an order_id reused by the same merchant with UniqueViolation', async () => {
        const first = payment({ orderId: 'order-1' });
        await insertPayments(first);
        const again = payment({ orderId: 'order-1' });
        const err = await store.transaction((tx) => tx.insertPayment(again)).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(UniqueViolation);
        expect((err as UniqueViolation).constraint).toBe(constraints.paymentOrder);
        expect(await store.getPayment(again.id)).toBeNull();
      });

      it('accepts the same order_id for another merchant', async () => {
        const a = payment({ orderId: 'order-1', merchantId: 'mch_a' });
        const b = payment({ orderId: 'order-1', merchantId: 'mch_b' });
        await insertPayments(a, b);
        expect((await store.getPaymentByOrder('mch_a', 'order-1'))?.id).toBe(a.id);
        expect((await store.getPaymentByOrder('mch_b', 'order-1'))?.id).toBe(b.id);
      });

      it('reports an id collision as UniqueViolation on the primary key', async () => {
        const p = payment();
        await insertPayments(p);
        const err = await insertPayments({ ...p, orderId: 'other' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(UniqueViolation);
        expect((err as UniqueViolation).constraint).toBe(constraints.paymentId);
      });

      it('counts payments by status', async () => {
        expect(await store.countPaymentsByStatus()).toEqual({});
        await insertPayments(
          payment({ status: 'processing' }),
          payment({ status: 'processing' }),
          payment({ status: 'succeeded', merchantId: 'mch_b' }),
        );
        expect(await store.countPaymentsByStatus()).toEqual({ processing: 2, succeeded: 1 });
      });
    });

    describe('transactions', () => {
      it('returns the value of the function', async () => {
        await expect(store.transaction(async () => 42)).resolves.toBe(42);
      });

      it('rolls back every write when the function throws', async () => {
        const p = payment();
        const c = command(p);
        const e = event(p);
        const key = idempotency();
        const boom = new Error('boom');
        await expect(
          store.transaction(async (tx) => {
            await tx.insertPayment(p);
            await tx.insertRefund(refund(p));
            await tx.appendHistory(history(p));
            await tx.insertCommand(c);
            await tx.upsertTimer({ aggregateId: p.id, aggregateKind: 'payment', name: 'retry', dueAt: T0 });
            await tx.insertEvent(e);
            expect(await tx.insertIdempotency(key)).toBe(true);
            await tx.putOtp({ paymentId: p.id, codeHash: 'h', expiresAt: T0 + 1, createdAt: T0 });
            throw boom;
          }),
        ).rejects.toBe(boom);

        expect(await store.getPayment(p.id)).toBeNull();
        expect(await store.listRefundsOf(p.id)).toEqual([]);
        expect(await store.listHistory(p.id)).toEqual([]);
        expect(await store.listCommands(p.id)).toEqual([]);
        expect(await store.getEvent(e.id)).toBeNull();
        expect(await store.nextDue()).toEqual({ command: null, timer: null });
        expect(await store.countPaymentsByStatus()).toEqual({});
        await store.transaction(async (tx) => {
          expect(await tx.getIdempotency(key.merchantId, key.key)).toBeNull();
          expect(await tx.getOtp(p.id)).toBeNull();
          expect(await tx.claimDueTimer(T0 + 1)).toBeNull();
        });
      });

      it('does not commit a transaction in which a statement failed, even if the error was caught', async () => {
        const existing = payment({ orderId: 'taken' });
        await insertPayments(existing);
        const fresh = payment();
        const result = store.transaction(async (tx) => {
          await tx.insertPayment(fresh);
          await tx.insertPayment(payment({ orderId: 'taken' })).catch(() => undefined);
          await expect(tx.getOtp(fresh.id)).rejects.toThrow(/aborted/);
          return 'swallowed';
        });
        await expect(result).rejects.toBeInstanceOf(UniqueViolation);
        expect(await store.getPayment(fresh.id)).toBeNull();
        expect(await store.getPayment(existing.id)).toEqual(existing);
      });

      it('refuses a transaction handle used after its transaction ended', async () => {
        let leaked: StoreTx | undefined;
        await store.transaction(async (tx) => {
          leaked = tx;
        });
        await expect(leaked?.insertPayment(payment())).rejects.toThrow(/ended/);
        expect(await store.countPaymentsByStatus()).toEqual({});
      });

      it.runIf(options.isolatedReads ?? true)('reads outside a transaction see committed data only', async () => {
        const p = payment();
        await insertPayments(p);
        const fresh = payment();
        await store.transaction(async (tx) => {
          await tx.insertPayment(fresh);
          await tx.updatePayment(p.id, {
            status: 'failed',
            state: 'declined',
            machineVersion: p.machineVersion,
            snapshot: { value: 'declined', context: {} },
            version: 2,
            updatedAt: T0 + 1,
          });
          expect(await store.getPayment(fresh.id)).toBeNull();
          expect((await store.getPayment(p.id))?.status).toBe('processing');
          expect(await store.countPaymentsByStatus()).toEqual({ processing: 1 });
        });
        expect((await store.getPayment(p.id))?.status).toBe('failed');
        expect(await store.getPayment(fresh.id)).toEqual(fresh);
      });
    });

    describe('listPayments', () => {
      let all: PaymentRecord[];

      beforeEach(async () => {
        all = [];
        for (let i = 0; i < 6; i++) {
          // the last two share a millisecond: the id breaks the tie
          const at = T0 + Math.min(i, 4) * 1_000;
          all.push(payment({ createdAt: at, updatedAt: at, status: i % 2 === 0 ? 'processing' : 'succeeded' }));
        }
        await insertPayments(...all, payment({ merchantId: 'mch_b', createdAt: T0 + 10_000 }));
      });

      const newestFirst = (ps: PaymentRecord[]) =>
        [...ps].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((p) => p.id);

      it('pages newest first with startingAfter and hasMore', async () => {
        const seen: string[] = [];
        const hasMore: boolean[] = [];
        let startingAfter: string | undefined;
        for (;;) {
          const page = await store.listPayments({ merchantId: 'mch_a', limit: 4, ...(startingAfter ? { startingAfter } : {}) });
          seen.push(...page.items.map((p) => p.id));
          hasMore.push(page.hasMore);
          if (!page.hasMore) break;
          startingAfter = page.items.at(-1)?.id;
        }
        expect(seen).toEqual(newestFirst(all));
        expect(hasMore).toEqual([true, false]);
        const first = await store.listPayments({ merchantId: 'mch_a', limit: 1 });
        expect(first.items[0]).toStrictEqual(all.find((p) => p.id === newestFirst(all)[0]));
      });

      it('reports no more when the page is exactly full', async () => {
        const page = await store.listPayments({ merchantId: 'mch_a', limit: 6 });
        expect(page.items).toHaveLength(6);
        expect(page.hasMore).toBe(false);
      });

      it('filters by status, also across pages', async () => {
        const succeeded = all.filter((p) => p.status === 'succeeded');
        const page1 = await store.listPayments({ merchantId: 'mch_a', limit: 2, status: 'succeeded' });
        expect(page1.hasMore).toBe(true);
        const page2 = await store.listPayments({
          merchantId: 'mch_a',
          limit: 2,
          status: 'succeeded',
          startingAfter: page1.items[1]?.id ?? '',
        });
        expect(page2.hasMore).toBe(false);
        expect([...page1.items, ...page2.items].map((p) => p.id)).toEqual(newestFirst(succeeded));
      });

      it("keeps merchants apart, also for another merchant's cursor", async () => {
        const b = await store.listPayments({ merchantId: 'mch_b', limit: 10 });
        expect(b.items).toHaveLength(1);
        expect(b.items[0]?.merchantId).toBe('mch_b');
        const foreignCursor = await store.listPayments({ merchantId: 'mch_b', limit: 10, startingAfter: all[0]?.id ?? '' });
        expect(foreignCursor).toEqual({ items: [], hasMore: false });
        expect(await store.listPayments({ merchantId: 'mch_none', limit: 10 })).toEqual({ items: [], hasMore: false });
      });
    });

    describe('refunds', () => {
      it('round-trip, lock, update and list in creation order', async () => {
        const p = payment();
        const r1 = refund(p, { amount: Number.MAX_SAFE_INTEGER, createdAt: T0 + 2, updatedAt: T0 + 2 });
        const r2 = refund(p, { reason: null, createdAt: T0 + 1, updatedAt: T0 + 1 });
        await store.transaction(async (tx) => {
          await tx.insertPayment(p);
          await tx.insertRefund(r1);
          await tx.insertRefund(r2);
        });
        expect(await store.getRefund(r1.id)).toStrictEqual(r1);
        expect(await store.getRefund(r2.id)).toStrictEqual(r2);
        expect(await store.getRefund('re_missing')).toBeNull();
        expect(await store.listRefundsOf(p.id)).toStrictEqual([r2, r1]);
        expect(await store.listRefundsOf('pay_other')).toEqual([]);

        const update = {
          status: 'succeeded',
          state: 'succeeded',
          machineVersion: 2,
          snapshot: { value: 'succeeded', context: { bank: 'ok' } },
          version: 3,
          updatedAt: T0 + 9,
        };
        await store.transaction(async (tx) => {
          expect(await tx.lockRefund(r2.id)).toStrictEqual(r2);
          expect(await tx.lockRefund('re_missing')).toBeNull();
          await tx.updateRefund(r2.id, update);
          expect(await tx.listRefunds(p.id)).toStrictEqual([{ ...r2, ...update }, r1]);
        });
        expect(await store.getRefund(r2.id)).toStrictEqual({ ...r2, ...update });
      });
    });

    describe('history', () => {
      it('appends rows and lists them by seq with store-assigned increasing seq', async () => {
        const p = payment();
        const r = refund(p);
        const rows = [
          history(p, { at: T0 + 5, fromState: null, toState: 'received', data: { event: 'START' } }),
          history(p, { at: T0 + 1, kind: 'bank', fromState: null, toState: null, data: { mti: '0100', masked: '4000********0002' } }),
          history(p, { aggregateId: r.id, kind: 'note', data: ['a', 1, null] }),
          history(p, { seq: 999, data: null }),
          history(p, { kind: 'note', data: 'a JSON string, not an object' }),
          history(p, { kind: 'note', data: Number.MAX_SAFE_INTEGER }),
        ];
        await store.transaction(async (tx) => {
          await tx.insertPayment(p);
          await tx.insertRefund(r);
          for (const h of rows) await tx.appendHistory(h);
        });
        const other = payment();
        await store.transaction(async (tx) => {
          await tx.insertPayment(other);
          await tx.appendHistory(history(other));
        });

        const listed = await store.listHistory(p.id);
        expect(listed.map(({ seq: _seq, prevHash: _p, hash: _h, chainIndex: _i, keyId: _k, ...h }) => h)).toStrictEqual(rows.map(({ seq: _seq, ...h }) => h));
        expect(listed.map((h) => h.chainIndex)).toEqual(rows.map((_, i) => i + 1));
        // the store chains each payment's rows: every row names the hash of the one before it
        expect(listed[0]?.prevHash).toBe(GENESIS);
        for (let i = 1; i < listed.length; i++) expect(listed[i]?.prevHash).toBe(listed[i - 1]?.hash);
        // the head on the payment row moved with every append (keyed chain, src/store/audit-chain.ts)
        const heads = await store.listAuditHeads(null, 100);
        const headOf = (id: string) => heads.find((x) => x.paymentId === id);
        expect(headOf(p.id)).toMatchObject({ count: rows.length, hash: listed[listed.length - 1]?.hash, legacyCount: 0 });
        expect(verifyChain(listed, headOf(p.id)!, UNKEYED_AUDIT_KEYRING).findings).toEqual([]);
        expect(verifyChain(await store.listHistory(other.id), headOf(other.id)!, UNKEYED_AUDIT_KEYRING).findings).toEqual([]);
        const seqs = listed.map((h) => h.seq ?? Number.NaN);
        expect(seqs.every((s) => Number.isInteger(s))).toBe(true);
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
        expect(new Set(seqs).size).toBe(seqs.length);
        expect(seqs).not.toContain(999);
        const [otherRow] = await store.listHistory(other.id);
        expect(otherRow?.seq).toBeGreaterThan(Math.max(...seqs));
      });
    });

    describe('commands', () => {
      let p: PaymentRecord;

      beforeEach(async () => {
        p = payment();
        await insertPayments(p);
      });

      async function insertCommands(...cs: CommandRecord[]): Promise<void> {
        await store.transaction(async (tx) => {
          for (const c of cs) await tx.insertCommand(c);
        });
      }

      it('lists payment ids in id order, page by page (for audits over everything)', async () => {
        const ps = [payment(), payment(), payment()];
        await store.transaction(async (tx) => {
          for (const p of ps) await tx.insertPayment(p);
        });
        const all: string[] = [];
        let after: string | null = null;
        for (;;) {
          const page: string[] = await store.listPaymentIds(after, 2);
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(2);
          all.push(...page);
          after = page[page.length - 1] ?? null;
        }
        const mine = all.filter((id) => ps.some((p) => p.id === id));
        expect(mine).toEqual(ps.map((p) => p.id).sort());
        expect([...all].sort()).toEqual(all);
      });

      it('round-trip every field, by id, aggregate and reference', async () => {
        const done = command(p, {
          status: 'done',
          attempts: 3,
          leaseOwner: 'node-1',
          leaseUntil: T0 + 30_000,
          outcome: { type: 'declined', code: '05', reason: 'Do not honour' },
          completedAt: T0 + 7,
          createdAt: T0,
          reference: 'STAN-000123',
        });
        const notify = command(p, { kind: 'notify', name: 'otp', spec: { kind: 'notify', notification: 'otp' }, createdAt: T0 + 1 });
        await insertCommands(done, notify);
        expect(await store.transaction((tx) => tx.getCommand(done.id))).toStrictEqual(done);
        expect(await store.transaction((tx) => tx.getCommand('cmd_missing'))).toBeNull();
        expect(await store.listCommands(p.id)).toStrictEqual([done, notify]);
        expect(await store.listCommands('pay_other')).toEqual([]);
        expect(await store.findCommandByReference('STAN-000123')).toStrictEqual(done);
        expect(await store.findCommandByReference('unknown')).toBeNull();
      });

      it('findCommandByReference finds the bank command, not a notification sharing the reference', async () => {
        const note = command(p, { kind: 'notify', name: 'result', reference: 'E2E-1', createdAt: T0 });
        const bank = command(p, { kind: 'bank', name: 'transfer', reference: 'E2E-1', createdAt: T0 + 1 });
        await insertCommands(note, bank);
        expect((await store.findCommandByReference('E2E-1'))?.id).toBe(bank.id);
      });

      it('claimCommands claims due pending commands only, oldest first, up to the limit', async () => {
        const due1 = command(p, { availableAt: T0 - 2_000 });
        const due2 = command(p, { availableAt: T0 - 1_000 });
        const due3 = command(p, { availableAt: T0 });
        const future = command(p, { availableAt: T0 + 1 });
        const inFlight = command(p, { status: 'in_flight', availableAt: T0 - 5_000, leaseOwner: 'x', leaseUntil: T0 + 60_000 });
        const finished = command(p, { status: 'done', availableAt: T0 - 5_000, completedAt: T0 });
        await insertCommands(future, due3, finished, due2, inFlight, due1);

        const claimed = await store.transaction((tx) => tx.claimCommands({ now: T0, limit: 2, owner: 'node-a', leaseMs: 30_000 }));
        expect(claimed.map((c) => c.id)).toEqual([due1.id, due2.id]);
        for (const c of claimed) {
          expect(c).toMatchObject({ status: 'in_flight', leaseOwner: 'node-a', leaseUntil: T0 + 30_000, attempts: 1 });
        }
        const stored = await store.listCommands(p.id);
        expect(stored.find((c) => c.id === due1.id)).toStrictEqual(claimed[0]);

        const rest = await store.transaction((tx) => tx.claimCommands({ now: T0, limit: 10, owner: 'node-b', leaseMs: 1_000 }));
        expect(rest.map((c) => c.id)).toEqual([due3.id]);
        const none = await store.transaction((tx) => tx.claimCommands({ now: T0, limit: 10, owner: 'node-b', leaseMs: 1_000 }));
        expect(none).toEqual([]);
        expect((await store.listCommands(p.id)).find((c) => c.id === future.id)?.status).toBe('pending');
      });

      it('two concurrent claimers never get the same command', async () => {
        const cs = Array.from({ length: 10 }, (_, i) => command(p, { availableAt: T0 - i }));
        await insertCommands(...cs);
        const [a, b] = await claimConcurrently((tx) =>
          tx.claimCommands({ now: T0, limit: 5, owner: 'node', leaseMs: 30_000 }),
        );
        expect(a).toHaveLength(5);
        expect(b).toHaveLength(5);
        const ids = [...a, ...b].map((c) => c.id);
        expect(new Set(ids).size).toBe(10);
        expect(new Set(ids)).toEqual(new Set(cs.map((c) => c.id)));
        const stored = await store.listCommands(p.id);
        expect(stored.every((c) => c.status === 'in_flight' && c.attempts === 1)).toBe(true);
      });

      it('claimExpiredLeases returns in-flight commands whose lease ran out', async () => {
        const expiredEarly = command(p, { status: 'in_flight', attempts: 1, leaseOwner: 'dead', leaseUntil: T0 - 10 });
        const expiredNow = command(p, { status: 'in_flight', attempts: 1, leaseOwner: 'dead', leaseUntil: T0 });
        const alive = command(p, { status: 'in_flight', attempts: 1, leaseOwner: 'alive', leaseUntil: T0 + 1 });
        const pending = command(p, { availableAt: T0 - 100 });
        const done = command(p, { status: 'done', leaseOwner: 'old', completedAt: T0 - 50 });
        await insertCommands(alive, expiredNow, pending, done, expiredEarly);

        const all = await store.transaction((tx) => tx.claimExpiredLeases(T0, 10));
        expect(all.map((c) => c.id)).toEqual([expiredEarly.id, expiredNow.id]);
        expect(all[0]).toStrictEqual(expiredEarly);
        const limited = await store.transaction((tx) => tx.claimExpiredLeases(T0, 1));
        expect(limited.map((c) => c.id)).toEqual([expiredEarly.id]);
      });

      it('finishCommand records the outcome; requeueCommand makes a command claimable again', async () => {
        const c1 = command(p);
        const c2 = command(p);
        await insertCommands(c1, c2);
        const claimed = await store.transaction((tx) => tx.claimCommands({ now: T0, limit: 10, owner: 'node-a', leaseMs: 1_000 }));
        const claim1 = claimOf(claimed.find((c) => c.id === c1.id) as CommandRecord);

        expect(await store.transaction((tx) => tx.finishCommand(claim1, { type: 'ok', data: { rrn: '123456789012' } }, T0 + 50))).toBe(true);
        expect(await store.transaction((tx) => tx.expireCommand(c2.id, T0 + 1_000, { lost: { kind: 'unknown' } }))).toBe(true);
        const [f1, f2] = await store.listCommands(p.id).then((cs) => [c1, c2].map((c) => cs.find((x) => x.id === c.id)));
        expect(f1).toMatchObject({ status: 'done', outcome: { type: 'ok', data: { rrn: '123456789012' } }, completedAt: T0 + 50, attempts: 1, leaseOwner: 'node-a' });
        expect(f2).toMatchObject({ status: 'lost', outcome: { kind: 'unknown' }, completedAt: T0 + 1_000 });

        const c3 = command(p);
        await insertCommands(c3);
        const [claimed3] = await store.transaction((tx) => tx.claimCommands({ now: T0, limit: 10, owner: 'node-a', leaseMs: 1_000 }));
        expect(await store.transaction((tx) => tx.requeueCommand(claimOf(claimed3 as CommandRecord), T0 + 5_000))).toBe(true);
        const requeued = await store.transaction((tx) => tx.getCommand(c3.id));
        expect(requeued).toMatchObject({ status: 'pending', availableAt: T0 + 5_000, leaseOwner: null, leaseUntil: null, attempts: 1 });
        expect(await store.transaction((tx) => tx.claimCommands({ now: T0 + 4_999, limit: 10, owner: 'b', leaseMs: 1 }))).toEqual([]);
        const again = await store.transaction((tx) => tx.claimCommands({ now: T0 + 5_000, limit: 10, owner: 'node-b', leaseMs: 1_000 }));
        expect(again).toHaveLength(1);
        expect(again[0]).toMatchObject({ id: c3.id, attempts: 2, leaseOwner: 'node-b', leaseUntil: T0 + 6_000 });

        const missing = { id: 'cmd_missing', owner: 'node-a', attempt: 1 };
        expect(await store.transaction((tx) => tx.finishCommand(missing, null, T0))).toBe(false);
        expect(await store.transaction((tx) => tx.requeueCommand(missing, T0))).toBe(false);
      });

      it('a stale owner cannot finish or requeue a command: taken over (lost), claimed again, or finished', async () => {
        const c = command(p);
        await insertCommands(c);
        const [first] = await store.transaction((tx) => tx.claimCommands({ now: T0, limit: 1, owner: 'slow', leaseMs: 1_000 }));
        const slow = claimOf(first as CommandRecord);
        // the lease runs out and the command is taken over
        expect(await store.transaction((tx) => tx.expireCommand(c.id, T0 + 999, { lost: null }))).toBe(false);
        expect(await store.transaction((tx) => tx.expireCommand(c.id, T0 + 1_000, { lost: { kind: 'unknown' } }))).toBe(true);
        expect(await store.transaction((tx) => tx.finishCommand(slow, { kind: 'ok' }, T0 + 2_000))).toBe(false);
        expect(await store.transaction((tx) => tx.requeueCommand(slow, T0 + 2_000))).toBe(false);
        expect(await store.transaction((tx) => tx.getCommand(c.id))).toMatchObject({ status: 'lost', outcome: { kind: 'unknown' }, completedAt: T0 + 1_000 });
        // a lost command is not open: it cannot be taken over again
        expect(await store.transaction((tx) => tx.expireCommand(c.id, T0 + 9_000, { requeueAt: T0 }))).toBe(false);

        // the same owner's older claim of a command claimed again (after a requeue) is stale too
        const r = command(p);
        await insertCommands(r);
        const [r1] = await store.transaction((tx) => tx.claimCommands({ now: T0, limit: 1, owner: 'node', leaseMs: 1_000 }));
        expect(await store.transaction((tx) => tx.expireCommand(r.id, T0 + 1_000, { requeueAt: T0 + 1_000 }))).toBe(true);
        const [r2] = await store.transaction((tx) => tx.claimCommands({ now: T0 + 1_000, limit: 1, owner: 'node', leaseMs: 1_000 }));
        expect(r2?.attempts).toBe(2);
        expect(await store.transaction((tx) => tx.finishCommand(claimOf(r1 as CommandRecord), { kind: 'old' }, T0 + 1_500))).toBe(false);
        expect(await store.transaction((tx) => tx.finishCommand(claimOf(r2 as CommandRecord), { kind: 'new' }, T0 + 1_600))).toBe(true);
        // finished: finishing again changes nothing
        expect(await store.transaction((tx) => tx.finishCommand(claimOf(r2 as CommandRecord), { kind: 'again' }, T0 + 1_700))).toBe(false);
        expect(await store.transaction((tx) => tx.getCommand(r.id))).toMatchObject({ status: 'done', outcome: { kind: 'new' }, completedAt: T0 + 1_600 });
      });

      it('nextDue reports the earliest pending command and the earliest timer', async () => {
        expect(await store.nextDue()).toEqual({ command: null, timer: null });
        await insertCommands(
          command(p, { availableAt: T0 + 5_000 }),
          command(p, { availableAt: T0 + 3_000 }),
          command(p, { status: 'in_flight', availableAt: T0 + 1_000, leaseOwner: 'x', leaseUntil: T0 + 2_000 }),
        );
        expect(await store.nextDue()).toEqual({ command: T0 + 3_000, timer: null });
        await store.transaction(async (tx) => {
          await tx.upsertTimer({ aggregateId: p.id, aggregateKind: 'payment', name: 'poll', dueAt: T0 + 9_000 });
          await tx.upsertTimer({ aggregateId: 're_x', aggregateKind: 'refund', name: 'retry', dueAt: T0 + 7_000 });
        });
        expect(await store.nextDue()).toEqual({ command: T0 + 3_000, timer: T0 + 7_000 });
      });
    });

    describe('timers', () => {
      it('upsert inserts and moves the due time; claimDueTimer returns only due timers', async () => {
        await store.transaction(async (tx) => {
          await tx.upsertTimer({ aggregateId: 'pay_1', aggregateKind: 'payment', name: 'otp_expiry', dueAt: T0 + 1_000 });
          await tx.upsertTimer({ aggregateId: 're_1', aggregateKind: 'refund', name: 'retry', dueAt: T0 + 2_000 });
        });
        expect(await store.transaction((tx) => tx.claimDueTimer(T0 + 999))).toBeNull();
        expect(await store.transaction((tx) => tx.claimDueTimer(T0 + 1_000))).toStrictEqual({
          aggregateId: 'pay_1',
          aggregateKind: 'payment',
          name: 'otp_expiry',
          dueAt: T0 + 1_000,
        });

        await store.transaction((tx) =>
          tx.upsertTimer({ aggregateId: 'pay_1', aggregateKind: 'payment', name: 'otp_expiry', dueAt: T0 + 5_000 }),
        );
        expect(await store.nextDue()).toEqual({ command: null, timer: T0 + 2_000 });
        expect(await store.transaction((tx) => tx.claimDueTimer(T0 + 4_999))).toStrictEqual({
          aggregateId: 're_1',
          aggregateKind: 'refund',
          name: 'retry',
          dueAt: T0 + 2_000,
        });
        await store.transaction((tx) => tx.deleteTimer('re_1', 'retry'));
        expect(await store.transaction((tx) => tx.claimDueTimer(T0 + 4_999))).toBeNull();
        expect((await store.transaction((tx) => tx.claimDueTimer(T0 + 5_000)))?.dueAt).toBe(T0 + 5_000);
      });

      it('deleteTimer removes one timer, deleteTimers all of one aggregate', async () => {
        await store.transaction(async (tx) => {
          await tx.upsertTimer({ aggregateId: 'pay_1', aggregateKind: 'payment', name: 'retry', dueAt: T0 + 1 });
          await tx.upsertTimer({ aggregateId: 'pay_1', aggregateKind: 'payment', name: 'poll', dueAt: T0 + 2 });
          await tx.upsertTimer({ aggregateId: 'pay_1', aggregateKind: 'payment', name: 'otp_expiry', dueAt: T0 + 3 });
          await tx.upsertTimer({ aggregateId: 'pay_2', aggregateKind: 'payment', name: 'retry', dueAt: T0 + 4 });
        });
        await store.transaction((tx) => tx.deleteTimer('pay_1', 'retry'));
        expect(await store.nextDue()).toEqual({ command: null, timer: T0 + 2 });
        await store.transaction((tx) => tx.deleteTimers('pay_1'));
        expect(await store.nextDue()).toEqual({ command: null, timer: T0 + 4 });
        expect((await store.transaction((tx) => tx.claimDueTimer(T0 + 100)))?.aggregateId).toBe('pay_2');
      });

      it('two concurrent claimers get different timers', async () => {
        await store.transaction(async (tx) => {
          await tx.upsertTimer({ aggregateId: 'pay_1', aggregateKind: 'payment', name: 'retry', dueAt: T0 - 2 });
          await tx.upsertTimer({ aggregateId: 'pay_2', aggregateKind: 'payment', name: 'retry', dueAt: T0 - 1 });
          await tx.upsertTimer({ aggregateId: 'pay_3', aggregateKind: 'payment', name: 'retry', dueAt: T0 + 1 });
        });
        // A worker fires the timer and deletes it in the same transaction.
        const [a, b] = await claimConcurrently(async (tx) => {
          const t = await tx.claimDueTimer(T0);
          if (t) await tx.deleteTimer(t.aggregateId, t.name);
          return t;
        });
        expect(a).not.toBeNull();
        expect(b).not.toBeNull();
        expect(new Set([a?.aggregateId, b?.aggregateId])).toEqual(new Set(['pay_1', 'pay_2']));
        expect(await store.nextDue()).toEqual({ command: null, timer: T0 + 1 });
      });
    });

    describe('sweeper queries', () => {
      async function insertCommands(...cs: CommandRecord[]): Promise<void> {
        await store.transaction(async (tx) => {
          for (const c of cs) await tx.insertCommand(c);
        });
      }

      it('takeTimer deletes a timer only while it is still due; listDueTimers lists the due ones', async () => {
        await store.transaction(async (tx) => {
          await tx.upsertTimer({ aggregateId: 'pay_1', aggregateKind: 'payment', name: 'retry', dueAt: T0 + 10 });
          await tx.upsertTimer({ aggregateId: 'pay_2', aggregateKind: 'payment', name: 'poll', dueAt: T0 + 5 });
        });
        expect((await store.listDueTimers(T0 + 10, 10)).map((t) => t.aggregateId)).toEqual(['pay_2', 'pay_1']);
        expect(await store.listDueTimers(T0 + 4, 10)).toEqual([]);
        expect(await store.transaction((tx) => tx.takeTimer('pay_1', 'retry', T0 + 9))).toBe(false);
        // moved meanwhile: the old deadline no longer fires
        await store.transaction((tx) => tx.upsertTimer({ aggregateId: 'pay_1', aggregateKind: 'payment', name: 'retry', dueAt: T0 + 50 }));
        expect(await store.transaction((tx) => tx.takeTimer('pay_1', 'retry', T0 + 10))).toBe(false);
        expect(await store.transaction((tx) => tx.takeTimer('pay_1', 'retry', T0 + 50))).toBe(true);
        expect(await store.transaction((tx) => tx.takeTimer('pay_1', 'retry', T0 + 50))).toBe(false);
      });

      it('listStranded finds open aggregates with neither a timer nor an open command; hasOpenWork agrees', async () => {
        const stranded = payment({ status: 'processing', state: 'confirming', updatedAt: T0 });
        const withTimer = payment({ status: 'requires_confirmation', state: 'awaiting_confirmation', updatedAt: T0 });
        const withCommand = payment({ status: 'processing', state: 'confirming', updatedAt: T0 });
        const withDoneCommand = payment({ status: 'authorized', state: 'authorized', updatedAt: T0 + 1 });
        const recent = payment({ status: 'processing', state: 'verifying', updatedAt: T0 + 10_000 });
        const terminal = payment({ status: 'succeeded', state: 'completed', updatedAt: T0 });
        await insertPayments(stranded, withTimer, withCommand, withDoneCommand, recent, terminal);
        await store.transaction((tx) => tx.upsertTimer({ aggregateId: withTimer.id, aggregateKind: 'payment', name: 'otp_expiry', dueAt: T0 + 99 }));
        await insertCommands(command(withCommand, { status: 'in_flight', leaseOwner: 'n', leaseUntil: T0 + 5, attempts: 1 }), command(withDoneCommand, { status: 'done', completedAt: T0 }), command(stranded, { status: 'lost', completedAt: T0 }));
        const r = refund(terminal, { status: 'pending', state: 'submitted', updatedAt: T0 });
        const rDone = refund(terminal, { status: 'succeeded', state: 'succeeded', updatedAt: T0 });
        await store.transaction(async (tx) => {
          await tx.insertRefund(r);
          await tx.insertRefund(rDone);
        });

        const open = ['processing', 'requires_confirmation', 'authorized'];
        const found = await store.listStranded({ kind: 'payment', statuses: open, updatedBefore: T0 + 5_000, limit: 10 });
        expect(found.map((f) => f.id)).toEqual([stranded.id, withDoneCommand.id]);
        expect(found[0]).toEqual({ kind: 'payment', id: stranded.id, paymentId: stranded.id, state: 'confirming', updatedAt: T0 });
        expect((await store.listStranded({ kind: 'payment', statuses: open, updatedBefore: T0 + 5_000, limit: 1 })).map((f) => f.id)).toEqual([stranded.id]);
        const refunds = await store.listStranded({ kind: 'refund', statuses: ['pending'], updatedBefore: T0 + 5_000, limit: 10 });
        expect(refunds).toEqual([{ kind: 'refund', id: r.id, paymentId: terminal.id, state: 'submitted', updatedAt: T0 }]);

        const open2 = await store.transaction(async (tx) =>
          Promise.all([stranded, withTimer, withCommand, withDoneCommand].map((x) => tx.hasOpenWork(x.id))),
        );
        expect(open2).toEqual([false, true, true, false]);
      });
    });

    describe('events', () => {
      let p1: PaymentRecord;
      let p2: PaymentRecord;
      let events: EventRecord[];

      beforeEach(async () => {
        p1 = payment();
        p2 = payment();
        events = [
          event(p1, { type: 'payment.requires_confirmation', createdAt: T0 + 1 }),
          event(p1, { type: 'payment.authorized', createdAt: T0 + 2 }),
          event(p2, { type: 'payment.authorized', createdAt: T0 + 3, refundId: null }),
          event(p1, { type: 'refund.succeeded', refundId: 're_1', createdAt: T0 + 4, data: { nested: [{ a: 1 }] } }),
          event(p2, { type: 'payment.succeeded', createdAt: T0 + 4 }),
        ];
        const foreign = payment({ merchantId: 'mch_b' });
        await store.transaction(async (tx) => {
          await tx.insertPayment(p1);
          await tx.insertPayment(p2);
          await tx.insertPayment(foreign);
          for (const e of events) await tx.insertEvent(e);
          await tx.insertEvent(event(foreign, { createdAt: T0 + 100 }));
        });
      });

      const newestFirst = (es: EventRecord[]) =>
        [...es].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((e) => e.id);

      it('round-trips and pages newest first', async () => {
        for (const e of events) expect(await store.getEvent(e.id)).toStrictEqual(e);
        expect(await store.getEvent('evt_missing')).toBeNull();
        const page1 = await store.listEvents({ merchantId: 'mch_a', limit: 3 });
        expect(page1.hasMore).toBe(true);
        const page2 = await store.listEvents({ merchantId: 'mch_a', limit: 3, startingAfter: page1.items[2]?.id ?? '' });
        expect(page2.hasMore).toBe(false);
        expect([...page1.items, ...page2.items].map((e) => e.id)).toEqual(newestFirst(events));
      });

      it('filters by type and by payment', async () => {
        const authorized = await store.listEvents({ merchantId: 'mch_a', limit: 10, type: 'payment.authorized' });
        expect(authorized.items.map((e) => e.id)).toEqual(newestFirst(events.filter((e) => e.type === 'payment.authorized')));
        const ofP1 = await store.listEvents({ merchantId: 'mch_a', limit: 2, paymentId: p1.id });
        expect(ofP1.hasMore).toBe(true);
        expect(ofP1.items.map((e) => e.id)).toEqual(newestFirst(events.filter((e) => e.paymentId === p1.id)).slice(0, 2));
        const both = await store.listEvents({ merchantId: 'mch_a', limit: 10, paymentId: p2.id, type: 'payment.authorized' });
        expect(both.items.map((e) => e.id)).toEqual([events[2]?.id]);
        expect((await store.listEvents({ merchantId: 'mch_b', limit: 10 })).items).toHaveLength(1);
      });
    });

    describe('webhook endpoints and deliveries', () => {
      const endpoint = (over: Partial<WebhookEndpointRecord> = {}): WebhookEndpointRecord => ({
        id: `we_${newId('evt').slice(4)}`,
        merchantId: 'mch_a',
        url: 'https://hooks.example.test/railyard',
        secrets: [{ sealed: 'v1.k1.aaa.bbb.ccc', createdAt: T0, expiresAt: null }],
        status: 'enabled',
        consecutiveFailures: 0,
        failingSince: null,
        disabledAt: null,
        createdAt: T0,
        updatedAt: T0,
        ...over,
      });
      const delivery = (e: EventRecord, ep: WebhookEndpointRecord, over: Partial<WebhookDeliveryRecord> = {}): WebhookDeliveryRecord => ({
        id: `whd_${newId('evt').slice(4)}`,
        eventId: e.id,
        endpointId: ep.id,
        paymentId: e.paymentId,
        version: e.version,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: T0,
        leaseOwner: null,
        leaseUntil: null,
        lastStatusCode: null,
        lastError: null,
        createdAt: T0,
        completedAt: null,
        ...over,
      });
      const claim = (tx: StoreTx, now = T0, limit = 10) => tx.claimWebhookDeliveries({ now, limit, owner: 'w1', leaseMs: 30_000 });

      let p1: PaymentRecord;
      let p2: PaymentRecord;
      let ep: WebhookEndpointRecord;
      let e1: EventRecord[];
      let e2: EventRecord;

      beforeEach(async () => {
        p1 = payment();
        p2 = payment();
        ep = endpoint();
        e1 = [1, 2, 3].map((v) => event(p1, { version: v, createdAt: T0 + v }));
        e2 = event(p2, { version: 1 });
        await store.transaction(async (tx) => {
          await tx.insertPayment(p1);
          await tx.insertPayment(p2);
          for (const e of [...e1, e2]) await tx.insertEvent(e);
          await tx.insertWebhookEndpoint(ep);
        });
      });

      it('round-trips endpoints and lists them per merchant, oldest first', async () => {
        const later = endpoint({ createdAt: T0 + 5, updatedAt: T0 + 5, secrets: [] });
        const foreign = endpoint({ merchantId: 'mch_b' });
        await store.transaction(async (tx) => {
          await tx.insertWebhookEndpoint(later);
          await tx.insertWebhookEndpoint(foreign);
        });
        expect(await store.getWebhookEndpoint(ep.id)).toStrictEqual(ep);
        expect(await store.getWebhookEndpoint('we_missing')).toBeNull();
        expect((await store.listWebhookEndpoints('mch_a')).map((e) => e.id)).toEqual([ep.id, later.id]);
        expect(await store.transaction((tx) => tx.listWebhookEndpointsIn('mch_b'))).toStrictEqual([foreign]);
        const rotated: WebhookEndpointRecord = {
          ...ep,
          secrets: [...ep.secrets, { sealed: 'v1.k1.new', createdAt: T0 + 9, expiresAt: null }],
          status: 'disabled',
          consecutiveFailures: 7,
          failingSince: T0 + 1,
          disabledAt: T0 + 9,
          updatedAt: T0 + 9,
        };
        await store.transaction(async (tx) => {
          expect(await tx.lockWebhookEndpoint(ep.id)).toStrictEqual(ep);
          await tx.updateWebhookEndpoint(rotated);
        });
        expect(await store.getWebhookEndpoint(ep.id)).toStrictEqual(rotated);
        await expect(store.transaction((tx) => tx.updateWebhookEndpoint(endpoint()))).rejects.toThrow(/no row/);
      });

      it('claims only the head of each (endpoint, payment) line, in the order they were queued', async () => {
        const [d1, d2, d3] = e1.map((e, i) => delivery(e, ep, { createdAt: T0 + i }));
        const other = delivery(e2, ep);
        await store.transaction(async (tx) => {
          // d3 has the lowest id, but the queue order (insertion) decides
          for (const d of [d1, d2, other]) if (d) await tx.insertWebhookDelivery(d);
          await tx.insertWebhookDelivery({ ...(d3 as WebhookDeliveryRecord), id: `whd_${'0'.repeat(26)}` });
        });
        const first = await store.transaction((tx) => claim(tx));
        expect(new Set(first.map((d) => d.id))).toEqual(new Set([d1?.id, other.id]));
        expect(first.every((d) => d.status === 'in_flight' && d.attempts === 1 && d.leaseOwner === 'w1')).toBe(true);
        // one in flight per line: nothing more until it is recorded
        expect(await store.transaction((tx) => claim(tx))).toEqual([]);
        await store.transaction((tx) => tx.recordWebhookAttempt(d1?.id ?? '', { status: 'delivered', nextAttemptAt: T0, lastStatusCode: 200, lastError: null, at: T0 + 1 }));
        const second = await store.transaction((tx) => claim(tx));
        expect(second.map((d) => d.id)).toEqual([d2?.id]);
        // a failed attempt waiting for its retry still holds back the versions after it
        await store.transaction((tx) => tx.recordWebhookAttempt(d2?.id ?? '', { status: 'pending', nextAttemptAt: T0 + 5_000, lastStatusCode: 503, lastError: 'HTTP 503', at: T0 + 2 }));
        expect(await store.transaction((tx) => claim(tx, T0 + 10))).toEqual([]);
        // d3 is due but waits behind d2: the next work is d2's retry
        expect(await store.nextWebhookDue()).toBe(T0 + 5_000);
        const retried = await store.transaction((tx) => claim(tx, T0 + 5_000));
        expect(retried.map((d) => [d.id, d.attempts])).toEqual([[d2?.id, 2]]);
        const [stored1] = await store.listWebhookDeliveries(e1[0]?.id ?? '');
        expect(stored1).toMatchObject({ status: 'delivered', lastStatusCode: 200, completedAt: T0 + 1, leaseUntil: null });
        const [stored2] = await store.listWebhookDeliveries(e1[1]?.id ?? '');
        expect(stored2).toMatchObject({ status: 'in_flight', lastStatusCode: 503, lastError: 'HTTP 503', completedAt: null });
      });

      it('skips disabled endpoints, reschedules, and takes back expired leases', async () => {
        const off = endpoint({ status: 'disabled', disabledAt: T0 });
        const d = delivery(e2, off, { nextAttemptAt: T0 + 60_000 });
        const onP1 = delivery(e1[0] as EventRecord, ep);
        await store.transaction(async (tx) => {
          await tx.insertWebhookEndpoint(off);
          await tx.insertWebhookDelivery(d);
          await tx.insertWebhookDelivery(onP1);
        });
        expect(await store.nextWebhookDue()).toBe(T0);
        expect((await store.transaction((tx) => claim(tx, T0))).map((x) => x.id)).toEqual([onP1.id]);
        expect(await store.nextWebhookDue()).toBe(T0 + 30_000); // the lease of onP1
        await store.transaction(async (tx) => {
          await tx.updateWebhookEndpoint({ ...off, status: 'enabled', disabledAt: null });
          expect(await tx.rescheduleWebhookDeliveries(off.id, T0 + 10)).toBe(1);
        });
        expect(await store.nextWebhookDue()).toBe(T0 + 10);
        const later = await store.transaction((tx) => claim(tx, T0 + 30_000));
        // onP1's lease ran out: it is claimed again beside the re-enabled endpoint's delivery
        expect(new Set(later.map((x) => x.id))).toEqual(new Set([d.id, onP1.id]));
        expect(later.find((x) => x.id === onP1.id)?.attempts).toBe(2);
      });

      it('concurrent claimers never share a delivery or a line', async () => {
        const ds = [...e1.map((e) => delivery(e, ep)), delivery(e2, ep)];
        await store.transaction(async (tx) => {
          for (const d of ds) await tx.insertWebhookDelivery(d);
        });
        const [a, b] = await claimConcurrently((tx) => claim(tx));
        const all = [...a, ...b];
        expect(new Set(all.map((d) => d.id)).size).toBe(all.length);
        expect(new Set(all.map((d) => d.paymentId)).size).toBe(all.length);
        expect(all.filter((d) => d.paymentId === p1.id).every((d) => d.version === 1)).toBe(true);
      });
    });

    describe('idempotency keys', () => {
      it('insert reports a conflict with false and the transaction still commits', async () => {
        const first = idempotency({ key: 'k1' });
        const p = payment();
        await store.transaction(async (tx) => {
          expect(await tx.insertIdempotency(first)).toBe(true);
        });
        await store.transaction(async (tx) => {
          expect(await tx.insertIdempotency(idempotency({ key: 'k1', requestHash: 'b'.repeat(64) }))).toBe(false);
          // the transaction is still usable after the conflict, and commits
          await tx.insertPayment(p);
          expect(await tx.insertIdempotency(idempotency({ key: 'k1', merchantId: 'mch_b' }))).toBe(true);
        });
        expect(await store.getPayment(p.id)).toEqual(p);
        await store.transaction(async (tx) => {
          expect(await tx.getIdempotency('mch_a', 'k1')).toStrictEqual(first);
          expect((await tx.getIdempotency('mch_b', 'k1'))?.merchantId).toBe('mch_b');
          expect(await tx.getIdempotency('mch_a', 'k2')).toBeNull();
        });
      });

      it('complete stores the response; delete frees the key', async () => {
        const r = idempotency({ key: 'k1' });
        await store.transaction(async (tx) => {
          await tx.insertIdempotency(r);
          expect(await tx.completeIdempotency('mch_a', 'k1', 'someone-else', 500, 'x')).toBe(false);
          expect(await tx.completeIdempotency('mch_a', 'k1', 'owner-1', 201, '{"id":"pay_1"}')).toBe(true);
          // once done, never overwritten
          expect(await tx.completeIdempotency('mch_a', 'k1', 'owner-1', 409, 'later')).toBe(false);
        });
        expect(await store.transaction((tx) => tx.getIdempotency('mch_a', 'k1'))).toStrictEqual({
          ...r,
          state: 'done',
          responseStatus: 201,
          responseBody: '{"id":"pay_1"}',
        });
        await store.transaction((tx) => tx.deleteIdempotency('mch_a', 'k1'));
        expect(await store.transaction((tx) => tx.getIdempotency('mch_a', 'k1'))).toBeNull();
        expect(await store.transaction((tx) => tx.insertIdempotency(r))).toBe(true);
      });
    });

    describe('idempotency keys bound to their effect', () => {
      it('bind only by the holder, only once; a bound key is never taken over nor released', async () => {
        const r = idempotency({ key: 'kb' });
        await store.transaction((tx) => tx.insertIdempotency(r));
        await store.transaction(async (tx) => {
          expect(await tx.bindIdempotency('mch_a', 'kb', 'intruder', { kind: 'refund', id: 're_x' })).toBe(false);
          expect(await tx.bindIdempotency('mch_a', 'kb', 'owner-1', { kind: 'refund', id: 're_1' })).toBe(true);
          expect(await tx.bindIdempotency('mch_a', 'kb', 'owner-1', { kind: 'refund', id: 're_2' })).toBe(false);
          expect(await tx.takeOverIdempotency('mch_a', 'kb', 'owner-1', 'owner-2', T0 + 61_000)).toBe(false);
          expect(await tx.releaseIdempotency('mch_a', 'kb', 'owner-1')).toBe(false);
        });
        expect(await store.transaction((tx) => tx.getIdempotency('mch_a', 'kb'))).toStrictEqual({ ...r, effectKind: 'refund', effectId: 're_1' });
      });

      it('a bind rolled back with its effect leaves the key free of effect', async () => {
        const r = idempotency({ key: 'kr' });
        const p = payment();
        await store.transaction((tx) => tx.insertIdempotency(r));
        await expect(
          store.transaction(async (tx) => {
            await tx.insertPayment(p);
            expect(await tx.bindIdempotency('mch_a', 'kr', 'owner-1', { kind: 'payment', id: p.id })).toBe(true);
            throw new Error('crash before commit');
          }),
        ).rejects.toThrow('crash before commit');
        expect(await store.getPayment(p.id)).toBeNull();
        expect((await store.transaction((tx) => tx.getIdempotency('mch_a', 'kr')))?.effectId).toBeNull();
      });

      it('bind with a response stores it as done in the same write', async () => {
        await store.transaction((tx) => tx.insertIdempotency(idempotency({ key: 'kd' })));
        await store.transaction((tx) => tx.bindIdempotency('mch_a', 'kd', 'owner-1', { kind: 'payment', id: 'pay_9' }, { status: 422, body: 'problem' }));
        expect(await store.transaction((tx) => tx.getIdempotency('mch_a', 'kd'))).toMatchObject({
          state: 'done',
          responseStatus: 422,
          responseBody: 'problem',
          effectKind: 'payment',
          effectId: 'pay_9',
        });
      });

      it('takeover moves an unbound key to the new holder; the old holder can then neither bind nor complete', async () => {
        await store.transaction((tx) => tx.insertIdempotency(idempotency({ key: 'kt' })));
        await store.transaction(async (tx) => {
          expect(await tx.takeOverIdempotency('mch_a', 'kt', 'not-the-holder', 'owner-2', T0 + 61_000)).toBe(false);
          expect(await tx.takeOverIdempotency('mch_a', 'kt', 'owner-1', 'owner-2', T0 + 61_000)).toBe(true);
          expect(await tx.bindIdempotency('mch_a', 'kt', 'owner-1', { kind: 'refund', id: 're_old' })).toBe(false);
          expect(await tx.completeIdempotency('mch_a', 'kt', 'owner-1', 201, 'old')).toBe(false);
          expect(await tx.releaseIdempotency('mch_a', 'kt', 'owner-1')).toBe(false);
        });
        expect(await store.transaction((tx) => tx.getIdempotency('mch_a', 'kt'))).toMatchObject({ owner: 'owner-2', createdAt: T0 + 61_000, effectId: null });
        expect(await store.transaction((tx) => tx.releaseIdempotency('mch_a', 'kt', 'owner-2'))).toBe(true);
        expect(await store.transaction((tx) => tx.getIdempotency('mch_a', 'kt'))).toBeNull();
      });
    });

    describe('one-time codes', () => {
      it('put, replace, get and delete', async () => {
        const p = payment();
        await insertPayments(p);
        const first = { paymentId: p.id, codeHash: 'hash-1', expiresAt: T0 + 300_000, createdAt: T0 };
        const second = { paymentId: p.id, codeHash: 'hash-2', expiresAt: T0 + 400_000, createdAt: T0 + 100_000 };
        await store.transaction((tx) => tx.putOtp(first));
        expect(await store.transaction((tx) => tx.getOtp(p.id))).toStrictEqual(first);
        await store.transaction((tx) => tx.putOtp(second));
        expect(await store.transaction((tx) => tx.getOtp(p.id))).toStrictEqual(second);
        await store.transaction((tx) => tx.deleteOtp(p.id));
        expect(await store.transaction((tx) => tx.getOtp(p.id))).toBeNull();
      });
    });
  });
}
