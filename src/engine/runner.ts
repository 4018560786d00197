import { EventEmitter } from 'node:events';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import type {
  AggregateKind,
  CommandRecord,
  EventRecord,
  Json,
  PaymentRecord,
  RefundRecord,
  Store,
  StoreTx,
} from '../store/types.js';
import type { CommandSpec, EngineEvent } from './machine-types.js';
import { machineVersion, step, type Step } from './machines.js';
import { PAYMENT_STATUS, TERMINAL_PAYMENT_STATES } from './payment-machine.js';
import { REFUND_STATUS, TERMINAL_REFUND_STATES } from './refund-machine.js';

/** Distributive Omit, so each event variant keeps its own fields. */
export type EventInput = EngineEvent extends infer E ? (E extends EngineEvent ? Omit<E, 'at'> : never) : never;

export interface Applied {
  kind: AggregateKind;
  id: string;
  paymentId: string;
  from: string;
  to: string;
  status: string;
  statusChanged: boolean;
  changed: boolean;
}

export class AggregateNotFound extends Error {
  override readonly name = 'AggregateNotFound';
}

/** Webhook event types by API status; statuses without a type (processing, pending) emit none. */
const PAYMENT_EVENT_TYPES: Record<string, string> = {
  requires_confirmation: 'payment.requires_confirmation',
  authorized: 'payment.authorized',
  succeeded: 'payment.succeeded',
  failed: 'payment.failed',
  expired: 'payment.expired',
  canceled: 'payment.canceled',
  reversed: 'payment.reversed',
  requires_review: 'payment.requires_review',
};
const REFUND_EVENT_TYPES: Record<string, string> = {
  succeeded: 'refund.succeeded',
  failed: 'refund.failed',
  requires_review: 'refund.requires_review',
};

/** Only what the timeline needs from an event; outcomes carry no card data by contract. */
function eventSummary(event: EngineEvent): Json {
  if (event.type === 'RESULT') {
    const summary: Record<string, Json> = {
      type: event.type,
      flow: event.flow,
      reference: event.reference,
      outcome: event.outcome as unknown as Json,
    };
    if (event.about) summary.about = event.about;
    if (event.late) summary.late = true;
    return summary;
  }
  if (event.type === 'TIMER') return { type: event.type, name: event.name };
  return { type: event.type };
}

/**
 * Applies events to aggregates durably. Per event: lock the row, compute the pure transition,
 * and in the same store transaction write snapshot + status + history + outbox + timers + API event.
 * Committed changes are announced on `changes` ('change', with the Applied) so in-process waiters
 * and workers react at once; the outbox adds 'code-sent' (the payment id) once a one-time code is out.
 */
