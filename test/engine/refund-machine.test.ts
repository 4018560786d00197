import { describe, expect, it } from 'vitest';
import { defaultPaymentPolicy, type EngineEvent } from '../../src/engine/machine-types.js';
import { startMachine, step, type Step } from '../../src/engine/machines.js';
import { REFUND_STATUS, refundMachine, type RefundState } from '../../src/engine/refund-machine.js';
import { dec, ns, ok, pend, res, unk, type Ev } from './machine-helpers.js';

function run(inquiry: boolean, events: Ev[]): { last: Step; all: Step[] } {
  let s = startMachine('refund', {
    refundId: 're_1',
    paymentId: 'pay_1',
    amount: 500,
    currency: 'EUR',
    inquiry,
    retry: defaultPaymentPolicy.retry,
    pollIntervalMs: 10_000,
  });
  const all = [s];
  let at = 0;
  for (const e of events) {
    at += 1_000;
    s = step('refund', 1, s.snapshot, { ...e, at } as EngineEvent);
    all.push(s);
  }
  return { last: s, all };
}

const START: Ev = { type: 'START' };

const PATHS: { state: RefundState; inquiry: boolean; events: Ev[] }[] = [
  { state: 'requested', inquiry: true, events: [] },
  { state: 'submitted', inquiry: true, events: [START] },
  { state: 'submitted_unknown', inquiry: true, events: [START, res('refund', unk)] },
  { state: 'succeeded', inquiry: true, events: [START, res('refund', ok)] },
  { state: 'failed', inquiry: true, events: [START, res('refund', dec)] },
  { state: 'manual_review', inquiry: false, events: [START, res('refund', unk)] },
];

describe('refund machine', () => {
  it('the table names every state', () => {
    expect(PATHS.map((p) => p.state).sort()).toEqual(Object.keys(refundMachine.root.states).sort());
  });

  for (const p of PATHS) {
    it(`reaches ${p.state} (${REFUND_STATUS[p.state]})`, () => {
      expect(run(p.inquiry, p.events).last.state).toBe(p.state);
    });
  }

  it('an unknown refund is inquired with its own reference, never resent', () => {
    const { all, last } = run(true, [START, res('refund', unk, 'rf-1'), res('inquire', ok, 'q1', 'refund')]);
    expect(all[1]?.commands).toEqual([{ kind: 'bank', flow: 'refund' }]);
    expect(all[2]?.commands).toEqual([{ kind: 'bank', flow: 'inquire', original: { flow: 'refund', reference: 'rf-1' } }]);
    expect(last.state).toBe('succeeded');
  });

  it('a pending refund polls, and a later status settles it', () => {
    const { all, last } = run(true, [START, res('refund', pend, 'rf-2'), { type: 'TIMER', name: 'poll' }, res('refund', ok, 'rf-2')]);
    expect(all[2]?.timers[0]?.name).toBe('poll');
    expect(all[3]?.commands[0]).toEqual({ kind: 'bank', flow: 'inquire', original: { flow: 'refund', reference: 'rf-2' } });
    expect(last.state).toBe('succeeded');
  });

  it('a refund the bank never received fails after bounded retries', () => {
    const events: Ev[] = [START];
    for (let i = 0; i < defaultPaymentPolicy.retry.maxAttempts; i++) events.push(res('refund', ns), { type: 'TIMER', name: 'retry' });
    const { last } = run(true, events);
    expect(last.state).toBe('failed');
    expect(last.snapshot.context.failure).toMatchObject({ code: 'bank_unreachable' });
  });

  it('terminal refunds notify once and ignore later replies', () => {
    const { all, last } = run(true, [START, res('refund', ok), res('refund', dec)]);
    expect(all[2]?.commands).toEqual([{ kind: 'notify', notification: 'result', status: 'succeeded' }]);
    expect(last.changed).toBe(false);
    expect(last.state).toBe('succeeded');
  });
});
