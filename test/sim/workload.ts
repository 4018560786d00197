/**
 * The workload: what a gateway and its customers do, drawn from the seed, sent through Railyard's
 * real HTTP API. Each payment follows a plan (method and test value, confirmation, one-time code
 * right/wrong/never, cancel, refunds, Idempotency-Key replays, `Prefer: wait` or polling). Like a
 * real gateway the client retries a request that got no answer (connection refused while a node is
 * down, 5xx) under the SAME Idempotency-Key: that is exactly what idempotency promises to make safe.
 */
import type { Prng } from './prng.js';

export type ConnectorId = 'demo-card' | 'demo-sepa' | 'demo-batch';
export type OtpPlan = 'right' | 'wrong_then_right' | 'wrong_x3' | 'never' | 'cancel';
/** When the same Idempotency-Key is sent again: with the first, while it is in flight, before the payment completes, after, after the takeover window. */
export type Replay = 'none' | 'concurrent' | 'during' | 'before' | 'after' | 'after_takeover';

export interface TestValue {
  connector: ConnectorId;
  method: Record<string, unknown>;
  label: string;
  /** The documented final status (mocks/README.md) when the code is right. */
  expected: string;
  /** Whether a one-time code is issued (the account was verified). */
  verified: boolean;
}

const card = (number: string) => ({ type: 'card', card: { number, exp_month: 12, exp_year: 2031 } });
const account = (iban: string, name = 'Max Mustermann') => ({ type: 'bank_account', bank_account: { iban, name } });

/** The simulators' documented test values (mocks/README.md), weighted towards the ones that move money. */
export const TEST_VALUES: readonly (TestValue & { weight: number })[] = [
  { connector: 'demo-card', method: card('4242424242424242'), label: 'card ok', expected: 'succeeded', verified: true, weight: 6 },
  { connector: 'demo-card', method: card('4000000000000002'), label: 'card declined 05', expected: 'failed', verified: false, weight: 1 },
  { connector: 'demo-card', method: card('4000000000009995'), label: 'card declined 51', expected: 'failed', verified: true, weight: 1 },
  { connector: 'demo-card', method: card('4000000000000119'), label: 'card no reply', expected: 'failed', verified: true, weight: 1 },
  { connector: 'demo-card', method: card('4000000000000259'), label: 'card late reply', expected: 'failed', verified: true, weight: 1 },
  { connector: 'demo-card', method: card('4000000000000010'), label: 'card bad MAC', expected: 'requires_review', verified: true, weight: 1 },
  { connector: 'demo-sepa', method: account('DE89370400440532013000'), label: 'sepa ok', expected: 'succeeded', verified: true, weight: 5 },
  { connector: 'demo-sepa', method: account('DE89370400440532013000', 'Erika Musterfrau'), label: 'sepa name mismatch', expected: 'failed', verified: false, weight: 1 },
  { connector: 'demo-sepa', method: account('DE02120300000000202051'), label: 'sepa AC01', expected: 'failed', verified: true, weight: 1 },
  { connector: 'demo-sepa', method: account('DE02100100100006820101'), label: 'sepa AM04', expected: 'failed', verified: true, weight: 1 },
  { connector: 'demo-sepa', method: account('DE91100000000123456789'), label: 'sepa pending', expected: 'succeeded', verified: true, weight: 2 },
  { connector: 'demo-batch', method: account('DE89370400440532013000'), label: 'batch ok', expected: 'succeeded', verified: true, weight: 3 },
  { connector: 'demo-batch', method: account('DE02120300000000202051'), label: 'batch AC01', expected: 'failed', verified: true, weight: 1 },
  { connector: 'demo-batch', method: account('DE91100000000123456789'), label: 'batch pending', expected: 'succeeded', verified: true, weight: 1 },
];

export interface RefundPlan {
  key: string;
  amount: number;
  replay: 'none' | 'concurrent' | 'after';
}

export interface PaymentPlan {
  n: number;
  order: string;
  key: string;
  email: string;
  value: TestValue;
  amount: number;
  confirmation: 'otp' | 'none';
  otp: OtpPlan;
  wait: boolean;
  replay: Replay;
  /** The same order id under another key: must be refused (409), never a second payment. */
  otherKey: boolean;
  refunds: RefundPlan[];
  startAtMs: number;
}

/** The documented ending of a plan (before any fault): what invariant (e) compares against too. */
export function plannedEnding(p: PaymentPlan): string {
  if (p.confirmation === 'none' || !p.value.verified) return p.value.expected;
  if (p.otp === 'never') return 'expired';
  if (p.otp === 'cancel') return 'canceled';
  if (p.otp === 'wrong_x3') return 'failed';
  return p.value.expected;
}

export interface WorkloadOptions {
  payments: number;
  connectors: readonly ConnectorId[];
  /** Spread of start times. */
  spreadMs: number;
  /** Allow replays after the in-flight takeover window (60 s in src/api/idempotency.ts; long runs only). */
  takeover: boolean;
}

export function planWorkload(rng: Prng, o: WorkloadOptions): PaymentPlan[] {
  const values = TEST_VALUES.filter((v) => o.connectors.includes(v.connector));
  const bag = values.flatMap((v) => Array.from({ length: v.weight }, () => v));
  const plans: PaymentPlan[] = [];
  for (let n = 1; n <= o.payments; n++) {
    const value = rng.pick(bag);
    const amount = rng.int(100, 50_000);
    // batch has no verification step, so no one-time code is sent for it by the rail; the engine still may
    const confirmation = rng.chance(0.6) ? 'otp' : 'none';
    const otp: OtpPlan = rng.pick(['right', 'right', 'right', 'right', 'wrong_then_right', 'wrong_x3', 'never', 'cancel'] as const);
    const replays: Replay[] = ['none', 'none', 'concurrent', 'during', 'before', 'after'];
    if (o.takeover) replays.push('after_takeover');
    const refunds: RefundPlan[] = [];
    if (value.expected === 'succeeded' && rng.chance(0.5)) {
      const full = rng.chance(0.4);
      const first = full ? amount : rng.int(1, amount - 1);
      refunds.push({ key: `rf-${n}-1`, amount: first, replay: rng.pick(['none', 'concurrent', 'after'] as const) });
      if (!full && rng.chance(0.5)) refunds.push({ key: `rf-${n}-2`, amount: amount - first, replay: rng.pick(['none', 'after'] as const) });
    }
    plans.push({
      n,
      order: `ord-${n}`,
      key: `key-${n}`,
      email: `c${n}@sim.test`,
      value,
      amount,
      confirmation,
      otp,
      wait: rng.chance(0.4),
      replay: rng.pick(replays),
      otherKey: rng.chance(0.1),
      refunds,
      startAtMs: rng.int(0, o.spreadMs),
    });
  }
  return plans;
}
