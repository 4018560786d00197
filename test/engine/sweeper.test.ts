import { afterEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/connector/outcome.js';
import { defaultPaymentPolicy, type EngineEvent } from '../../src/engine/machine-types.js';
import { startMachine, step, type Step } from '../../src/engine/machines.js';
import { PAYMENT_STATUS, type PaymentSteps } from '../../src/engine/payment-machine.js';
import { REFUND_STATUS } from '../../src/engine/refund-machine.js';
import type { EventInput } from '../../src/engine/runner.js';
import type { CommandRecord, PaymentRecord, RefundRecord, Store } from '../../src/store/index.js';
import { command, payment, refund } from '../store/fixtures.js';
import { merchant, node, openStore, type StoreKind } from './fault-setup.js';

const ok: Outcome = { kind: 'ok' };
const unk: Outcome = { kind: 'unknown', retryable: true };
const pend: Outcome = { kind: 'pending' };
const res = (flow: 'verify' | 'authorize' | 'transfer', outcome: Outcome): EventInput => ({ type: 'RESULT', flow, outcome, reference: `ref-${flow}` });

const CARD: PaymentSteps = { verify: true, otp: true, authorize: true, inquiry: false };
const ACCOUNT: PaymentSteps = { verify: true, otp: true, authorize: false, inquiry: true };
const CARD_INQUIRY: PaymentSteps = { ...CARD, inquiry: true };

function drive(steps: PaymentSteps, events: EventInput[], at: number): Step {
  let s = startMachine('payment', { paymentId: 'pay_x', amount: 1_000, currency: 'EUR', steps, policy: defaultPaymentPolicy });
  for (const e of events) s = step('payment', 1, s.snapshot, { ...e, at } as EngineEvent);
  return s;
}

interface Case {
  name: string;
  steps: PaymentSteps;
  events: EventInput[];
  state: string;
  /** Bank requests on record (done, their answers never applied). */
  sent: string[];
  /** Where the sweeper leaves it (from there a timer or a command moves it on, or it is final). */
  to: string;
}

const V_OK = res('verify', ok);
const cases: Case[] = [
  { name: 'received (nothing sent yet)', steps: CARD, events: [], state: 'received', sent: [], to: 'manual_review' },
  { name: 'verifying', steps: CARD, events: [{ type: 'START' }], state: 'verifying', sent: ['verify'], to: 'verification_unknown' },
  { name: 'verification_unknown', steps: ACCOUNT, events: [{ type: 'START' }, res('verify', unk)], state: 'verification_unknown', sent: ['verify', 'inquire'], to: 'verification_unknown' },
  { name: 'awaiting_confirmation (its expiry lost)', steps: ACCOUNT, events: [{ type: 'START' }, V_OK], state: 'awaiting_confirmation', sent: ['verify'], to: 'expired' },
  { name: 'confirming, card without inquiry: reversed', steps: CARD, events: [{ type: 'START' }, V_OK, { type: 'OTP.VALID' }], state: 'confirming', sent: ['verify', 'authorize'], to: 'reversing' },
  { name: 'confirming, account with inquiry: inquired', steps: ACCOUNT, events: [{ type: 'START' }, V_OK, { type: 'OTP.VALID' }], state: 'confirming', sent: ['verify', 'transfer'], to: 'confirmation_unknown' },
  { name: 'confirmation_unknown', steps: ACCOUNT, events: [{ type: 'START' }, V_OK, { type: 'OTP.VALID' }, res('transfer', unk)], state: 'confirmation_unknown', sent: ['verify', 'transfer', 'inquire'], to: 'confirmation_unknown' },
  { name: 'authorized (its completion unanswered)', steps: CARD, events: [{ type: 'START' }, V_OK, { type: 'OTP.VALID' }, res('authorize', ok)], state: 'authorized', sent: ['verify', 'authorize', 'transfer'], to: 'reversing' },
  { name: 'transfer_pending (its poll lost)', steps: ACCOUNT, events: [{ type: 'START' }, V_OK, { type: 'OTP.VALID' }, res('transfer', pend)], state: 'transfer_pending', sent: ['verify', 'transfer'], to: 'transfer_pending' },
  { name: 'transfer_unknown', steps: CARD_INQUIRY, events: [{ type: 'START' }, V_OK, { type: 'OTP.VALID' }, res('authorize', ok), { type: 'RESULT', flow: 'transfer', outcome: unk, reference: 'ref-transfer' }], state: 'transfer_unknown', sent: ['verify', 'authorize', 'transfer', 'inquire'], to: 'transfer_unknown' },
  { name: 'reversing', steps: CARD, events: [{ type: 'START' }, V_OK, { type: 'OTP.VALID' }, res('authorize', unk)], state: 'reversing', sent: ['verify', 'authorize', 'reverse'], to: 'reversing' },
];

const drops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const d of drops.splice(0)) await d();
});

