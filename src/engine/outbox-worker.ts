import { randomInt } from 'node:crypto';
import { failedIntegrity, normaliseOutcome, notSent, unknown, type Outcome } from '../connector/outcome.js';
import type { ConnectorSet } from '../connector/registry-types.js';
import type { Clock } from '../domain/clock.js';
import { Secret } from '../domain/secret.js';
import type { Vault } from '../domain/vault.js';
import type { Logger } from '../log.js';
import type { Notifier } from '../notify/notifier.js';
import { claimOf, type CommandRecord, type Json, type PaymentRecord, type RefundRecord, type Store } from '../store/types.js';
import { buildFlowRequest } from './flow-request.js';
import type { CommandSpec } from './machine-types.js';
import type { MerchantDirectory } from './merchants.js';
import { A_FEW_TRIES, land, UNTIL_IT_LANDS, type LandingDeps, type LandingRetry } from './landing.js';
import type { Runner } from './runner.js';

export interface OutboxDeps {
  store: Store;
  runner: Runner;
  clock: Clock;
  connectors: ConnectorSet;
  notifier: Notifier;
  vault: Vault;
  merchants: MerchantDirectory;
  log: Logger;
  /** Identifies this process in leases. */
  owner: string;
  otpTtlMs: number;
  batchSize?: number;
  /** How long a claimed command belongs to this process; must outlast the longest bank call. */
  leaseMs?: number;
  /** Bank calls in flight at once from this process; more wait in the outbox. */
  maxConcurrency?: number;
  /** Notifications are retried this many times, then dropped with a log line: they never block a payment. */
  notifyMaxAttempts?: number;
  /** How applying a bank's answer is retried while the store fails transiently (tests shorten it). */
  applyRetry?: LandingRetry;
}

const TIMED_OUT: unique symbol = Symbol('timed out');

/** Commands that are safe to run again after a crash: they move no money. */
const repeatable = (c: CommandRecord): boolean => c.kind === 'notify' || c.name === 'inquire';

/**
 * Claims due outbox commands, runs them against connectors or notifiers, and feeds outcomes back
 * as events. A bank call that outlives the connector's timeout becomes `unknown` (never failed);
 * if its reply still arrives it is fed back as a late result, so the machine can reverse it.
 */
export class OutboxWorker {
  private readonly running = new Set<Promise<void>>();
  private readonly late = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private finished = 0;

  constructor(private readonly d: OutboxDeps) {}

  get leaseMs(): number {
    return Math.max(this.d.leaseMs ?? 0, this.d.connectors.maxCallTimeoutMs() + 2_000);
  }

  /** Claims one batch and starts it. Returns how many commands were claimed. */
  async tick(): Promise<number> {
    const room = Math.min(this.d.batchSize ?? 64, (this.d.maxConcurrency ?? 512) - this.running.size);
    if (room <= 0) return 0;
    const claimed = await this.d.store.transaction((tx) =>
      tx.claimCommands({ now: this.d.clock.now(), limit: room, owner: this.d.owner, leaseMs: this.leaseMs }),
    );
    for (const c of claimed) {
      const p = this.execute(c).catch((err: unknown) => this.d.log.error({ err, command: c.id }, 'command execution failed'));
      this.running.add(p);
      void p.finally(() => {
        this.running.delete(p);
        this.finished++;
      });
    }
    return claimed.length;
  }

  /** Resolves when every claimed command has been answered or timed out. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /**
   * Resolves when nothing in flight can progress without the world moving: every command is
   * done or waits on a bank reply or on the clock. Tests on a manual clock use it, since `idle()`
   * would wait forever for a timeout that only advancing the clock can fire.
   */
  async quiet(): Promise<void> {
    for (;;) {
      const before = this.finished;
      for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
      if (this.running.size === 0 || this.finished === before) return;
    }
  }

  get busy(): number {
    return this.running.size;
  }

