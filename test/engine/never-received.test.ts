import { describe, expect, it } from 'vitest';
import { neverReceived, notSent } from '../../src/connector/outcome.js';
import { defaultPaymentPolicy, DEFAULT_MAX_RESENDS, type EngineEvent } from '../../src/engine/machine-types.js';
import { startMachine, step, type Step } from '../../src/engine/machines.js';
import { ACCOUNT, CARD, ok, pend, res, runPayment, unk, type Ev } from './machine-helpers.js';

/**
 * Issue 11, defect D: after a crash or a timeout, an inquiry that proves the bank never received
 * the request makes the machine send it again under the SAME reference (a bounded number of
 * times), so the payment ends as it would have without the loss; only when resends run out does
 * it end otherwise, with a stated reason.
 */
const START: Ev = { type: 'START' };
const OTP_OK: Ev = { type: 'OTP.VALID' };
const NR = neverReceived('the bank has no record of it');
const WITH_INQUIRY = { ...CARD, inquiry: true };
const inquiryAbout = (flow: 'verify' | 'authorize' | 'transfer' | 'refund', outcome = NR): Ev => res('inquire', outcome, `ref-inq-${flow}`, flow);

const bankCommands = (s: Step) => s.commands.filter((c) => c.kind === 'bank');

describe('payment: the bank never received the request', () => {
  it('authorisation lost in flight: resent under its reference as a repeat, then authorised, completed as without the crash', () => {
    const { last, all } = runPayment(WITH_INQUIRY, [START, res('verify', ok), OTP_OK, res('authorize', unk, 'ref-auth'), inquiryAbout('authorize')]);
    expect(last.state).toBe('confirmation_unknown');
    expect(bankCommands(last)).toEqual([{ kind: 'bank', flow: 'authorize', repeat: true, reference: 'ref-auth' }]);
    expect(all.at(-2)?.state).toBe('confirmation_unknown');
    const done = runPayment(WITH_INQUIRY, [START, res('verify', ok), OTP_OK, res('authorize', unk, 'ref-auth'), inquiryAbout('authorize'), res('authorize', ok, 'ref-auth'), res('transfer', ok, 'ref-t')]);
    expect(done.last.state).toBe('completed');
    expect(done.last.status).toBe('succeeded');
  });

  it('transfer (account) lost in flight: resent under its reference, pending, then accepted', () => {
    const events = [START, res('verify', ok), OTP_OK, res('transfer', unk, 'ref-tr'), inquiryAbout('transfer')];
    const { last } = runPayment(ACCOUNT, events);
    expect(last.state).toBe('confirmation_unknown');
    expect(bankCommands(last)).toEqual([{ kind: 'bank', flow: 'transfer', repeat: true, reference: 'ref-tr' }]);
    const after = runPayment(ACCOUNT, [...events, res('transfer', pend, 'ref-tr'), res('transfer', ok, 'ref-tr')]);
    expect(after.last.status).toBe('succeeded');
  });

  it('a completion lost after the authorisation: resent under its reference, still naming the authorisation', () => {
    const { last } = runPayment(WITH_INQUIRY, [START, res('verify', ok), OTP_OK, res('authorize', ok, 'ref-auth'), res('transfer', unk, 'ref-c'), inquiryAbout('transfer')]);
    expect(last.state).toBe('transfer_unknown');
    expect(bankCommands(last)).toEqual([
      { kind: 'bank', flow: 'transfer', repeat: true, reference: 'ref-c', original: { flow: 'authorize', reference: 'ref-auth' } },
    ]);
  });

  it('a verification lost in flight: resent under its reference', () => {
    const { last } = runPayment(WITH_INQUIRY, [START, res('verify', unk, 'ref-v'), inquiryAbout('verify')]);
    expect(last.state).toBe('verification_unknown');
    expect(bankCommands(last)).toEqual([{ kind: 'bank', flow: 'verify', repeat: true, reference: 'ref-v' }]);
  });

  it('bounded: after the allowed resends the payment fails with the reason stated; an authorised completion is reversed instead', () => {
    const lostEvery = (flow: 'authorize' | 'transfer', ref: string): Ev[] =>
      Array.from({ length: DEFAULT_MAX_RESENDS }, () => [res(flow, unk, ref), inquiryAbout(flow)]).flat();
    const auth = runPayment(WITH_INQUIRY, [START, res('verify', ok), OTP_OK, res('authorize', unk, 'ref-a'), inquiryAbout('authorize'), ...lostEvery('authorize', 'ref-a')]);
    expect(auth.last.state).toBe('failed');
    expect(auth.last.snapshot.context.failure).toEqual({ code: 'bank_never_received', reason: expect.stringContaining('never received') });
    const resent = auth.all.flatMap(bankCommands).filter((c) => c.kind === 'bank' && c.flow === 'authorize' && c.repeat);
    expect(resent).toHaveLength(DEFAULT_MAX_RESENDS);

    const completion = runPayment(WITH_INQUIRY, [
      START, res('verify', ok), OTP_OK, res('authorize', ok, 'ref-a'), res('transfer', unk, 'ref-c'), inquiryAbout('transfer'), ...lostEvery('transfer', 'ref-c'),
    ]);
    expect(completion.last.state).toBe('reversing');
    expect(completion.last.snapshot.context.failure).toMatchObject({ code: 'bank_never_received' });
  });

  it('an inquiry that simply did not leave proves nothing: a pending transfer is not failed by it', () => {
    const { last } = runPayment(ACCOUNT, [START, res('verify', ok), OTP_OK, res('transfer', pend, 'ref-tr'), inquiryAbout('transfer', notSent('connection refused'))]);
    expect(last.state).toBe('transfer_pending');
    // but the transfer's own not_sent (a batch file proven never delivered) still ends it
    const own = runPayment(ACCOUNT, [START, res('verify', ok), OTP_OK, res('transfer', pend, 'ref-tr'), res('transfer', notSent('file abandoned'), 'ref-tr')]);
    expect(own.last.state).toBe('failed');
  });

  it('a snapshot from before this change (no resend counter) resends too', () => {
    const { all } = runPayment(WITH_INQUIRY, [START, res('verify', ok), OTP_OK, res('authorize', unk, 'ref-auth')]);
    const snap = all.at(-1)?.snapshot;
    if (!snap) throw new Error('no snapshot');
    const old = { ...snap, context: { ...(snap.context as Record<string, unknown>) } };
    delete (old.context as Record<string, unknown>).resends;
    const s = step('payment', 1, old as typeof snap, { ...inquiryAbout('authorize'), at: 99_000 } as EngineEvent);
    expect(bankCommands(s)).toEqual([{ kind: 'bank', flow: 'authorize', repeat: true, reference: 'ref-auth' }]);
  });
});

