import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../engine/errors.js';
import type { ClearMethod } from '../engine/payments.js';
import type { PaymentPolicy } from '../engine/machine-types.js';
import type { PaymentRecord } from '../store/types.js';
import { createHarness, type Harness } from './harness.js';
import type { Connector, ConnectorEnv, FlowName } from './types.js';

/**
 * `bad_integrity`: the bank acts and answers, but the reply fails its integrity check (a broken
 * MAC on ISO 8583, a signature that does not verify on ISO 20022), on the flow named.
 */
export type Fault = 'no_reply' | 'late_reply' | 'duplicate_reply' | 'malformed_reply' | 'unreachable' | 'bad_integrity';
export type BankFlow = Exclude<FlowName, 'inbound'>;

/** What a connector's bank simulator offers the kit. */
export interface ConformanceBank {
  currency: string;
  methods: {
    approved: ClearMethod;
    /** Absent when the rail cannot verify accounts. */
    declinedAtVerify?: ClearMethod;
    declinedAtTransfer: ClearMethod;
  };
  /** The next request of `flow` meets `fault`. */
  inject(fault: Fault, flow: BankFlow): void;
  /** What the bank executed for a payment: one entry per reference it acted on. */
  executed(paymentId: string): { flow: BankFlow; reference: string; ok: boolean; reversed: boolean; received?: number }[];
}

export const CONFORMANCE_TESTS = [
  'happy path',
  'decline at verify',
  'decline at transfer',
  'timeout -> inquiry or reversal',
  'reply after the timeout',
  'duplicate reply',
  'full and partial refund',
  'refund past the window',
  'refund above the remaining amount',
  'malformed reply',
  'bank unreachable',
  'bad integrity at verify',
  'bad integrity at authorize or transfer',
  'bad integrity at refund',
  'bad integrity at inquiry',
  'bad integrity at reverse',
] as const;
export type ConformanceTest = (typeof CONFORMANCE_TESTS)[number];

export interface ConformanceOptions<C extends Connector> {
  name?: string;
  newConnector: (env: ConnectorEnv) => C | Promise<C>;
  bank: (connector: C) => ConformanceBank;
  settings?: Record<string, unknown>;
  /** Real time for connectors that talk to a simulator over sockets (see createHarness). */
  realTime?: boolean;
  policy?: Partial<PaymentPolicy>;
  /** Tests this connector cannot run, each group with the reason. */
  skip?: { reason: string; tests: ConformanceTest[] }[];
}

/**
 * The one suite every connector runs against its simulator. It drives the real engine on a
 * manual clock and checks outcomes against what the bank says it did: a payment reported
 * `succeeded` must have money standing at the bank, a failed or reversed one must not, and no
 * request is ever executed twice.
 */