  /** Stops waiting for late replies (shutdown). */
  close(): void {
    this.abort.abort(new Error('railyard is shutting down'));
  }

  /**
   * Commands whose lease ran out were in flight when their process died. Money-moving ones are
   * never resent: the machine learns the outcome is unknown and inquires or reverses. Each is
   * taken over in a transaction of its own that locks its aggregate first (the lock order), so
   * one that cannot be applied never holds back the others.
   */
  async recover(): Promise<number> {
    let total = 0;
    for (let round = 0; round < 100; round++) {
      const now = this.d.clock.now();
      // candidates only: each is taken over below, conditionally (its owner may finish it meanwhile)
      const expired = await this.d.store.transaction((tx) => tx.claimExpiredLeases(now, 50));
      let progress = 0;
      for (const c of expired) {
        try {
          if (await this.recoverOne(c, now)) progress++;
        } catch (err) {
          this.d.log.error({ err: errorName(err), command: c.id }, 'expired command could not be recovered; tried again later');
        }
      }
      total += progress;
      if (expired.length < 50 || progress === 0) return total;
    }
    return total;
  }

  private async recoverOne(c: CommandRecord, now: number): Promise<boolean> {
    if (repeatable(c)) {
      return this.d.store.transaction((tx) => tx.expireCommand(c.id, now, { requeueAt: now }));
    }
    const outcome = unknown(true, 'in flight when its worker stopped');
    const landed = await land(this.landing(A_FEW_TRIES), {
      target: { kind: c.aggregateKind, id: c.aggregateId },
      event: resultEvent(c, outcome, false),
      guard: (tx, { error }) => tx.expireCommand(c.id, now, { lost: withError(outcome, error) }),
      reviewCode: 'engine_error',
      context: { command: c.id, flow: c.name },
    });
    return landed.kind === 'applied' || landed.kind === 'reviewed';
  }

  private landing(retry: LandingRetry): LandingDeps {
    return { store: this.d.store, runner: this.d.runner, log: this.d.log, retry: this.d.applyRetry ?? retry, signal: this.abort.signal };
  }

  private async execute(c: CommandRecord): Promise<void> {
    if (c.kind === 'notify') return this.notify(c);
    const spec = c.spec as unknown as Extract<CommandSpec, { kind: 'bank' }>;
    const payment = await this.d.store.getPayment(c.paymentId);
    if (!payment) throw new Error(`payment ${c.paymentId} of command ${c.id} not found`);
    const refund = c.aggregateKind === 'refund' ? await this.d.store.getRefund(c.aggregateId) : null;
    const connector = this.d.connectors.get(payment.connector);
    const flow = connector?.flows[spec.flow];
    if (!connector || !flow) {
      return this.finish(c, notSent(`connector ${payment.connector} has no ${spec.flow} flow`), false);
    }
    const merchantName = this.d.merchants.get(payment.merchantId)?.name ?? payment.merchantId;
    const req = buildFlowRequest(this.d.vault, merchantName, payment, refund, c, spec);
    const started = this.d.clock.now();
    const call = Promise.resolve()
      .then(() => flow.call(connector.flows, req, { clock: this.d.clock, signal: this.abort.signal }))
      .then(normaliseOutcome, (err: unknown) => {
        this.d.log.warn({ err: errorName(err), command: c.id, flow: spec.flow }, 'connector flow threw');
        return unknown(true, 'connector error');
      });
    const timer = new AbortController();
    const deadline = this.d.clock
      .sleep(connector.capabilities.callTimeoutMs, timer.signal)
      .then((): typeof TIMED_OUT => TIMED_OUT)
      .catch((): undefined => undefined);
    const first = await Promise.race([call, deadline]);
    timer.abort();
    if (typeof first !== 'object') {
      this.d.log.info({ command: c.id, flow: spec.flow, payment: payment.id }, 'bank call timed out: outcome unknown');
      await this.finish(c, unknown(true, `no reply within ${connector.capabilities.callTimeoutMs} ms`), false);
      const late = call.then(async (o) => {
        if (o.kind === 'ok' || o.kind === 'declined') await this.apply(c, o, true);
        // not the bank's word (normalised to unknown): the machine already treats the call as unknown
        else if (failedIntegrity(o)) this.d.log.warn({ command: c.id, flow: spec.flow }, 'late reply failed its integrity check: ignored');
      });
      this.late.add(late);
      void late.finally(() => this.late.delete(late)).catch(() => undefined);
      return;
    }
    this.d.log.debug({ command: c.id, flow: spec.flow, outcome: first.kind, ms: this.d.clock.now() - started }, 'bank call answered');
    await this.finish(c, first, false);
  }

