import { describe, expect, it } from 'vitest';
import { startMachine, step, MachineVersionError, upgrade } from '../../src/engine/machines.js';
import { defaultPaymentPolicy } from '../../src/engine/machine-types.js';
import { paymentMachine, PAYMENT_STATUS, TERMINAL_PAYMENT_STATES, type PaymentState } from '../../src/engine/payment-machine.js';
import { ACCOUNT, CARD, dec, ns, ok, pend, res, runPayment, unk, type Ev } from './machine-helpers.js';

const START: Ev = { type: 'START' };
const OTP_OK: Ev = { type: 'OTP.VALID' };
const OTP_BAD: Ev = { type: 'OTP.INVALID' };
const RETRY: Ev = { type: 'TIMER', name: 'retry' };

/**
 * One path to every state of the payment machine. The test below checks this table covers
 * every state the machine defines, so a new state cannot be added untested.
 */
const PATHS: { state: PaymentState; steps: typeof CARD; events: Ev[] }[] = [
  { state: 'received', steps: CARD, events: [] },
  { state: 'verifying', steps: CARD, events: [START] },
  { state: 'verification_unknown', steps: ACCOUNT, events: [START, res('verify', unk)] },
  { state: 'awaiting_confirmation', steps: CARD, events: [START, res('verify', ok)] },
  { state: 'confirming', steps: CARD, events: [START, res('verify', ok), OTP_OK] },
  { state: 'confirmation_unknown', steps: ACCOUNT, events: [START, res('verify', ok), OTP_OK, res('transfer', unk)] },
  { state: 'authorized', steps: CARD, events: [START, res('verify', ok), OTP_OK, res('authorize', ok)] },
  { state: 'transfer_pending', steps: ACCOUNT, events: [START, res('verify', ok), OTP_OK, res('transfer', pend)] },
  { state: 'transfer_unknown', steps: { ...CARD, inquiry: true }, events: [START, res('verify', ok), OTP_OK, res('authorize', ok), res('transfer', unk)] },
  { state: 'reversing', steps: CARD, events: [START, res('verify', ok), OTP_OK, res('authorize', unk)] },
  { state: 'completed', steps: CARD, events: [START, res('verify', ok), OTP_OK, res('authorize', ok), res('transfer', ok)] },
  { state: 'declined', steps: CARD, events: [START, res('verify', dec)] },
  { state: 'failed', steps: CARD, events: [START, res('verify', ok), OTP_BAD, OTP_BAD, OTP_BAD] },
  { state: 'expired', steps: CARD, events: [START, res('verify', ok), { type: 'TIMER', name: 'otp_expiry' }] },
  { state: 'canceled', steps: CARD, events: [START, { type: 'CANCEL' }] },
  { state: 'reversed', steps: CARD, events: [START, res('verify', ok), OTP_OK, res('authorize', ok), res('transfer', unk), res('reverse', ok)] },
  // a bad-MAC approval is unknown: reversed, then reviewed
  { state: 'manual_review', steps: CARD, events: [START, res('verify', ok), OTP_OK, res('authorize', { kind: 'ok', integrity: 'failed' }), res('reverse', ok)] },
];

describe('payment machine: every state reachable', () => {
  it('the table names every state the machine defines', () => {
    const defined = Object.keys(paymentMachine.root.states).sort();
    expect(PATHS.map((p) => p.state).sort()).toEqual(defined);
    expect(Object.keys(PAYMENT_STATUS).sort()).toEqual(defined);
  });

  for (const p of PATHS) {
    it(`reaches ${p.state} (${PAYMENT_STATUS[p.state]})`, () => {
      const { last } = runPayment(p.steps, p.events);
      expect(last.state).toBe(p.state);
      expect(last.status).toBe(PAYMENT_STATUS[p.state]);
    });
  }

  it('terminal states ignore ordinary events', () => {
    for (const p of PATHS.filter((x) => TERMINAL_PAYMENT_STATES.includes(x.state))) {
      const { last } = runPayment(p.steps, p.events);
      for (const e of [START, OTP_OK, { type: 'CANCEL' } as Ev, res('verify', ok)]) {
        const next = step('payment', 1, last.snapshot, { ...e, at: 99_999 } as never);
        expect(next.state, `${p.state} + ${e.type}`).toBe(p.state);
        expect(next.commands).toEqual([]);
      }
    }
  });
});

