/** What a run prints: one line per run, every broken invariant, and the command that replays it. */
import { describeFault } from './faults.js';
import { INVARIANT_NAMES, type Violation } from './invariants.js';
import type { RunOptions, RunResult } from './run.js';
import { plannedEnding, type PaymentPlan } from './workload.js';

const SHORT: Record<string, string> = { 'demo-card': 'card', 'demo-sepa': 'sepa', 'demo-batch': 'batch' };

export function replayCommand(o: Pick<RunOptions, 'seed' | 'payments' | 'faults' | 'store' | 'nodes' | 'connectors' | 'takeover'>, compare: boolean): string {
  const faults = o.faults.size === 0 ? 'none' : [...o.faults].sort().join(',');
  return [
    `npm run sim -- --seed ${o.seed} --payments ${o.payments} --faults ${faults} --store ${o.store} --nodes ${o.nodes}`,
    `--connectors ${o.connectors.map((c) => SHORT[c] ?? c).join(',')}`,
    ...(o.takeover ? ['--takeover'] : []),
    ...(compare ? [] : ['--no-compare']),
  ].join(' ');
}

export function summaryLine(r: RunResult): string {
  const o = r.options;
  const what = `seed ${o.seed} ${o.store}×${o.nodes} faults=${[...o.faults].sort().join(',') || 'none'} payments=${o.payments}`;
  const c = r.counts;
  const ends = new Map<string, number>();
  for (const s of r.endings.values()) ends.set(s, (ends.get(s) ?? 0) + 1);
  const endings = [...ends].sort().map(([s, n]) => `${s}:${n}`).join(' ');
  const stats = `kills=${c.kills} refunds=${c.refunds} 5xx=${c.serverErrors} [${endings}] ${(r.durationMs / 1000).toFixed(1)}s`;
  if (r.error) return `ERROR ${what}: ${r.error.split('\n')[0] ?? ''}`;
  return `${r.violations.length === 0 ? 'ok  ' : 'FAIL'} ${what} ${stats}${r.violations.length ? ` — ${r.violations.length} broken` : ''}`;
}

export function describeViolations(violations: readonly Violation[], plans: readonly PaymentPlan[], traces: ReadonlyMap<string, readonly string[]>, paths: ReadonlyMap<string, string>): string[] {
  const planOf = new Map(plans.map((p) => [p.order, p]));
  return violations.flatMap((v) => {
    const order = v.subject.split(' ')[0] ?? '';
    const p = planOf.get(order);
    const plan = p ? ` [${p.value.label}, ${p.confirmation}${p.confirmation === 'otp' ? `/${p.otp}` : ''}, replay ${p.replay}, planned ${plannedEnding(p)}]` : '';
    const trace = traces.get(order) ?? [];
    const path = paths.get(order);
    return [`  (${v.invariant}) ${INVARIANT_NAMES[v.invariant]}: ${v.subject}${plan}: ${v.detail}`, ...(path ? [`      path: ${path}`] : []), ...trace.map((t) => `      ${t}`)];
  });
}

export function describeSchedule(r: RunResult): string[] {
  return r.schedule.map((e) => `  fault ${describeFault(e)}`);
}