async function insert(store: Store, p: PaymentRecord, r: RefundRecord | null, commands: CommandRecord[]): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.insertPayment(p);
    if (r) await tx.insertRefund(r);
    for (const c of commands) await tx.insertCommand(c);
  });
}

function sentCommands(p: PaymentRecord, aggregateId: string, kind: 'payment' | 'refund', flows: string[], at: number): CommandRecord[] {
  return flows.map((flow, i) =>
    command(p, { aggregateId, aggregateKind: kind, name: flow, reference: `ref-${aggregateId}-${flow}`, spec: { kind: 'bank', flow }, status: 'done', attempts: 1, leaseOwner: 'gone', completedAt: at, createdAt: at + i, outcome: { kind: 'ok', engineError: 'SqliteError SQLITE_BUSY' } }),
  );
}

const swept = async (store: Store, paymentId: string, aggregateId: string) =>
  (await store.listHistory(paymentId)).filter((h) => h.aggregateId === aggregateId && h.kind === 'note' && typeof h.data === 'object' && h.data !== null && 'swept' in h.data);

for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
  describe(`the sweeper (${kind})`, () => {
    async function setup() {
      const opened = await openStore(kind);
      drops.push(opened.drop);
      const n = node(opened.store, { extra: { sweepGraceMs: 60_000 } });
      drops.push(() => n.engine.stop());
      return { store: opened.store, n, another: opened.another };
    }

    it('moves a payment stranded in each state that can strand, with the reason in its history', async () => {
      const { store, n } = await setup();
      const old = n.clock.now() - 61_000;
      const planted: { c: Case; p: PaymentRecord }[] = [];
      for (const c of cases) {
        const s = drive(c.steps, c.events, old);
        expect(s.state, c.name).toBe(c.state);
        const p = payment({ merchantId: merchant.id, connector: 'sandbox', state: s.state, status: PAYMENT_STATUS[s.state as keyof typeof PAYMENT_STATUS], machineVersion: 1, snapshot: s.snapshot, version: 3, createdAt: old, updatedAt: old });
        await insert(store, p, null, sentCommands(p, p.id, 'payment', c.sent, old));
        planted.push({ c, p });
      }
      // two that are not stranded: one with a live deadline, one that moved a moment ago
      const waiting = payment({ merchantId: merchant.id, connector: 'sandbox', state: 'confirming', status: 'processing', machineVersion: 1, snapshot: drive(CARD, [{ type: 'START' }, V_OK, { type: 'OTP.VALID' }], old).snapshot, updatedAt: old });
      const recent = payment({ merchantId: merchant.id, connector: 'sandbox', state: 'confirming', status: 'processing', machineVersion: 1, snapshot: waiting.snapshot, updatedAt: n.clock.now() - 1_000 });
      await insert(store, waiting, null, []);
      await insert(store, recent, null, []);
      await store.transaction((tx) => tx.upsertTimer({ aggregateId: waiting.id, aggregateKind: 'payment', name: 'retry', dueAt: n.clock.now() + 60_000 }));

      expect(await n.engine.sweeper.sweep()).toBe(cases.length);
      for (const { c, p } of planted) {
        const after = await store.getPayment(p.id);
        expect(after?.state, c.name).toBe(c.to);
        const notes = await swept(store, p.id, p.id);
        expect(notes, c.name).toHaveLength(1);
        expect(notes[0]?.data).toMatchObject({ swept: { state: c.state, reason: expect.stringContaining('no timer and no open command') } });
        const moving = await store.transaction((tx) => tx.hasOpenWork(p.id));
        expect(moving || after?.status === 'requires_review' || after?.status === 'expired', c.name).toBe(true);
        if (c.to === 'manual_review') expect(after?.snapshot.context['failure']).toMatchObject({ code: 'stranded' });
        // an unanswered money request is asked about or reversed under its own reference, never resent
        const fresh = (await store.listCommands(p.id)).filter((x) => x.kind === 'bank' && x.status === 'pending');
        for (const f of fresh) expect(['verify', 'inquire', 'reverse'], `${c.name}: ${f.name}`).toContain(f.name);
      }
      expect(await swept(store, waiting.id, waiting.id)).toEqual([]);
      expect(await swept(store, recent.id, recent.id)).toEqual([]);
      // nothing is stranded any more: a second sweep finds nothing
      expect(await n.engine.sweeper.sweep()).toBe(0);
    });

    it('moves a refund stranded in submitted, submitted_unknown or requested', async () => {
      const { store, n } = await setup();
      const old = n.clock.now() - 61_000;
      const paid = payment({ merchantId: merchant.id, connector: 'sandbox', state: 'completed', status: 'succeeded', machineVersion: 1, snapshot: drive(ACCOUNT, [], old).snapshot, updatedAt: old });
      await insert(store, paid, null, []);
      const refundAt = (events: EventInput[], inquiry: boolean): Step => {
        let s = startMachine('refund', { refundId: 're_x', paymentId: paid.id, amount: 500, currency: 'EUR', inquiry, retry: defaultPaymentPolicy.retry, pollIntervalMs: 30_000 });
        for (const e of events) s = step('refund', 1, s.snapshot, { ...e, at: old } as EngineEvent);
        return s;
      };
      const plant = async (s: Step, sent: string[]) => {
        const r = refund(paid, { state: s.state, status: REFUND_STATUS[s.state as keyof typeof REFUND_STATUS], snapshot: s.snapshot, machineVersion: 1, createdAt: old, updatedAt: old });
        await store.transaction((tx) => tx.insertRefund(r));
        await store.transaction(async (tx) => {
          for (const c of sentCommands(paid, r.id, 'refund', sent, old)) await tx.insertCommand(c);
        });
        return r;
      };
      const submitted = await plant(refundAt([{ type: 'START' }], true), ['refund']);
      const unknownOne = await plant(refundAt([{ type: 'START' }, { type: 'RESULT', flow: 'refund', outcome: unk, reference: 'r' }], true), ['refund', 'inquire']);
      const requested = await plant(refundAt([], true), []);
      expect(await n.engine.sweeper.sweep()).toBe(3);
      expect((await store.getRefund(submitted.id))?.state).toBe('submitted_unknown');
      expect((await store.listCommands(submitted.id)).filter((c) => c.status === 'pending').map((c) => c.name)).toEqual(['inquire']);
      expect((await store.getRefund(unknownOne.id))?.state).toBe('submitted_unknown');
      expect(await store.transaction((tx) => tx.hasOpenWork(unknownOne.id))).toBe(true);
      expect((await store.getRefund(requested.id))?.state).toBe('manual_review');
      for (const r of [submitted, unknownOne, requested]) expect(await swept(store, paid.id, r.id)).toHaveLength(1);
      expect(await n.engine.sweeper.sweep()).toBe(0);
    });

    if (kind === 'postgres') {
      it('two nodes sweeping at once move each stranded payment once', async () => {
        const { store, n, another } = await setup();
        const b = node(await another(), { clock: n.clock, extra: { sweepGraceMs: 60_000 } });
        const old = n.clock.now() - 61_000;
        const s = drive(ACCOUNT, [{ type: 'START' }, V_OK, { type: 'OTP.VALID' }], old);
        const ids: string[] = [];
        for (let i = 0; i < 12; i++) {
          const p = payment({ merchantId: merchant.id, connector: 'sandbox', state: s.state, status: 'processing', machineVersion: 1, snapshot: s.snapshot, createdAt: old, updatedAt: old });
          await insert(store, p, null, sentCommands(p, p.id, 'payment', ['verify', 'transfer'], old));
          ids.push(p.id);
        }
        const [movedA, movedB] = await Promise.all([n.engine.sweeper.sweep(), b.engine.sweeper.sweep()]);
        expect(movedA + movedB).toBe(12);
        for (const id of ids) {
          expect(await swept(store, id, id)).toHaveLength(1);
          expect((await store.listCommands(id)).filter((c) => c.name === 'inquire')).toHaveLength(1);
          expect((await store.getPayment(id))?.state).toBe('confirmation_unknown');
        }
        await b.engine.stop();
      });
    }
  });
}
