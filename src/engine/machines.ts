import { initialTransition, transition, type AnyStateMachine } from 'xstate';
import type { AggregateKind, PersistedSnapshot } from '../store/types.js';
import type { CommandSpec, EngineEvent, TimerSpec } from './machine-types.js';
import { PAYMENT_MACHINE_VERSION, PAYMENT_STATUS, paymentMachine, type PaymentInput, type PaymentState } from './payment-machine.js';
import { REFUND_MACHINE_VERSION, REFUND_STATUS, refundMachine, type RefundInput, type RefundState } from './refund-machine.js';

/** A snapshot written by a machine version this code cannot read. */
export class MachineVersionError extends Error {
  override readonly name = 'MachineVersionError';
  constructor(kind: AggregateKind, found: number, supported: number) {
    super(
      `${kind} snapshot has machine version ${found}, this build supports ${supported} ` +
        (found > supported ? '(written by a newer Railyard: upgrade this node)' : '(no migration exists from that version)'),
    );
  }
}

export interface Step {
  snapshot: PersistedSnapshot;
  state: string;
  status: string;
  commands: CommandSpec[];
  timers: TimerSpec[];
  /** False when the event did nothing (a stale or duplicate reply). */
  changed: boolean;
}

/** Migrations from version N to N+1, per machine. Empty while only version 1 exists. */
type Migration = (s: PersistedSnapshot) => PersistedSnapshot;

interface MachineDef {
  machine: AnyStateMachine;
  version: number;
  status: Record<string, string>;
  migrations: Record<number, Migration>;
}

const MACHINES: Record<AggregateKind, MachineDef> = {
  payment: { machine: paymentMachine, version: PAYMENT_MACHINE_VERSION, status: PAYMENT_STATUS, migrations: {} },
  refund: { machine: refundMachine, version: REFUND_MACHINE_VERSION, status: REFUND_STATUS, migrations: {} },
};

export const machineVersion = (kind: AggregateKind): number => MACHINES[kind].version;

interface ActionLike {
  type: string;
  params?: unknown;
}

function collect(actions: readonly ActionLike[]): { commands: CommandSpec[]; timers: TimerSpec[] } {
  const commands: CommandSpec[] = [];
  const timers: TimerSpec[] = [];
  for (const a of actions) {
    if (a.type === 'command') commands.push(a.params as CommandSpec);
    else if (a.type === 'timer') timers.push(a.params as TimerSpec);
  }
  return { commands, timers };
}

function persisted(kind: AggregateKind, snap: { value: unknown; context: unknown }): PersistedSnapshot {
  if (typeof snap.value !== 'string') throw new Error(`${kind} machine reached a non-atomic state`);
  return { value: snap.value, context: snap.context as Record<string, unknown> };
}

export function startMachine(kind: 'payment', input: PaymentInput): Step;
export function startMachine(kind: 'refund', input: RefundInput): Step;
export function startMachine(kind: AggregateKind, input: PaymentInput | RefundInput): Step {
  const def = MACHINES[kind];
  const [snap, actions] = initialTransition(def.machine, input);
  const p = persisted(kind, snap);
  return { snapshot: p, state: p.value, status: def.status[p.value] ?? 'processing', ...collect(actions), changed: true };
}

/** Brings an old snapshot up to the current machine version, or refuses it clearly. */
export function upgrade(kind: AggregateKind, version: number, snapshot: PersistedSnapshot): PersistedSnapshot {
  const def = MACHINES[kind];
  if (version === def.version) return snapshot;
  if (version > def.version) throw new MachineVersionError(kind, version, def.version);
  let s = snapshot;
  for (let v = version; v < def.version; v++) {
    const m = def.migrations[v];
    if (!m) throw new MachineVersionError(kind, version, def.version);
    s = m(s);
  }
  return s;
}

/** The pure step: restore, transition, and read what the machine asked for. Executes nothing. */
export function step(kind: AggregateKind, version: number, stored: PersistedSnapshot, event: EngineEvent): Step {
  const def = MACHINES[kind];
  const current = upgrade(kind, version, stored);
  const restored = def.machine.resolveState({ value: current.value, context: current.context });
  const [next, actions] = transition(def.machine, restored, event);
  const p = persisted(kind, next);
  const collected = collect(actions);
  const changed =
    p.value !== current.value ||
    collected.commands.length > 0 ||
    collected.timers.length > 0 ||
    JSON.stringify(p.context) !== JSON.stringify(current.context);
  return { snapshot: p, state: p.value, status: def.status[p.value] ?? 'processing', ...collected, changed };
}

export type { PaymentState, RefundState };