export class Runner {
  readonly changes = new EventEmitter();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Runs in the transaction that writes each API event (webhook deliveries are queued there). */
    private readonly onEvent?: (tx: StoreTx, e: EventRecord) => Promise<void>,
  ) {
    this.changes.setMaxListeners(0);
  }

  /** Applies one event in its own transaction. `also` runs inside the same transaction. */
  async apply(
    kind: AggregateKind,
    id: string,
    event: EventInput,
    also?: (tx: StoreTx) => Promise<void>,
  ): Promise<Applied> {
    const applied = await this.store.transaction(async (tx) => {
      const result = await this.applyInTx(tx, kind, id, event);
      if (also) await also(tx);
      return result;
    });
    this.announce(applied);
    return applied;
  }

  announce(applied: Applied): void {
    if (applied.changed) this.changes.emit('change', applied);
  }

  async applyInTx(tx: StoreTx, kind: AggregateKind, id: string, input: EventInput): Promise<Applied> {
    const locked = await this.lockAggregate(tx, kind, id);
    if (!locked) throw new AggregateNotFound(`${kind} ${id} not found`);
    return this.applyLocked(tx, kind, locked.row, locked.paymentId, input);
  }

  /**
   * Locks an aggregate the one way every writer does, so no two transactions ever wait on each
   * other in a cycle: the payment row first, then (for a refund) the refund row, and only then
   * its timers and commands. A refund's events write to its payment's hash-chained timeline, so
   * they hold the payment's lock anyway.
   */
  async lockAggregate(tx: StoreTx, kind: AggregateKind, id: string): Promise<{ row: PaymentRecord | RefundRecord; paymentId: string } | null> {
    if (kind === 'payment') {
      const row = await tx.lockPayment(id);
      return row ? { row, paymentId: row.id } : null;
    }
    // a refund's payment never changes: read it unlocked, lock the payment, then the refund
    const plain = await tx.getRefund(id);
    if (!plain) return null;
    await tx.lockPayment(plain.paymentId);
    const row = await tx.lockRefund(id);
    return row ? { row, paymentId: row.paymentId } : null;
  }

  /** Applies an event to an aggregate this transaction has locked (`lockAggregate`). */
  async applyLocked(tx: StoreTx, kind: AggregateKind, row: PaymentRecord | RefundRecord, paymentId: string, input: EventInput): Promise<Applied> {
    const id = row.id;
    const at = this.clock.now();
    const event = { ...input, at } as EngineEvent;
    const next = step(kind, row.machineVersion, row.snapshot, event);
    if (!next.changed) {
      await tx.appendHistory({
        paymentId,
        aggregateId: id,
        at,
        kind: 'note',
        fromState: row.state,
        toState: row.state,
        data: { ignored: eventSummary(event) },
      });
      return { kind, id, paymentId, from: row.state, to: row.state, status: row.status, statusChanged: false, changed: false };
    }
    await this.write(tx, kind, row, paymentId, next, eventSummary(event), eventData(next, event), machineVersion(kind), at);
    return {
      kind,
      id,
      paymentId,
      from: row.state,
      to: next.state,
      status: next.status,
      statusChanged: next.status !== row.status,
      changed: true,
    };
  }

  /**
   * Sends a locked, non-terminal aggregate to manual review without its machine: for when the
   * machine itself cannot take the event (a snapshot of a version this build refuses, a bug), so
   * an operator sees it instead of it waiting forever. Keeps the stored machine version (the
   * snapshot stays readable by the build that wrote it) and records `reason` in the failure, the
   * history and the API event. A terminal aggregate is left as it is, with a note.
   */
  async reviewLocked(
    tx: StoreTx,
    kind: AggregateKind,
    row: PaymentRecord | RefundRecord,
    paymentId: string,
    reason: { code: string; reason: string },
    detail: Json,
  ): Promise<Applied> {
    const at = this.clock.now();
    const terminal = (kind === 'payment' ? TERMINAL_PAYMENT_STATES : TERMINAL_REFUND_STATES) as readonly string[];
    if (terminal.includes(row.state)) {
      await tx.appendHistory({ paymentId, aggregateId: row.id, at, kind: 'note', fromState: row.state, toState: row.state, data: { not_applied: { ...reason, detail } } });
      return { kind, id: row.id, paymentId, from: row.state, to: row.state, status: row.status, statusChanged: false, changed: false };
    }
    const failure = { code: reason.code, reason: reason.reason };
    const next: Step = {
      snapshot: { value: 'manual_review', context: { ...row.snapshot.context, failure } },
      state: 'manual_review',
      status: kind === 'payment' ? PAYMENT_STATUS.manual_review : REFUND_STATUS.manual_review,
      // what the machine's manual_review state does on entry: tell the customer
      commands: [{ kind: 'notify', notification: 'result', status: 'requires_review' }],
      timers: [],
      changed: true,
    };
    await this.write(tx, kind, row, paymentId, next, { type: 'REVIEW', ...failure, detail }, { status: next.status, state: next.state, failure }, row.machineVersion, at);
    return { kind, id: row.id, paymentId, from: row.state, to: next.state, status: next.status, statusChanged: next.status !== row.status, changed: true };
  }

  /** Writes the first step of a freshly inserted aggregate (its initial state's actions). */
  async writeInitial(tx: StoreTx, kind: AggregateKind, row: PaymentRecord | RefundRecord, paymentId: string, first: Step): Promise<void> {
    const at = this.clock.now();
    await this.writeOutputs(tx, kind, row.id, paymentId, first, at);
    await tx.appendHistory({ paymentId, aggregateId: row.id, at, kind: 'transition', fromState: null, toState: first.state, data: { type: 'CREATED' } });
  }

  private async write(
    tx: StoreTx,
    kind: AggregateKind,
    row: PaymentRecord | RefundRecord,
    paymentId: string,
    next: Step,
    summary: Json,
    apiData: Json,
    writtenVersion: number,
    at: number,
  ): Promise<void> {
    const version = row.version + 1;
    const update = { status: next.status, state: next.state, machineVersion: writtenVersion, snapshot: next.snapshot, version, updatedAt: at };
    if (kind === 'payment') await tx.updatePayment(row.id, update);
    else await tx.updateRefund(row.id, update);
    // Deadlines belong to the state that set them: leaving the state clears them.
    if (next.state !== row.state) await tx.deleteTimers(row.id);
    await this.writeOutputs(tx, kind, row.id, paymentId, next, at);
    await tx.appendHistory({
      paymentId,
      aggregateId: row.id,
      at,
      kind: 'transition',
      fromState: row.state,
      toState: next.state,
      data: summary,
    });
    if (next.status !== row.status) {
      const type = (kind === 'payment' ? PAYMENT_EVENT_TYPES : REFUND_EVENT_TYPES)[next.status];
      if (type) {
        const apiEvent: EventRecord = {
          id: newId('evt', at),
          merchantId: row.merchantId,
          type,
          paymentId,
          refundId: kind === 'refund' ? row.id : null,
          version,
          data: apiData,
          createdAt: at,
        };
        await tx.insertEvent(apiEvent);
        await this.onEvent?.(tx, apiEvent);
      }
    }
  }

  private async writeOutputs(tx: StoreTx, kind: AggregateKind, aggregateId: string, paymentId: string, s: Step, at: number): Promise<void> {
    for (const spec of s.commands) await tx.insertCommand(commandRecord(kind, aggregateId, paymentId, spec, at));
    for (const t of s.timers) await tx.upsertTimer({ aggregateId, aggregateKind: kind, name: t.name, dueAt: t.at });
  }
}