export function runConnectorConformance<C extends Connector>(opts: ConformanceOptions<C>): void {
  const skipped = new Map<string, string>();
  for (const s of opts.skip ?? []) for (const t of s.tests) skipped.set(t, s.reason);

  describe(`connector conformance: ${opts.name ?? 'connector'}`, () => {
    let h: Harness;
    let bank: ConformanceBank;
    let connector: C;

    beforeEach(async () => {
      h = await createHarness({
        newConnector: async (env) => {
          connector = await opts.newConnector(env);
          return connector;
        },
        ...(opts.settings ? { settings: opts.settings } : {}),
        ...(opts.realTime ? { realTime: true } : {}),
        ...(opts.policy ? { policy: opts.policy } : {}),
      });
      bank = opts.bank(connector);
    });
    afterEach(async () => {
      await h.close();
    });

    const test = (name: ConformanceTest, fn: () => Promise<void>): void => {
      const reason = skipped.get(name);
      // A connector skips a test only with a reason (its `skip` option); the reason shows in the name.
      if (reason) it.skip(`${name} (skipped: ${reason})`, fn);
      else it(name, fn);
    };

    const caps = () => connector.capabilities.methods[bank.methods.approved.type];
    const confirmFlow = (): BankFlow => (caps()?.authorize ? 'authorize' : 'transfer');

    /** Money stands at the bank when an authorisation or transfer was executed and not reversed. */
    const moneyStanding = (paymentId: string): boolean =>
      bank.executed(paymentId).some((e) => (e.flow === 'authorize' || e.flow === 'transfer') && e.ok && !e.reversed);

    const expectConsistent = async (p: PaymentRecord): Promise<void> => {
      const executed = bank.executed(p.id);
      for (const flow of ['verify', 'authorize', 'transfer'] as const) {
        const oks = executed.filter((e) => e.flow === flow && e.ok);
        expect(oks.length, `${flow} executed with success at most once`).toBeLessThanOrEqual(1);
      }
      // A reference goes out once, or again as a repeat after the bank said it never received it:
      // the bank may see it as often as Railyard sent it, and executes it once (below).
      const commands = await h.store.listCommands(p.id);
      // Banks may spell a reference their own way (cmd_… as cmd-…): compare letters and digits only.
      const same = (a: string, b: string) => a.replace(/[^A-Za-z0-9]/g, '') === b.replace(/[^A-Za-z0-9]/g, '');
      for (const e of executed) {
        const sends = commands.filter((c) => c.kind === 'bank' && same(c.reference, e.reference));
        if (sends.length > 1) expect(sends.slice(1).every((c) => (c.spec as { repeat?: boolean }).repeat === true), `${e.reference} sent again only as a repeat`).toBe(true);
        if (e.received !== undefined) expect(e.received, `${e.flow} ${e.reference} sent once, or resent after "never received"`).toBeLessThanOrEqual(Math.max(1, sends.length));
      }
      const refs = executed.map((e) => e.reference);
      expect(new Set(refs).size, 'no reference executed twice').toBe(refs.length);
      if (p.status === 'succeeded') expect(moneyStanding(p.id), 'succeeded means the money moved').toBe(true);
      if (p.status === 'failed' || p.status === 'reversed' || p.status === 'expired' || p.status === 'canceled') {
        expect(moneyStanding(p.id), `${p.status} means no money stands`).toBe(false);
      }
    };

    const refundError = async (paymentId: string, amount: number): Promise<EngineError> => {
      try {
        await h.engine.payments.refund(h.merchant, paymentId, { amount });
      } catch (err) {
        if (err instanceof EngineError) return err;
        throw err;
      }
      throw new Error('refund was accepted');
    };

    const succeeded = async (): Promise<PaymentRecord> => {
      const p = await h.settle((await h.pay({ currency: bank.currency, payment_method: bank.methods.approved })).id);
      expect(p.status).toBe('succeeded');
      return p;
    };

    test('happy path', async () => {
      const p = await succeeded();
      await expectConsistent(p);
      const events = await h.store.listEvents({ merchantId: h.merchant.id, limit: 20, paymentId: p.id });
      expect(events.items.map((e) => e.type)).toContain('payment.succeeded');
    });

    test('decline at verify', async () => {
      const method = bank.methods.declinedAtVerify;
      if (!method) throw new Error('the bank declares no verification decline; skip this test with a reason');
      const p = await h.settle((await h.pay({ currency: bank.currency, payment_method: method })).id);
      expect(p.status).toBe('failed');
      expect(p.snapshot.context.failure).toMatchObject({ code: expect.any(String) });
      expect(bank.executed(p.id).filter((e) => e.flow !== 'verify')).toEqual([]);
    });

    test('decline at transfer', async () => {
      const p = await h.settle((await h.pay({ currency: bank.currency, payment_method: bank.methods.declinedAtTransfer })).id);
      expect(['failed', 'reversed']).toContain(p.status);
      await expectConsistent(p);
    });

    test('timeout -> inquiry or reversal', async () => {
      // The request is lost on the way: the bank never executes it.
      bank.inject('no_reply', confirmFlow());
      const p = await h.settle((await h.pay({ currency: bank.currency, payment_method: bank.methods.approved })).id);
      const commands = (await h.store.listCommands(p.id)).filter((c) => c.kind === 'bank');
      const flows = commands.map((c) => c.name);
      expect(flows.some((f) => f === 'inquire' || f === 'reverse'), 'the unknown outcome was inquired or reversed').toBe(true);
      const said = (c: (typeof commands)[number], flag: 'neverReceived' | 'originalNeverReceived') => (c.outcome as Record<string, unknown> | null)?.[flag] === true;
      const neverReceived = commands.some((c) => (c.name === 'inquire' && said(c, 'neverReceived')) || (c.name === 'reverse' && said(c, 'originalNeverReceived')));
      if (neverReceived) {
        // The inquiry (or a reversal that found nothing) proved the bank never received it: sent
        // again under the same reference, the payment ends as it would have without the loss.
        expect(p.status).toBe('succeeded');
        const sent = commands.filter((c) => c.name === confirmFlow());
        expect(sent.length).toBeGreaterThanOrEqual(2);
        expect(sent[1]?.reference, 'resent under the reference of the lost request').toBe(sent[0]?.reference);
      } else {
        // The bank got it (its reply was lost): never a blind success.
        expect(p.status).not.toBe('succeeded');
      }
      await expectConsistent(p);
    });

    test('reply after the timeout', async () => {
      bank.inject('late_reply', confirmFlow());
      const id = (await h.pay({ currency: bank.currency, payment_method: bank.methods.approved })).id;
      await h.settle(id);
      // let the late reply arrive and whatever it triggers finish
      await h.advance(connector.capabilities.callTimeoutMs * 4);
      const p = await h.settle(id);
      expect(['succeeded', 'failed', 'reversed']).toContain(p.status);
      await expectConsistent(p);
    });

    test('duplicate reply', async () => {
      bank.inject('duplicate_reply', confirmFlow());
      const id = (await h.pay({ currency: bank.currency, payment_method: bank.methods.approved })).id;
      await h.settle(id);
      await h.advance(1_000);
      const p = await h.settle(id);
      expect(p.status).toBe('succeeded');
      await expectConsistent(p);
      const history = await h.store.listHistory(id);
      expect(history.some((r) => r.kind === 'note'), 'the duplicate was recorded and ignored').toBe(true);
    });

    test('full and partial refund', async () => {
      const p = await succeeded();
      const partial = connector.capabilities.refunds && connector.capabilities.refunds.partial;
      const first = partial ? Math.floor(p.amount / 4) : p.amount;
      const r1 = await h.engine.payments.refund(h.merchant, p.id, { amount: first });
      await h.advance(1_000);
      await h.settle(p.id);
      await h.advance(connector.capabilities.callTimeoutMs);
      expect((await h.store.getRefund(r1.id))?.status).toBe('succeeded');
      if (partial) {
        const r2 = await h.engine.payments.refund(h.merchant, p.id, { amount: p.amount - first });
        await h.advance(connector.capabilities.callTimeoutMs);
        expect((await h.store.getRefund(r2.id))?.status).toBe('succeeded');
      }
      expect((await refundError(p.id, 1)).code).toBe('refund_exceeds_remaining');
    });

    test('refund past the window', async () => {
      const p = await succeeded();
      const refunds = connector.capabilities.refunds;
      const days = refunds ? refunds.windowDays : 0;
      await h.clock.advance((days + 1) * 86_400_000);
      expect((await refundError(p.id, p.amount)).code).toBe('refund_window_expired');
    });

    test('refund above the remaining amount', async () => {
      const p = await succeeded();
      const err = await refundError(p.id, p.amount + 1);
      expect(err.code).toBe('refund_exceeds_remaining');
      expect(err.param).toBe('amount');
    });

    test('malformed reply', async () => {
      bank.inject('malformed_reply', confirmFlow());
      const p = await h.settle((await h.pay({ currency: bank.currency, payment_method: bank.methods.approved })).id);
      expect(['succeeded', 'failed', 'reversed', 'requires_review']).toContain(p.status);
      await expectConsistent(p);
    });

    // A reply that fails its integrity check is never the bank's answer: the outcome is unknown,
    // inquired or reversed, and the payment (or refund) ends in review as integrity_failed, never
    // succeeded, declined or failed on the strength of a reply anyone could have written.
    const expectIntegrityReview = async (p: PaymentRecord, after: BankFlow): Promise<void> => {
      expect(p.status, 'an untrusted reply ends in review').toBe('requires_review');
      expect(p.snapshot.context.failure).toMatchObject({ code: 'integrity_failed' });
      const flows = (await h.store.listCommands(p.id)).filter((c) => c.kind === 'bank').map((c) => c.name);
      const later = flows.slice(flows.indexOf(after) + 1);
      expect(later.some((f) => f === 'inquire' || f === 'reverse' || f === after), `the untrusted ${after} reply was followed by an inquiry, a reversal or a repeat`).toBe(true);
      // A verification moves no money and may be asked again under a new reference: only the money rules apply.
      if (after !== 'verify') await expectConsistent(p);
    };

    test('bad integrity at verify', async () => {
      if (!caps()?.verify) throw new Error('the rail has no verification; skip this test with a reason');
      bank.inject('bad_integrity', 'verify');
      const p = await h.settle((await h.pay({ currency: bank.currency, payment_method: bank.methods.approved })).id);
      await expectIntegrityReview(p, 'verify');
      // an untrusted verification is never followed by the money-moving request
      expect(bank.executed(p.id).filter((e) => e.flow === 'authorize' || e.flow === 'transfer')).toEqual([]);
    });

    test('bad integrity at authorize or transfer', async () => {
      const flows: BankFlow[] = caps()?.authorize ? ['authorize', 'transfer'] : ['transfer'];
      for (const flow of flows) {
        bank.inject('bad_integrity', flow);
        const id = (await h.pay({ currency: bank.currency, payment_method: bank.methods.approved })).id;
        await h.settle(id);
        await h.advance(connector.capabilities.callTimeoutMs * 2);
        const p = await h.settle(id);
        await expectIntegrityReview(p, flow);
      }
    });

    test('bad integrity at refund', async () => {
      const p = await succeeded();
      bank.inject('bad_integrity', 'refund');
      const r = await h.engine.payments.refund(h.merchant, p.id, { amount: p.amount });
      for (let i = 0; i < 60; i++) {
        await h.advance(Math.max(500, connector.capabilities.callTimeoutMs));
        if ((await h.store.getRefund(r.id))?.status !== 'pending') break;
      }
      const refund = await h.store.getRefund(r.id);
      expect(refund?.status, 'an untrusted refund reply is neither success nor failure').toBe('requires_review');
      expect(refund?.snapshot.context.failure).toMatchObject({ code: 'integrity_failed' });
    });

    test('bad integrity at inquiry', async () => {
      if (!caps()?.inquiry) throw new Error('the connector has no inquiry; skip this test with a reason');
      // The confirming request gets no answer, so it is inquired; the first answer is untrusted.
      bank.inject('no_reply', confirmFlow());
      bank.inject('bad_integrity', 'inquire');
      const p = await h.settle((await h.pay({ currency: bank.currency, payment_method: bank.methods.approved })).id);
      expect(p.status).toBe('requires_review');
      expect(p.snapshot.context.failure).toMatchObject({ code: 'integrity_failed' });
      const inquiries = (await h.store.listCommands(p.id)).filter((c) => c.kind === 'bank' && c.name === 'inquire');
      expect(inquiries.length, 'the untrusted answer was asked again').toBeGreaterThanOrEqual(2);
      await expectConsistent(p);
    });

    test('bad integrity at reverse', async () => {
      if (caps()?.inquiry) throw new Error('with an inquiry an unknown outcome is asked about, not reversed; skip this test with a reason');
      // An untrusted approval is reversed; the reversal's own reply is untrusted too, so it is repeated.
      bank.inject('bad_integrity', confirmFlow());
      bank.inject('bad_integrity', 'reverse');
      const id = (await h.pay({ currency: bank.currency, payment_method: bank.methods.approved })).id;
      await h.settle(id);
      await h.advance(connector.capabilities.callTimeoutMs * 2);
      const p = await h.settle(id);
      await expectIntegrityReview(p, 'reverse');
      const reversals = (await h.store.listCommands(p.id)).filter((c) => c.kind === 'bank' && c.name === 'reverse');
      expect(reversals.length, 'the reversal with the untrusted reply was repeated').toBeGreaterThanOrEqual(2);
      expect(reversals.slice(1).every((c) => (c.spec as { repeat?: boolean }).repeat === true), 'as a repeat').toBe(true);
    });

    test('bank unreachable', async () => {
      const first: BankFlow = caps()?.verify ? 'verify' : confirmFlow();
      for (let i = 0; i < 20; i++) bank.inject('unreachable', first);
      const p = await h.settle((await h.pay({ currency: bank.currency, payment_method: bank.methods.approved })).id);
      expect(p.status).toBe('failed');
      expect(p.snapshot.context.failure).toMatchObject({ code: 'bank_unreachable' });
      expect(bank.executed(p.id)).toEqual([]);
    });
  });
}