  /** Waits for replies that arrived after their timeout to be applied (tests). */
  async lateSettled(): Promise<void> {
    await Promise.allSettled([...this.late]);
  }

  /**
   * Applies the bank's answer and closes the command in one transaction, retried until it lands:
   * the answer exists only in this process's memory, so the command stays open (claimed, leased)
   * meanwhile, and a crash leaves it to be recovered (unknown, then inquiry or reversal). An
   * answer the machine cannot take sends the aggregate to review with the answer kept on the
   * command. If the claim went stale meanwhile (the lease ran out and the command was taken over),
   * the answer is still the bank's word: an approval or decline is applied as a late result.
   */
  private async finish(c: CommandRecord, outcome: Outcome, late: boolean): Promise<void> {
    const now = this.d.clock.now();
    const claim = claimOf(c);
    const landed = await land(this.landing(UNTIL_IT_LANDS), {
      target: { kind: c.aggregateKind, id: c.aggregateId },
      event: resultEvent(c, outcome, late),
      guard: (tx, { error }) => tx.finishCommand(claim, withError(outcome, error), now),
      reviewCode: 'engine_error',
      context: { command: c.id, flow: c.name, outcome: outcome.kind },
    });
    if (landed.kind === 'stopped') {
      this.d.log.warn({ command: c.id }, 'shutting down before the outcome could be stored; the command is recovered after the restart');
      return;
    }
    if (landed.kind !== 'skipped') return;
    const current = await this.d.store.transaction((tx) => tx.getCommand(c.id));
    // our own earlier COMMIT landed although its answer was lost (a dropped connection): done
    if (current && current.status === 'done' && current.leaseOwner === claim.owner && current.attempts === claim.attempt) return;
    this.d.log.warn({ command: c.id, status: current?.status ?? 'missing' }, 'stale claim: the command was taken over meanwhile; its finish changed nothing');
    if (outcome.kind === 'ok' || outcome.kind === 'declined') await this.apply(c, outcome, true);
  }

  /** A reply that outlived its command (timed out, or taken over): fed to the machine as late news. */
  private async apply(c: CommandRecord, outcome: Outcome, late: boolean): Promise<void> {
    await land(this.landing(UNTIL_IT_LANDS), {
      target: { kind: c.aggregateKind, id: c.aggregateId },
      event: resultEvent(c, outcome, late),
      reviewCode: 'engine_error',
      context: { command: c.id, flow: c.name, outcome: outcome.kind, late },
    });
  }

