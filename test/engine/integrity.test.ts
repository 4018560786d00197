import { describe, expect, it } from 'vitest';
import { normaliseOutcome, type Outcome } from '../../src/connector/outcome.js';
import { defaultPaymentPolicy, type EngineEvent, type PaymentPolicy } from '../../src/engine/machine-types.js';
import { startMachine, step, type Step } from '../../src/engine/machines.js';
import type { PaymentSteps } from '../../src/engine/payment-machine.js';
import { ACCOUNT, CARD, dec, ok, pend, res, unk, type Ev } from './machine-helpers.js';

/**
 * A reply that fails its MAC or signature check is never the bank's answer, in any state that
 * receives one: the outcome is unknown, inquired or reversed, and the payment or refund ends in
 * review as `integrity_failed`, never succeeded, declined or failed on its strength.
 */

const START: Ev = { type: 'START' };
const OTP_OK: Ev = { type: 'OTP.VALID' };
const RETRY: Ev = { type: 'TIMER', name: 'retry' };
const POLL: Ev = { type: 'TIMER', name: 'poll' };

/** What a careless connector returns (normalisation would make it unknown; the machines hold anyway). */
const badOk: Outcome = { kind: 'ok', integrity: 'failed' };
const badDec: Outcome = { kind: 'declined', code: '05', reason: 'Do not honour', integrity: 'failed' };
/** What normalisation hands the engine. */
const bad: Outcome = normaliseOutcome(badOk);
const CARD_INQ: PaymentSteps = { ...CARD, inquiry: true };

function run(steps: PaymentSteps, events: (Ev & { at?: number })[], policy: Partial<PaymentPolicy> = {}): { last: Step; all: Step[] } {
  let at = 1_000;
  let s = startMachine('payment', { paymentId: 'pay_i', amount: 1000, currency: 'EUR', steps, policy: { ...defaultPaymentPolicy, ...policy } });
  const all: Step[] = [s];
  for (const e of events) {
    at = e.at ?? at + 1_000;
    s = step('payment', 1, s.snapshot, { ...e, at } as EngineEvent);
    all.push(s);
  }
  return { last: s, all };
}

const bankFlows = (all: Step[]): string[] =>
  all.flatMap((s) => s.commands.filter((c) => c.kind === 'bank').map((c) => (c.kind === 'bank' ? c.flow : '')));

const expectReview = (last: Step): void => {
  expect(last.state).toBe('manual_review');
  expect(last.snapshot.context.failure).toMatchObject({ code: 'integrity_failed' });
};

describe('normalisation: the one place an untrusted reply stops being an answer', () => {
  it('turns an approval, a decline or a reversal "never received" that failed integrity into unknown', () => {
    for (const o of [badOk, badDec, { kind: 'ok', integrity: 'failed', originalNeverReceived: true } as Outcome, { kind: 'ok', integrity: 'failed', evidence: { de39: '00', mac: 'failed' } } as Outcome]) {
      const n = normaliseOutcome(o);
      expect(n).toMatchObject({ kind: 'unknown', retryable: true, integrity: 'failed' });
    }
    expect(normaliseOutcome({ kind: 'ok', integrity: 'failed', evidence: { de39: '00', mac: 'failed' } })).toMatchObject({ evidence: { de39: '00', mac: 'failed' } });
  });

  it('leaves trusted answers alone', () => {
    expect(normaliseOutcome({ kind: 'ok', integrity: 'verified' })).toEqual({ kind: 'ok', integrity: 'verified' });
    expect(normaliseOutcome(dec)).toEqual(dec);
    expect(normaliseOutcome(unk)).toEqual(unk);
  });
});