describe('payment without inquiry: a reversal that finds nothing', () => {
  const FOUND_NOTHING = { kind: 'ok', originalNeverReceived: true } as const;

  it('authorisation lost in flight: the reversal finds nothing, the authorisation goes again under its reference and completes', () => {
    const events = [START, res('verify', ok), OTP_OK, res('authorize', unk, 'ref-a')];
    expect(runPayment(CARD, events).last.state).toBe('reversing');
    const { last } = runPayment(CARD, [...events, res('reverse', FOUND_NOTHING, 'ref-rev')]);
    expect(last.state).toBe('confirming');
    expect(bankCommands(last)).toEqual([{ kind: 'bank', flow: 'authorize', reference: 'ref-a', repeat: true }]);
    expect(last.snapshot.context.resendRef).toBeNull();
    const done = runPayment(CARD, [...events, res('reverse', FOUND_NOTHING, 'ref-rev'), res('authorize', ok, 'ref-a'), res('transfer', ok, 'ref-t')]);
    expect(done.last.status).toBe('succeeded');
  });

  it('completion lost in flight: the reversal finds nothing, the completion goes again (naming its authorisation)', () => {
    const events = [START, res('verify', ok), OTP_OK, res('authorize', ok, 'ref-a'), res('transfer', unk, 'ref-c'), res('reverse', FOUND_NOTHING, 'ref-rev')];
    const { last } = runPayment(CARD, events);
    expect(last.state).toBe('authorized');
    expect(bankCommands(last)).toEqual([{ kind: 'bank', flow: 'transfer', original: { flow: 'authorize', reference: 'ref-a' }, reference: 'ref-c', repeat: true }]);
  });

  it('the reversal found the original (it had arrived): reversed as before; a plain reversal of a declined flow is never resent', () => {
    const found = runPayment(CARD, [START, res('verify', ok), OTP_OK, res('authorize', unk, 'ref-a'), res('reverse', ok, 'ref-rev')]);
    expect(found.last.state).toBe('failed');
    const declinedTransfer = runPayment(CARD, [START, res('verify', ok), OTP_OK, res('authorize', ok, 'ref-a'), res('transfer', { kind: 'declined', code: '05', reason: 'x' }, 'ref-c'), res('reverse', FOUND_NOTHING, 'ref-rev')]);
    // not resent (a decline is an answer), but the authorisation behind it is released
    expect(declinedTransfer.last.state).toBe('reversing');
    expect(bankCommands(declinedTransfer.last)).toEqual([{ kind: 'bank', flow: 'reverse', original: { flow: 'authorize', reference: 'ref-a' } }]);
  });

  it('a completion out of resends: the authorisation that still holds the money is reversed instead', () => {
    const cycle = [res('transfer', unk, 'ref-c'), res('reverse', FOUND_NOTHING, 'ref-rev')];
    const { last } = runPayment(CARD, [START, res('verify', ok), OTP_OK, res('authorize', ok, 'ref-a'), ...Array.from({ length: DEFAULT_MAX_RESENDS + 1 }, () => cycle).flat()]);
    expect(last.state).toBe('reversing');
    expect(bankCommands(last)).toEqual([{ kind: 'bank', flow: 'reverse', original: { flow: 'authorize', reference: 'ref-a' } }]);
    const released = step('payment', 1, last.snapshot, { ...res('reverse', ok, 'ref-rev2'), at: 999_000 } as EngineEvent);
    expect(released.state).toBe('reversed');
    expect(released.snapshot.context.reversedRefs).toEqual(['ref-a']);
  });

  it('bounded: after the allowed resends a reversal that finds nothing ends the payment failed', () => {
    const cycle = [res('authorize', unk, 'ref-a'), res('reverse', FOUND_NOTHING, 'ref-rev')];
    const { last } = runPayment(CARD, [START, res('verify', ok), OTP_OK, ...Array.from({ length: DEFAULT_MAX_RESENDS + 1 }, () => cycle).flat()]);
    expect(last.state).toBe('failed');
    expect(last.snapshot.context.resends).toBe(DEFAULT_MAX_RESENDS);
  });
});

