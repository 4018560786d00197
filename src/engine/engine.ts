import { randomBytes } from 'node:crypto';
import { failedIntegrity, normaliseOutcome } from '../connector/outcome.js';
import type { ConnectorSet } from '../connector/registry-types.js';
import type { ConnectorReport, InboundRequest, InboundResult } from '../connector/types.js';
import type { Clock } from '../domain/clock.js';
import type { Vault } from '../domain/vault.js';
import type { Logger } from '../log.js';
import type { Notifier } from '../notify/notifier.js';
import type { EventRecord, Store, StoreTx } from '../store/types.js';
import { EngineError } from './errors.js';
import type { PaymentPolicy } from './machine-types.js';
import type { Merchant, MerchantDirectory } from './merchants.js';
import { OutboxWorker } from './outbox-worker.js';
import { type ClearMethod, Payments } from './payments.js';
import { Runner, type Applied } from './runner.js';
import { A_FEW_TRIES, land, type LandingRetry } from './landing.js';
import { Sweeper } from './sweeper.js';
import { TimerWorker } from './timer-worker.js';

export interface EngineOptions {
  store: Store;
  clock: Clock;
  connectors: ConnectorSet;
  notifier: Notifier;
  vault: Vault;
  merchants: MerchantDirectory;
  log: Logger;
  policy?: Partial<PaymentPolicy>;
  refundWindowDays?: number;
  decryptMethod?: (payload: string, merchant: Merchant) => Promise<ClearMethod>;
  /** How often the workers look for due work when nothing woke them (real milliseconds). */
  pollIntervalMs?: number;
  owner?: string;
  /** Lease of a claimed outbox command (default: twice the longest call timeout + 10 s). */
  leaseMs?: number;
  /** Real milliseconds a graceful stop waits for bank calls in flight. */
  shutdownGraceMs?: number;
  /** Called inside the transaction of every API event (src/notify/webhooks queues deliveries). */
  onEvent?: (tx: StoreTx, e: EventRecord) => Promise<void>;
  /** Further queues run by the worker loop beside the outbox (webhook deliveries). */
  workers?: QueueWorker[];
  /** How applying a bank's answer is retried while the store fails transiently (tests shorten it). */
  applyRetry?: LandingRetry;
  /** How often the loop looks for stranded aggregates (real milliseconds; default 30 s). */
  sweepIntervalMs?: number;
  /** Aggregates unchanged for less than this are not swept (clock milliseconds; default 60 s). */
  sweepGraceMs?: number;
}

/** A queue with its own table: the loop asks when work is due, claims it, and waits it out on stop. */
export interface QueueWorker {
  nextDue(): Promise<number | null>;
  tick(): Promise<number>;
  idle(): Promise<void>;
  /** Told when finished work may have made more due (the next delivery of a line), to wake the loop. */
  onProgress?(listener: () => void): void;
}

/**
 * The engine: runner, outbox and timer workers, and the payment use cases, wired together.
 * `start()` runs the workers in the background; tests drive them step by step with `drain()`.
 */
export class Engine {
  readonly runner: Runner;
  readonly payments: Payments;
  readonly outbox: OutboxWorker;
  readonly timers: TimerWorker;
  readonly sweeper: Sweeper;
  readonly owner: string;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  /** Set by every committed change, so a change during a busy round is not slept through. */
  private dirty = false;