  private async notify(c: CommandRecord): Promise<void> {
    const spec = c.spec as unknown as Extract<CommandSpec, { kind: 'notify' }>;
    const payment = await this.d.store.getPayment(c.paymentId);
    if (!payment) throw new Error(`payment ${c.paymentId} of command ${c.id} not found`);
    const merchantName = this.d.merchants.get(payment.merchantId)?.name ?? payment.merchantId;
    const now = this.d.clock.now();
    try {
      if (spec.notification === 'otp') {
        await this.sendOtp(payment, merchantName, now, c);
        return;
      } else {
        const refund: RefundRecord | null = c.aggregateKind === 'refund' ? await this.d.store.getRefund(c.aggregateId) : null;
        await this.d.notifier.send({
          kind: 'result',
          paymentId: payment.id,
          ...(refund ? { refundId: refund.id } : {}),
          merchantId: payment.merchantId,
          merchantName,
          to: payment.customerEmail,
          status: spec.status ?? payment.status,
          amount: refund ? refund.amount : payment.amount,
          currency: payment.currency,
          last4: payment.method.last4,
        });
      }
      const mine = await this.d.store.transaction((tx) => tx.finishCommand(claimOf(c), { kind: 'sent' }, now));
      if (!mine) this.d.log.warn({ command: c.id }, 'stale claim: the notification was taken over meanwhile; its finish changed nothing');
    } catch (err) {
      const max = this.d.notifyMaxAttempts ?? 8;
      this.d.log.warn({ err: errorName(err), command: c.id, attempt: c.attempts }, 'notification failed');
      const mine = await this.d.store.transaction((tx) =>
        c.attempts >= max
          ? tx.finishCommand(claimOf(c), { kind: 'dropped', reason: errorName(err) }, now)
          : tx.requeueCommand(claimOf(c), now + Math.min(600_000, 1_000 * 2 ** c.attempts)),
      );
      if (!mine) this.d.log.warn({ command: c.id }, 'stale claim: the notification was taken over meanwhile; nothing changed');
    }
  }

  /** Six digits from the CSPRNG; only the keyed hash is stored, the clear code goes to the customer. */
  private async sendOtp(payment: PaymentRecord, merchantName: string, now: number, c: CommandRecord): Promise<void> {
    const code = new Secret(randomInt(0, 1_000_000).toString().padStart(6, '0'));
    const expiresAt = now + this.d.otpTtlMs;
    // The hash is stored before the code leaves; if sending then fails the catch puts the command
    // back, and the next try issues a new code. The payment is locked first (the lock order), and
    // a stale claim stores nothing: the code it would send could never be checked.
    const mine = await this.d.store.transaction(async (tx) => {
      await tx.lockPayment(payment.id);
      if (!(await tx.finishCommand(claimOf(c), { kind: 'sent' }, now))) return false;
      await tx.putOtp({ paymentId: payment.id, codeHash: otpHash(this.d.vault, payment.id, code), expiresAt, createdAt: now });
      return true;
    });
    if (!mine) {
      this.d.log.warn({ command: c.id }, 'stale claim: the one-time code was taken over meanwhile; not sent');
      return;
    }
    await this.d.notifier.send({
      kind: 'otp',
      paymentId: payment.id,
      merchantId: payment.merchantId,
      merchantName,
      to: payment.customerEmail,
      code,
      amount: payment.amount,
      currency: payment.currency,
      expiresAt,
    });
    // a client waiting for "requires_confirmation" waits for the code to be out (src/api/wait.ts)
    this.d.runner.changes.emit('code-sent', payment.id);
  }
}

export const otpHash = (vault: Vault, paymentId: string, code: Secret<string>): string => vault.mac('otp', `${paymentId}:${code.reveal()}`);

function resultEvent(c: CommandRecord, outcome: Outcome, late: boolean) {
  const spec = c.spec as unknown as Extract<CommandSpec, { kind: 'bank' }>;
  return {
    type: 'RESULT' as const,
    flow: spec.flow,
    ...(spec.original && spec.flow === 'inquire' ? { about: spec.original.flow } : {}),
    reference: c.reference,
    outcome,
    ...(late ? { late: true } : {}),
  };
}

/** The outcome as stored on its command; with the engine's error when the machine could not take it. */
function withError(outcome: Outcome, error: string | undefined): Json {
  const o = outcome as unknown as Record<string, Json>;
  return error === undefined ? o : { ...o, engineError: error };
}

/** Errors are logged by name and message class only: a connector's message might echo bank data. */
function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