describe('payment machine: an untrusted reply in every reply state', () => {
  for (const [name, outcome] of [
    ['normalised', bad],
    ['raw approval', badOk],
    ['raw decline', badDec],
  ] as const) {
    it(`verify (${name}), no inquiry: asked again, then review; no authorisation follows`, () => {
      const { all, last } = run(CARD, [START, res('verify', outcome), res('verify', ok)]);
      expect(all[2]?.state).toBe('verification_unknown');
      expectReview(last);
      expect(bankFlows(all)).toEqual(['verify', 'verify']);
    });
  }

  it('verify with inquiry: a trusted 63 (declined) after an untrusted reply is review, not declined', () => {
    const { all, last } = run(ACCOUNT, [START, res('verify', bad), res('inquire', dec, 'ref-inq', 'verify')]);
    expect(bankFlows(all)).toEqual(['verify', 'inquire']);
    expectReview(last);
  });

  it('verify: untrusted every time ends in review after the retries, not failed', () => {
    const events: Ev[] = [START, res('verify', bad)];
    for (let i = 0; i < defaultPaymentPolicy.retry.maxAttempts; i++) events.push(res('verify', bad), RETRY);
    const { last } = run(CARD, events);
    expectReview(last);
  });

  it('authorize, no inquiry: reversed, then review (never authorized or completed)', () => {
    const { all, last } = run(CARD, [START, res('verify', ok), OTP_OK, res('authorize', badOk), res('reverse', ok)]);
    expect(all[4]?.state).toBe('reversing');
    expect(all.map((s) => s.state)).not.toContain('authorized');
    expectReview(last);
  });

  it('authorize with inquiry: inquired; an approval it confirms is released, then review', () => {
    const { all, last } = run(CARD_INQ, [START, res('verify', ok), OTP_OK, res('authorize', bad), res('inquire', ok, 'ref-inq', 'authorize'), res('reverse', ok)]);
    expect(bankFlows(all)).toEqual(['verify', 'authorize', 'inquire', 'reverse']);
    expectReview(last);
  });

  it('transfer (account): inquired; neither the trusted approval nor a trusted decline completes or declines it', () => {
    for (const answer of [ok, dec]) {
      const { all, last } = run(ACCOUNT, [START, res('verify', ok), OTP_OK, res('transfer', badDec), res('inquire', answer, 'ref-inq', 'transfer')]);
      expect(all[4]?.state).toBe('confirmation_unknown');
      expectReview(last);
    }
  });

  it('completion after an authorisation: reversed (no inquiry) or inquired, then review', () => {
    const noInq = run(CARD, [START, res('verify', ok), OTP_OK, res('authorize', ok), res('transfer', badOk), res('reverse', ok)]);
    expect(noInq.all[5]?.state).toBe('reversing');
    expectReview(noInq.last);
    const inq = run(CARD_INQ, [START, res('verify', ok), OTP_OK, res('authorize', ok), res('transfer', badOk), res('inquire', ok, 'ref-inq', 'transfer')]);
    expect(inq.all[5]?.state).toBe('transfer_unknown');
    expectReview(inq.last);
  });

  it('a pending transfer: an untrusted status changes nothing; the trusted one that follows ends in review', () => {
    const { all, last } = run(ACCOUNT, [START, res('verify', ok), OTP_OK, res('transfer', pend), POLL, res('inquire', badOk, 'ref-inq', 'transfer'), POLL, res('inquire', ok, 'ref-inq2', 'transfer')]);
    expect(all[6]?.state).toBe('transfer_pending');
    expectReview(last);
  });

  it('an untrusted inquiry answer is asked again, and the trusted one after it ends in review', () => {
    const { all, last } = run(ACCOUNT, [START, res('verify', ok), OTP_OK, res('transfer', unk), res('inquire', badOk, 'ref-inq', 'transfer'), RETRY, res('inquire', ok, 'ref-inq2', 'transfer')]);
    expect(all[5]?.state).toBe('confirmation_unknown');
    expect(all[5]?.timers.map((t) => t.name)).toEqual(['retry']);
    expect(bankFlows(all)).toEqual(['verify', 'transfer', 'inquire', 'inquire']);
    expectReview(last);
  });

  it('a reversal with an untrusted reply (even "never received") is repeated under its reference, then review', () => {
    const neverReceivedBad: Outcome = { kind: 'ok', integrity: 'failed', originalNeverReceived: true };
    const { all, last } = run(CARD, [START, res('verify', ok), OTP_OK, res('authorize', unk, 'a1'), res('reverse', neverReceivedBad, 'r1'), RETRY, res('reverse', ok, 'r1')]);
    expect(all[5]?.state).toBe('reversing');
    expect(all[6]?.commands).toEqual([{ kind: 'bank', flow: 'reverse', original: { flow: 'authorize', reference: 'a1' }, repeat: true, reference: 'r1' }]);
    expectReview(last);
  });

  it('untrusted reversal replies until the retries run out: review as integrity_failed', () => {
    const events: Ev[] = [START, res('verify', ok), OTP_OK, res('authorize', unk, 'a1')];
    for (let i = 0; i < defaultPaymentPolicy.retry.maxAttempts; i++) events.push(res('reverse', bad, 'r1'), RETRY);
    expectReview(run(CARD, events).last);
  });

  it('a late approval that failed integrity starts no reversal and changes nothing', () => {
    const { last } = run(CARD, [START, res('verify', ok), OTP_OK, res('authorize', dec, 'a1'), { ...res('authorize', badOk, 'a1'), late: true } as Ev]);
    expect(last.state).toBe('declined');
    expect(last.changed).toBe(false);
    expect(last.commands).toEqual([]);
  });
});