describe('payment machine: commands and deadlines', () => {
  it('asks the bank to verify on start and notifies the customer with a code after', () => {
    const { all } = runPayment(CARD, [START, res('verify', ok)]);
    expect(all[1]?.commands).toEqual([{ kind: 'bank', flow: 'verify' }]);
    expect(all[2]?.commands).toEqual([{ kind: 'notify', notification: 'otp' }]);
    expect(all[2]?.timers).toEqual([{ name: 'otp_expiry', at: 3_000 + defaultPaymentPolicy.otpTtlMs }]);
  });

  it('skips verification and confirmation when neither applies', () => {
    const { last } = runPayment({ verify: false, otp: false, authorize: false, inquiry: true }, [START]);
    expect(last.state).toBe('confirming');
    expect(last.commands).toEqual([{ kind: 'bank', flow: 'transfer' }]);
  });

  it('a pending transfer proven never sent fails as bank_unreachable (a batch file nobody could deliver)', () => {
    const { last } = runPayment(ACCOUNT, [START, res('verify', ok), OTP_OK, res('transfer', pend), res('transfer', ns)]);
    expect(last.state).toBe('failed');
    expect(last.snapshot.context.failure).toMatchObject({ code: 'bank_unreachable' });
  });

  it('a third wrong code fails the payment; two do not', () => {
    const two = runPayment(CARD, [START, res('verify', ok), OTP_BAD, OTP_BAD]);
    expect(two.last.state).toBe('awaiting_confirmation');
    const three = runPayment(CARD, [START, res('verify', ok), OTP_BAD, OTP_BAD, OTP_BAD]);
    expect(three.last.snapshot.context.failure).toEqual({ code: 'otp_attempts_exceeded', reason: 'too many wrong one-time codes' });
  });

  it('limits code resends and moves the expiry with each', () => {
    const events: Ev[] = [START, res('verify', ok), { type: 'OTP.RESEND' }, { type: 'OTP.RESEND' }, { type: 'OTP.RESEND' }];
    const { all } = runPayment(CARD, events);
    expect(all[3]?.commands).toEqual([{ kind: 'notify', notification: 'otp' }]);
    expect(all[3]?.timers[0]?.name).toBe('otp_expiry');
    expect(all[4]?.commands).toHaveLength(1);
    expect(all[5]?.changed).toBe(false); // third resend: limit of three sends reached
  });

  it('retries a request that was never sent with backoff, then fails', () => {
    const events: Ev[] = [START];
    for (let i = 0; i < defaultPaymentPolicy.retry.maxAttempts; i++) events.push(res('verify', ns), RETRY);
    const { all } = runPayment(CARD, events);
    expect(all[2]?.timers).toEqual([{ name: 'retry', at: 3_000 + defaultPaymentPolicy.retry.baseDelayMs }]);
    expect(all[3]?.commands).toEqual([{ kind: 'bank', flow: 'verify' }]);
    const failedAt = all.findIndex((s) => s.state === 'failed');
    expect(failedAt).toBeGreaterThan(0);
    expect(all[failedAt]?.snapshot.context.failure).toMatchObject({ code: 'bank_unreachable' });
  });

  it('a reversal that gets no usable answer is repeated, marked as a repeat, then goes to review', () => {
    const events: Ev[] = [START, res('verify', ok), OTP_OK, res('authorize', unk, 'a1')];
    for (let i = 0; i < defaultPaymentPolicy.retry.maxAttempts; i++) events.push(res('reverse', unk, `r${i}`), RETRY);
    const { all, last } = runPayment(CARD, events);
    expect(all[4]?.commands).toEqual([{ kind: 'bank', flow: 'reverse', original: { flow: 'authorize', reference: 'a1' } }]);
    // the repeat is the same reversal under the same reference (same STAN), marked as a repeat
    expect(all[6]?.commands).toEqual([{ kind: 'bank', flow: 'reverse', original: { flow: 'authorize', reference: 'a1' }, repeat: true, reference: 'r0' }]);
    expect(last.state).toBe('manual_review');
    expect(last.snapshot.context.failure).toMatchObject({ code: 'reversal_failed' });
  });

  it('store-and-forward also gives up by age: a reversal repeated past the limit goes to review', () => {
    const steps = { ...CARD };
    const run = (maxAge: number) => {
      let s = startMachine('payment', { paymentId: 'p', amount: 1000, currency: 'EUR', steps, policy: { ...defaultPaymentPolicy, reversalMaxAgeMs: maxAge } });
      const events: (Ev & { at: number })[] = [
        { ...START, at: 1 },
        { ...res('verify', ok), at: 2 },
        { ...OTP_OK, at: 3 },
        { ...res('authorize', unk, 'a1'), at: 4 },
        { ...res('reverse', unk, 'r1'), at: 60_000 },
      ];
      for (const e of events) s = step('payment', 1, s.snapshot, e as never);
      return s.state;
    };
    expect(run(24 * 3_600_000)).toBe('reversing'); // young: retried
    expect(run(30_000)).toBe('manual_review'); // older than its limit after one try
  });

  it('an unknown authorisation without inquiry is reversed, and ends failed with proof', () => {
    const { all, last } = runPayment(CARD, [START, res('verify', ok), OTP_OK, res('authorize', unk, 'auth-1'), res('reverse', ok)]);
    expect(all[4]?.commands).toEqual([{ kind: 'bank', flow: 'reverse', original: { flow: 'authorize', reference: 'auth-1' } }]);
    expect(last.state).toBe('failed');
  });

  it('an unknown transfer with inquiry is inquired, never failed blindly', () => {
    const { all, last } = runPayment(ACCOUNT, [START, res('verify', ok), OTP_OK, res('transfer', unk, 'tr-1'), res('inquire', ok, 'inq-1', 'transfer')]);
    expect(all[4]?.commands).toEqual([{ kind: 'bank', flow: 'inquire', original: { flow: 'transfer', reference: 'tr-1' } }]);
    expect(last.state).toBe('completed');
  });

  it('inquiries that stay unknown end in manual review for a transfer', () => {
    const events: Ev[] = [START, res('verify', ok), OTP_OK, res('transfer', unk)];
    for (let i = 0; i < defaultPaymentPolicy.retry.maxAttempts; i++) events.push(res('inquire', unk, `i${i}`, 'transfer'), RETRY);
    const { last } = runPayment(ACCOUNT, events);
    expect(last.state).toBe('manual_review');
  });

  it('a pending transfer polls by inquiry and completes on a pushed status', () => {
    const { all, last } = runPayment(ACCOUNT, [START, res('verify', ok), OTP_OK, res('transfer', pend, 'tr-9'), { type: 'TIMER', name: 'poll' }, res('transfer', ok, 'tr-9')]);
    expect(all[4]?.timers[0]?.name).toBe('poll');
    expect(all[5]?.commands).toEqual([{ kind: 'bank', flow: 'inquire', original: { flow: 'transfer', reference: 'tr-9' } }]);
    expect(last.state).toBe('completed');
  });

  it('a decline at transfer after an authorisation reverses the authorisation', () => {
    const { last, all } = runPayment(CARD, [START, res('verify', ok), OTP_OK, res('authorize', ok, 'a1'), res('transfer', dec, 't1'), res('reverse', ok)]);
    expect(all[4]?.commands).toEqual([{ kind: 'bank', flow: 'transfer', original: { flow: 'authorize', reference: 'a1' } }]);
    expect(all[5]?.state).toBe('reversing');
    expect(last.state).toBe('reversed');
  });

  it('a reply whose amount differs from the payment goes to manual review, not completed', () => {
    const { last } = runPayment(ACCOUNT, [START, res('verify', ok), OTP_OK, res('transfer', { kind: 'ok', confirmed: { amount: 999 } })]);
    expect(last.state).toBe('manual_review');
  });

  it('a name mismatch at verification declines', () => {
    const { last } = runPayment(ACCOUNT, [START, res('verify', { kind: 'ok', nameMatch: 'no_match' })]);
    expect(last.state).toBe('declined');
    expect(last.snapshot.context.failure).toMatchObject({ code: 'name_mismatch' });
  });

  it('a late approval after failure triggers exactly one reversal', () => {
    const base: Ev[] = [START, res('verify', ok), OTP_OK, res('authorize', unk, 'a1'), res('reverse', ok, 'r1')];
    // the reversal already covered a1: a late approval of a1 needs nothing more
    const covered = runPayment(CARD, [...base, { ...res('authorize', ok, 'a1'), late: true } as Ev]);
    expect(covered.last.changed).toBe(false);
    // an approval of a reference never reversed is reversed once, and a duplicate of it is ignored
    const fresh = runPayment(CARD, [START, res('verify', ok), OTP_BAD, OTP_BAD, OTP_BAD, res('authorize', ok, 'ghost'), res('authorize', ok, 'ghost')]);
    expect(fresh.all[6]?.commands).toEqual([{ kind: 'bank', flow: 'reverse', original: { flow: 'authorize', reference: 'ghost' } }]);
    expect(fresh.all[7]?.commands).toEqual([]);
    expect(fresh.last.state).toBe('failed');
  });

  it('a duplicate reply does nothing the second time', () => {
    const { all } = runPayment(CARD, [START, res('verify', ok), res('verify', ok)]);
    expect(all[3]?.changed).toBe(false);
  });

  it('a cancellation is refused once the bank holds the money', () => {
    const { last } = runPayment(CARD, [START, res('verify', ok), OTP_OK, { type: 'CANCEL' }]);
    expect(last.state).toBe('confirming');
  });
});

describe('machine versions', () => {
  it('refuses a snapshot from a newer machine with a clear error', () => {
    const s = startMachine('payment', { paymentId: 'p', amount: 1, currency: 'EUR', steps: CARD, policy: defaultPaymentPolicy });
    expect(() => upgrade('payment', 99, s.snapshot)).toThrow(MachineVersionError);
    expect(() => upgrade('payment', 99, s.snapshot)).toThrow(/version 99.*supports 1/);
    expect(() => upgrade('payment', 0, s.snapshot)).toThrow(/no migration/);
    expect(upgrade('payment', 1, s.snapshot)).toBe(s.snapshot);
  });
});