  constructor(private readonly o: EngineOptions) {
    this.owner = o.owner ?? `node-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.runner = new Runner(o.store, o.clock, o.onEvent);
    this.payments = new Payments({
      store: o.store,
      runner: this.runner,
      clock: o.clock,
      connectors: o.connectors,
      vault: o.vault,
      ...(o.policy ? { policy: o.policy } : {}),
      ...(o.refundWindowDays !== undefined ? { refundWindowDays: o.refundWindowDays } : {}),
      ...(o.decryptMethod ? { decryptMethod: o.decryptMethod } : {}),
    });
    this.outbox = new OutboxWorker({
      store: o.store,
      runner: this.runner,
      clock: o.clock,
      connectors: o.connectors,
      notifier: o.notifier,
      vault: o.vault,
      merchants: o.merchants,
      log: o.log,
      owner: this.owner,
      otpTtlMs: this.payments.policy.otpTtlMs,
      leaseMs: o.leaseMs ?? o.connectors.maxCallTimeoutMs() * 2 + 10_000,
      ...(o.applyRetry ? { applyRetry: o.applyRetry } : {}),
    });
    this.timers = new TimerWorker(o.store, this.runner, o.clock, o.log);
    this.sweeper = new Sweeper({ store: o.store, runner: this.runner, clock: o.clock, log: o.log, ...(o.sweepGraceMs !== undefined ? { graceMs: o.sweepGraceMs } : {}) });
    this.runner.changes.on('change', () => {
      this.dirty = true;
      this.wake?.();
    });
    for (const w of o.workers ?? []) {
      w.onProgress?.(() => {
        this.dirty = true;
        this.wake?.();
      });
    }
  }

  /** Feeds a connector's own news (late reply, pushed status) to the payment it concerns. */
  async report(connectorId: string, raw: ConnectorReport): Promise<Applied | null> {
    // Pushes and late replies pass the same normalisation as flow answers: one whose MAC or
    // signature failed is not the bank's word, and news that is not the bank's word changes
    // nothing (the machine is already inquiring, reversing or done).
    const r: ConnectorReport = { ...raw, outcome: normaliseOutcome(raw.outcome) };
    if (failedIntegrity(r.outcome)) {
      this.o.log.warn({ connector: connectorId, flow: r.flow, late: r.late === true }, 'bank report failed its integrity check: ignored');
      return null;
    }
    const cmd = await this.o.store.findCommandByReference(r.reference);
    if (!cmd) {
      this.o.log.warn({ connector: connectorId, flow: r.flow }, 'bank report matches no known reference');
      return null;
    }
    // The bank's news may exist nowhere else: retried while the store fails transiently, and an
    // event the machine cannot take sends the aggregate to review rather than dropping it.
    const landed = await land(
      { store: this.o.store, runner: this.runner, log: this.o.log, retry: A_FEW_TRIES },
      {
        target: { kind: cmd.aggregateKind, id: cmd.aggregateId },
        event: {
          type: 'RESULT',
          flow: r.flow === 'inbound' ? 'transfer' : r.flow,
          reference: r.reference,
          outcome: r.outcome,
          ...(r.late ? { late: true } : {}),
        },
        reviewCode: 'engine_error',
        context: { command: cmd.id, flow: r.flow, connector: connectorId },
      },
    );
    return landed.kind === 'applied' || landed.kind === 'reviewed' ? landed.applied : null;
  }

  /** `POST /v1/connectors/{id}/inbound`: the connector parses, the engine applies what it found. */
  async inbound(connectorId: string, req: InboundRequest): Promise<InboundResult> {
    const c = this.o.connectors.get(connectorId);
    if (!c?.flows.inbound) throw new EngineError(404, 'resource_missing', `connector "${connectorId}" takes no inbound messages`, 'id');
    const result = await c.flows.inbound(req, { clock: this.o.clock, signal: new AbortController().signal });
    const unmatched: ConnectorReport[] = [];
    for (const r of result.reports) if ((await this.report(connectorId, r)) === null) unmatched.push(r);
    if (unmatched.length === 0) return result;
    // Never "accepted" in silence: the connector keeps what matched nothing, and the bank is told.
    c.unmatched?.(unmatched);
    const applied = result.reports.length - unmatched.length;
    return {
      ...result,
      response: { status: 202, contentType: 'text/plain; charset=utf-8', body: `applied ${applied} status report(s); kept ${unmatched.length} that name no known payment (unmatched)\n` },
    };
  }

  /** Runs every worker until nothing is due now (tests, and the CLI's one-shot runs). */
  async drain(maxRounds = 1_000): Promise<void> {
    for (let i = 0; i < maxRounds; i++) {
      const recovered = await this.outbox.recover();
      const claimed = await this.outbox.tick();
      await this.outbox.quiet();
      const fired = await this.timers.tick();
      let queued = 0;
      for (const w of this.o.workers ?? []) {
        queued += await w.tick();
        await w.idle();
      }
      if (recovered + claimed + fired + queued === 0) return;
    }
    throw new Error('engine did not settle: work keeps arriving');
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const interval = this.o.pollIntervalMs ?? 250;
    let lastRecover = 0;
    // the first sweep waits one interval: a node starting up has its own recovery to do first
    let lastSweep = Date.now();
    const sweepEvery = this.o.sweepIntervalMs ?? 30_000;
    while (!this.stopping) {
      // Yield to I/O first: the store is synchronous underneath, so without this a busy loop
      // would run on microtasks alone and starve the HTTP server; it also lets changes that
      // arrive together be claimed together.
      await new Promise((r) => setImmediate(r));
      this.dirty = false;
      try {
        if (Date.now() - lastRecover > 1_000) {
          lastRecover = Date.now();
          await this.outbox.recover();
        }
        if (Date.now() - lastSweep > sweepEvery) {
          lastSweep = Date.now();
          await this.sweeper.sweep();
        }
        // a read on the reader connection first: most wake-ups find nothing due, and a claim
        // is a write transaction
        const due = await this.o.store.nextDue();
        const now = this.o.clock.now();
        const claimed = due.command !== null && due.command <= now ? await this.outbox.tick() : 0;
        const fired = due.timer !== null && due.timer <= now ? await this.timers.tick() : 0;
        let queued = 0;
        for (const w of this.o.workers ?? []) {
          const at = await w.nextDue();
          if (at !== null && at <= now) queued += await w.tick();
        }
        if (claimed > 0 || fired > 0 || queued > 0) continue;
      } catch (err) {
        this.o.log.error({ err }, 'worker loop error');
      }
      if (this.dirty) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, interval);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /**
   * Stops claiming work and gives claimed commands `graceMs` to finish; whatever is still in
   * flight after that stays leased and is resolved by inquiry or reversal after the restart.
   */
  async stop(graceMs = this.o.shutdownGraceMs ?? 10_000): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
    let timer: NodeJS.Timeout | undefined;
    const idle = Promise.all([this.outbox.idle(), ...(this.o.workers ?? []).map((w) => w.idle())]).then(() => undefined);
    await Promise.race([idle, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    this.outbox.close();
  }
}