describe('refund machine: an untrusted reply', () => {
  const runRefund = (inquiry: boolean, events: Ev[]) => {
    let s = startMachine('refund', { refundId: 're_i', paymentId: 'pay_i', amount: 500, currency: 'EUR', inquiry, retry: defaultPaymentPolicy.retry, pollIntervalMs: 10_000 });
    let at = 0;
    for (const e of events) s = step('refund', 1, s.snapshot, { ...e, at: (at += 1_000) } as EngineEvent);
    return s;
  };

  it('a bad-MAC decline (DE39 05) or approval is never failed or succeeded: inquired, then review', () => {
    for (const outcome of [badDec, badOk, bad]) {
      const s = runRefund(true, [START, res('refund', outcome, 'rf1'), res('inquire', ok, 'q1', 'refund')]);
      expect(s.state).toBe('manual_review');
      expect(s.snapshot.context.failure).toMatchObject({ code: 'integrity_failed' });
    }
  });

  it('without an inquiry: review as integrity_failed at once', () => {
    const s = runRefund(false, [START, res('refund', badDec, 'rf1')]);
    expect(s.state).toBe('manual_review');
    expect(s.snapshot.context.failure).toMatchObject({ code: 'integrity_failed' });
  });

  it('an untrusted inquiry answer is asked again', () => {
    const s = runRefund(true, [START, res('refund', unk, 'rf1'), res('inquire', badOk, 'q1', 'refund')]);
    expect(s.state).toBe('submitted_unknown');
    expect(s.timers.map((t) => t.name)).toEqual(['retry']);
  });
});

describe('reversal repeats and store-and-forward per host policy', () => {
  it('a declined reversal is repeated N times (host policy) under its reference, then review', () => {
    const events: Ev[] = [START, res('verify', ok), OTP_OK, res('authorize', unk, 'a1'), res('reverse', dec, 'r1')];
    for (let i = 0; i < 2; i++) events.push(RETRY, res('reverse', dec, 'r1'));
    const { all, last } = run(CARD, events, { reversalDeclinedRepeats: 2 });
    const reversals = all.flatMap((s) => s.commands).filter((c) => c.kind === 'bank' && c.flow === 'reverse');
    expect(reversals).toHaveLength(3);
    expect(reversals.slice(1).every((c) => c.kind === 'bank' && c.repeat === true && c.reference === 'r1')).toBe(true);
    expect(last.state).toBe('manual_review');
    expect(last.snapshot.context.failure).toMatchObject({ code: 'reversal_declined' });
    // the default policy repeats no decline
    expect(run(CARD, events.slice(0, 5)).last.snapshot.context.failure).toMatchObject({ code: 'reversal_declined' });
  });

  it('the host count bounds the repeats of an unanswered reversal', () => {
    const events: Ev[] = [START, res('verify', ok), OTP_OK, res('authorize', unk, 'a1'), res('reverse', unk, 'r1'), RETRY, res('reverse', unk, 'r1')];
    const { last } = run(CARD, events, { reversalMaxAttempts: 2 });
    expect(last.state).toBe('manual_review');
    expect(last.snapshot.context.failure).toMatchObject({ code: 'reversal_failed' });
  });

  it('age limit reached: review with reason reversal_expired, before the count runs out', () => {
    const { last } = run(CARD, [START, res('verify', ok), OTP_OK, { ...res('authorize', unk, 'a1'), at: 10_000 }, { ...res('reverse', unk, 'r1'), at: 80_000 }], {
      reversalMaxAgeMs: 60_000,
    });
    expect(last.state).toBe('manual_review');
    expect(last.snapshot.context.failure).toMatchObject({ code: 'reversal_expired' });
  });

  it('the reversal of a late approval has an age limit too', () => {
    const base: (Ev & { at?: number })[] = [START, res('verify', ok), OTP_OK, res('authorize', dec, 'a1'), { ...res('authorize', ok, 'a1'), late: true, at: 100_000 } as Ev & { at: number }];
    const young = run(CARD, [...base, { ...res('reverse', unk, 'r1'), at: 110_000 }], { reversalMaxAgeMs: 60_000 });
    expect(young.last.state).toBe('declined');
    expect(young.last.timers.map((t) => t.name)).toEqual(['retry']);
    const old = run(CARD, [...base, { ...res('reverse', unk, 'r1'), at: 170_000 }], { reversalMaxAgeMs: 60_000 });
    expect(old.last.state).toBe('manual_review');
    expect(old.last.snapshot.context.failure).toMatchObject({ code: 'reversal_expired' });
  });

  it('repeats of a late approval’s reversal keep its reference', () => {
    const { last } = run(CARD, [START, res('verify', ok), OTP_OK, res('authorize', dec, 'a1'), { ...res('authorize', ok, 'a1'), late: true } as Ev, res('reverse', unk, 'r9'), RETRY]);
    expect(last.commands).toEqual([{ kind: 'bank', flow: 'reverse', original: { flow: 'authorize', reference: 'a1' }, repeat: true, reference: 'r9' }]);
  });
});