describe('refund: the bank never received it', () => {
  const run = (events: Ev[]) => {
    let s = startMachine('refund', { refundId: 're_1', paymentId: 'pay_1', amount: 500, currency: 'EUR', inquiry: true, retry: defaultPaymentPolicy.retry, pollIntervalMs: 10_000 });
    const all = [s];
    let at = 0;
    for (const e of events) {
      at += 1_000;
      s = step('refund', 1, s.snapshot, { ...e, at } as EngineEvent);
      all.push(s);
    }
    return { last: s, all };
  };

  it('lost in flight: resent under its reference and succeeds', () => {
    const { last } = run([START, res('refund', unk, 'ref-r'), inquiryAbout('refund')]);
    expect(last.state).toBe('submitted_unknown');
    expect(bankCommands(last)).toEqual([{ kind: 'bank', flow: 'refund', repeat: true, reference: 'ref-r' }]);
    expect(run([START, res('refund', unk, 'ref-r'), inquiryAbout('refund'), res('refund', ok, 'ref-r')]).last.state).toBe('succeeded');
  });

  it('bounded: then failed with the reason stated (nothing moved)', () => {
    const again = Array.from({ length: DEFAULT_MAX_RESENDS }, () => [res('refund', unk, 'ref-r'), inquiryAbout('refund')]).flat();
    const { last } = run([START, res('refund', unk, 'ref-r'), inquiryAbout('refund'), ...again]);
    expect(last.state).toBe('failed');
    expect(last.snapshot.context.failure).toMatchObject({ code: 'bank_never_received' });
  });
});
