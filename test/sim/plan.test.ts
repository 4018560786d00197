import { describe, expect, it } from 'vitest';
import { planFaults } from './faults.js';
import { Prng } from './prng.js';
import { planWorkload, plannedEnding } from './workload.js';

/** One seed decides the run: the same seed, the same workload and fault schedule; another seed, others. */
describe('simulation plans', () => {
  const conn = ['demo-card', 'demo-sepa', 'demo-batch'] as const;
  const workload = (seed: number) => planWorkload(new Prng(seed).fork('workload'), { payments: 30, connectors: conn, spreadMs: 5_000, takeover: false });
  const faults = (seed: number) => planFaults(new Prng(seed).fork('faults'), { faults: new Set(['kill', 'bank'] as const), connectors: conn, nodes: 2, spanMs: 9_000, payments: 30 });

  it('the same seed plans the same run', () => {
    expect(workload(7)).toEqual(workload(7));
    expect(faults(7)).toEqual(faults(7));
    expect(workload(7)).not.toEqual(workload(8));
  });

  it('forks are independent of draw order: the workload does not depend on the fault plan', () => {
    const rng = new Prng(42);
    const a = rng.fork('workload').int(0, 1e9);
    rng.fork('faults').next();
    rng.next();
    expect(rng.fork('workload').int(0, 1e9)).toBe(a);
  });

  it('draws stay in range and cover every rail', () => {
    const rng = new Prng('range');
    for (let i = 0; i < 1_000; i++) {
      const n = rng.int(3, 9);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(9);
    }
    const plans = workload(3);
    expect(new Set(plans.map((p) => p.value.connector))).toEqual(new Set(conn));
  });

  it('documented endings follow the plan: never -> expired, cancel -> canceled, three wrong codes -> failed', () => {
    const base = workload(5).find((p) => p.value.label === 'card ok' && p.confirmation === 'otp');
    expect(base).toBeDefined();
    const p = base as NonNullable<typeof base>;
    expect(plannedEnding({ ...p, otp: 'never' })).toBe('expired');
    expect(plannedEnding({ ...p, otp: 'cancel' })).toBe('canceled');
    expect(plannedEnding({ ...p, otp: 'wrong_x3' })).toBe('failed');
    expect(plannedEnding({ ...p, otp: 'right' })).toBe('succeeded');
    expect(plannedEnding({ ...p, confirmation: 'none', otp: 'never' })).toBe('succeeded');
  });

  it('kills and bank faults land inside the span, in time order', () => {
    const f = faults(11);
    expect(f.some((e) => e.kind === 'kill')).toBe(true);
    expect(f.some((e) => e.kind === 'bank')).toBe(true);
    for (let i = 1; i < f.length; i++) expect((f[i] as { at: number }).at).toBeGreaterThanOrEqual((f[i - 1] as { at: number }).at);
    for (const e of f) expect(e.at).toBeLessThanOrEqual(9_000);
  });
});
