import type { Outcome } from '../../src/connector/outcome.js';
import { defaultPaymentPolicy, type EngineEvent } from '../../src/engine/machine-types.js';
import { startMachine, step, type Step } from '../../src/engine/machines.js';
import type { PaymentSteps } from '../../src/engine/payment-machine.js';

export type Ev = EngineEvent extends infer E ? (E extends EngineEvent ? Omit<E, 'at'> : never) : never;

export const ok: Outcome = { kind: 'ok' };
export const dec: Outcome = { kind: 'declined', code: '05', reason: 'Do not honour' };
export const unk: Outcome = { kind: 'unknown', retryable: true };
export const pend: Outcome = { kind: 'pending' };
export const ns: Outcome = { kind: 'not_sent', reason: 'refused' };

export const res = (flow: Extract<Ev, { type: 'RESULT' }>['flow'], outcome: Outcome, reference = `ref-${flow}`, about?: 'verify' | 'authorize' | 'transfer' | 'refund'): Ev =>
  ({ type: 'RESULT', flow, outcome, reference, ...(about ? { about } : {}) }) as Ev;

export const CARD: PaymentSteps = { verify: true, otp: true, authorize: true, inquiry: false };
export const ACCOUNT: PaymentSteps = { verify: true, otp: true, authorize: false, inquiry: true };

/** Runs a payment machine through events, recording every step. */
export function runPayment(steps: PaymentSteps, events: Ev[], start = 1_000): { last: Step; all: Step[] } {
  let at = start;
  let s = startMachine('payment', { paymentId: 'pay_test', amount: 1000, currency: 'EUR', steps, policy: defaultPaymentPolicy });
  const all: Step[] = [s];
  for (const e of events) {
    at += 1_000;
    s = step('payment', 1, s.snapshot, { ...e, at } as EngineEvent);
    all.push(s);
  }
  return { last: s, all };
}
