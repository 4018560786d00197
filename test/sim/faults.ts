/**
 * The fault schedule of a run, drawn from the seed: when which Railyard node is SIGKILLed, which
 * bank fault is armed when, and the store-failure rates each node process is started with.
 */
import type { FaultRequest } from './banks-process.js';
import type { Prng } from './prng.js';
import type { ConnectorId } from './workload.js';

export const FAULT_KINDS = ['kill', 'store', 'bank'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A kill may wait (from `at`, up to KILL_TARGET_WAIT_MS) for a bank command of this flow to be in flight. */
export type KillTarget = 'verify' | 'authorize' | 'transfer' | 'refund';
export const KILL_TARGET_WAIT_MS = 4_000;

export type FaultEvent = { at: number; kind: 'kill'; node: number; downMs: number; target?: KillTarget } | { at: number; kind: 'bank'; request: FaultRequest };

/** Bank faults by rail, each from the simulators' own controls (mocks/README.md). */
const BANK_FAULTS: Record<ConnectorId, readonly FaultRequest[]> = {
  'demo-card': [
    { bank: 'card', fault: 'no_reply', on: 'authorize' },
    { bank: 'card', fault: 'lose_reply', on: 'authorize' },
    { bank: 'card', fault: 'late_reply', on: 'authorize' },
    { bank: 'card', fault: 'answer_twice' },
    { bank: 'card', fault: 'garbage_frame' },
    { bank: 'card', fault: 'drop_connection' },
    { bank: 'card', fault: 'no_reply', on: 'verify' },
    { bank: 'card', fault: 'lose_reply', on: 'refund' },
    { bank: 'card', fault: 'drop_link' },
  ],
  'demo-sepa': [
    { bank: 'sepa', fault: 'no_reply', on: 'transfer' },
    { bank: 'sepa', fault: 'late_reply', on: 'transfer' },
    { bank: 'sepa', fault: 'duplicate_push', on: 'transfer' },
    { bank: 'sepa', fault: 'malformed_reply', on: 'transfer' },
    { bank: 'sepa', fault: 'no_reply', on: 'verify' },
    { bank: 'sepa', fault: 'no_reply', on: 'refund' },
    { bank: 'sepa', fault: 'late_reply', on: 'inquire' },
    { bank: 'sepa', fault: 'unreachable', on: 'transfer' },
  ],
  'demo-batch': [
    { bank: 'batch', fault: 'no_reply' },
    { bank: 'batch', fault: 'duplicate_reply' },
    { bank: 'batch', fault: 'malformed_reply' },
    { bank: 'batch', fault: 'late_reply' },
    { bank: 'batch', fault: 'half_written_file' },
  ],
};

export interface ScheduleOptions {
  faults: ReadonlySet<FaultKind>;
  connectors: readonly ConnectorId[];
  nodes: number;
  /** The workload's span: faults land inside it. */
  spanMs: number;
  payments: number;
}

export function planFaults(rng: Prng, o: ScheduleOptions): FaultEvent[] {
  const events: FaultEvent[] = [];
  if (o.faults.has('kill')) {
    const kills = rng.int(1, Math.max(1, Math.ceil(o.payments / 12)));
    // Drawn from a fork of their own, so adding targets left every other draw of a seed as it was.
    const targets = rng.fork('kill-targets');
    for (let i = 0; i < kills; i++) {
      const target = targets.chance(0.5) ? targets.pick(['verify', 'authorize', 'transfer', 'transfer', 'refund'] as const) : undefined;
      events.push({ at: rng.int(300, o.spanMs), kind: 'kill', node: rng.int(0, o.nodes - 1), downMs: rng.int(0, 1_500), ...(target ? { target } : {}) });
    }
  }
  if (o.faults.has('bank')) {
    const pool = o.connectors.flatMap((c) => BANK_FAULTS[c]);
    const n = rng.int(2, Math.max(2, Math.ceil(o.payments / 4)));
    for (let i = 0; i < n; i++) events.push({ at: rng.int(0, o.spanMs), kind: 'bank', request: rng.pick(pool) });
  }
  return events.sort((a, b) => a.at - b.at);
}

/** RAILYARD_SIM_STORE_FAULTS for one start of one node (src/store/sim-faults.ts). */
export function storeFaultEnv(rng: Prng): (node: number) => (generation: number) => string {
  const statement = rng.pick([0.002, 0.005, 0.01]);
  const commit = rng.pick([0.005, 0.01, 0.02]);
  const seed = rng.hex(4);
  return (node) => (generation) => JSON.stringify({ seed: `${seed}/${node}/${generation}`, statement, commit });
}

export function describeFault(e: FaultEvent): string {
  if (e.kind === 'kill') return `+${e.at}ms SIGKILL node ${e.node}${e.target ? ` at the first ${e.target} in flight` : ''} (down ${e.downMs}ms)`;
  const r = e.request;
  return `+${e.at}ms ${r.bank} ${r.fault}${'on' in r && r.on ? ` on ${r.on}` : ''}`;
}