/**
 * What an API event records beside the status: the failure, and the bank's word that moved it
 * (its reference, the integrity check of its MAC or signature, and its evidence, already masked),
 * so webhooks carry the evidence to the merchant.
 */
function eventData(next: Step, event: EngineEvent): Json {
  const data: Record<string, Json> = { status: next.status, state: next.state };
  const failure = next.snapshot.context.failure as Json | undefined;
  if (failure) data.failure = failure;
  if (event.type === 'RESULT') {
    const o = event.outcome;
    const bank: Record<string, Json> = { flow: event.flow, reference: event.reference, outcome: o.kind };
    if (o.kind === 'ok' || o.kind === 'pending') {
      if (o.bankReference) bank.bank_reference = o.bankReference;
    }
    if (o.kind === 'ok') {
      if (o.integrity) bank.integrity = o.integrity;
      if (o.evidence) bank.evidence = o.evidence;
    }
    if (o.kind === 'unknown' && o.integrity === 'failed') {
      // the rejected reply's evidence (its code, the failed check) shows why this became unknown
      bank.integrity = o.integrity;
      if (o.evidence) bank.evidence = o.evidence;
    }
    if (o.kind === 'declined') {
      bank.code = o.code;
      // a signed refusal is the bank's evidence for payment.failed, as a signed reply is for succeeded
      if (o.integrity) bank.integrity = o.integrity;
      if (o.evidence) bank.evidence = o.evidence;
    }
    data.bank = bank;
  }
  return data;
}

function commandRecord(kind: AggregateKind, aggregateId: string, paymentId: string, spec: CommandSpec, at: number): CommandRecord {
  const id = newId('cmd', at);
  return {
    id,
    aggregateId,
    aggregateKind: kind,
    paymentId,
    kind: spec.kind,
    name: spec.kind === 'bank' ? spec.flow : spec.notification,
    // The command id doubles as the bank reference: unique, <= 35 characters, chosen before sending.
    // A resend of a request the bank never received reuses the original's reference.
    reference: spec.kind === 'bank' && spec.reference !== undefined ? spec.reference : id,
    spec: spec as unknown as Json,
    status: 'pending',
    attempts: 0,
    availableAt: at,
    leaseOwner: null,
    leaseUntil: null,
    outcome: null,
    createdAt: at,
    completedAt: null,
  };
}
