import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { declined, integrityFailure, neverReceived, notSent, ok, pending, unknown, type Outcome } from '../../src/connector/outcome.js';
import type { ConnectorReport, FlowName, FlowRequest } from '../../src/connector/types.js';
import type { Clock } from '../../src/domain/clock.js';
import { TEST_CARDS, TEST_IBANS } from '../../src/connector/test-values.js';

/**
 * An in-process bank for gateway developers without a bank. It honours the simulator test values
 * of ARCHITECTURE.md, keeps a ledger of what it executed (one entry per reference: a repeated
 * reference is answered from the ledger, never executed twice), and takes faults on command.
 */
export type Fault = 'no_reply' | 'late_reply' | 'duplicate_reply' | 'malformed_reply' | 'unreachable' | 'bad_integrity';
export type BankFlow = Exclude<FlowName, 'inbound'>;

export interface LedgerEntry {
  reference: string;
  paymentId: string;
  flow: BankFlow;
  amount: number;
  currency: string;
  outcome: Outcome;
  at: number;
  reversed: boolean;
  /** For pending transfers: when the bank settles them. */
  settlesAt?: number;
  original?: string;
}

export { TEST_CARDS, TEST_IBANS };

export interface SandboxBankOptions {
  /**
   * Append-only file the bank keeps its ledger in, so the bank outlives a crash of Railyard
   * (as a real one does) and tests can check nothing was executed twice. In memory when absent.
   */
  journalPath?: string;
  /** Delay of the late reply after the engine's timeout. */
  callTimeoutMs: number;
  lateByMs: number;
  /** How long a pending transfer stays pending before the bank accepts it. */
  settleAfterMs: number;
  latencyMs: number;
}

export class SandboxBank {
  private readonly ledger = new Map<string, LedgerEntry>();
  private readonly faults = new Map<BankFlow, Fault[]>();
  private reporter: ((r: ConnectorReport) => void) | null = null;
  /** How often each reference was received, faults included: more than once means Railyard sent it twice. */
  readonly received = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly opts: SandboxBankOptions,
  ) {
    if (opts.journalPath) this.replay(opts.journalPath);
  }

  private replay(path: string): void {
    if (!existsSync(path)) return;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line) as LedgerEntry;
        this.ledger.set(e.reference, e);
        if (e.flow === 'reverse' && e.original) {
          const target = this.ledger.get(e.original);
          if (target) target.reversed = true;
        }
      } catch {
        // a line torn by a crash mid-write: the request it records never got an answer either
      }
    }
  }

  private journal(e: LedgerEntry): void {
    if (this.opts.journalPath) appendFileSync(this.opts.journalPath, JSON.stringify(e) + '\n');
  }

  onReport(fn: (r: ConnectorReport) => void): void {
    this.reporter = fn;
  }

  /** The next request of `flow` meets `fault`. */
  inject(fault: Fault, flow: BankFlow): void {
    const list = this.faults.get(flow) ?? [];
    list.push(fault);
    this.faults.set(flow, list);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  entries(paymentId?: string): LedgerEntry[] {
    return [...this.ledger.values()].filter((e) => paymentId === undefined || e.paymentId === paymentId);
  }

  async handle(flow: BankFlow, req: FlowRequest, signal: AbortSignal): Promise<Outcome> {
    this.received.set(req.reference, (this.received.get(req.reference) ?? 0) + 1);
    if (this.opts.latencyMs > 0) await this.clock.sleep(this.opts.latencyMs, signal);
    const fault = this.faults.get(flow)?.shift() ?? this.magicFault(flow, req);
    if (fault === 'unreachable') return notSent('connection refused');
    if (fault === 'no_reply') {
      // The request is lost on the way: nothing is executed and nothing ever answers.
      await this.clock.sleep(365 * 86_400_000, signal).catch(() => undefined);
      return unknown(true, 'no reply');
    }
    const outcome = this.execute(flow, req);
    if (fault === 'late_reply') {
      await this.clock.sleep(this.opts.callTimeoutMs + this.opts.lateByMs, signal).catch(() => undefined);
      return outcome;
    }
    if (fault === 'malformed_reply') return unknown(true, 'malformed reply');
    // Executed, but the reply fails its check: answered the way a careless connector would
    // (its own kind, flagged), so the engine's normalisation is what keeps it from counting.
    if (fault === 'bad_integrity') return outcome.kind === 'ok' || outcome.kind === 'declined' ? { ...outcome, integrity: 'failed' } : integrityFailure(`${flow} reply failed its integrity check`);
    if (fault === 'duplicate_reply') {
      const report = this.reporter;
      if (report) setImmediate(() => report({ flow, reference: req.reference, outcome }));
    }
    return outcome;
  }

  /** The card test values that behave as faults. */
  private magicFault(flow: BankFlow, req: FlowRequest): Fault | undefined {
    if (req.method.type !== 'card' || flow !== 'authorize') return undefined;
    const n = req.method.number.reveal();
    if (n === TEST_CARDS.noReply) return 'no_reply';
    if (n === TEST_CARDS.lateReply) return 'late_reply';
    return undefined;
  }

  private execute(flow: BankFlow, req: FlowRequest): Outcome {
    const seen = this.ledger.get(req.reference);
    if (seen) return this.current(seen);
    const outcome = this.decide(flow, req);
    if (outcome.kind === 'not_sent') return outcome;
    const entry: LedgerEntry = {
      reference: req.reference,
      paymentId: req.paymentId,
      flow,
      amount: req.amount,
      currency: req.currency,
      outcome,
      at: this.clock.now(),
      reversed: false,
    };
    if (req.original) entry.original = req.original.reference;
    if (outcome.kind === 'pending') {
      entry.settlesAt = this.clock.now() + this.opts.settleAfterMs;
      this.pushLater(entry);
    }
    if (flow === 'reverse' && req.original) {
      const target = this.ledger.get(req.original.reference);
      if (target) target.reversed = true;
    }
    this.ledger.set(req.reference, entry);
    this.journal(entry);
    return outcome;
  }

  private current(e: LedgerEntry): Outcome {
    if (e.outcome.kind === 'pending' && e.settlesAt !== undefined && this.clock.now() >= e.settlesAt) {
      e.outcome = ok({ bankReference: `SBX${e.reference.slice(-10)}` });
    }
    return e.outcome;
  }

  private pushLater(e: LedgerEntry): void {
    const report = this.reporter;
    if (!report) return;
    void this.clock
      .sleep(this.opts.settleAfterMs)
      .then(() => report({ flow: 'transfer', reference: e.reference, outcome: this.current(e) }));
  }

  private decide(flow: BankFlow, req: FlowRequest): Outcome {
    const m = req.method;
    switch (flow) {
      case 'verify':
        if (m.type === 'card') {
          return m.number.reveal() === TEST_CARDS.declinedDoNotHonour ? declined('05', 'Do not honour') : ok();
        }
        if (m.iban.reveal() === TEST_IBANS.verified.iban) {
          const same = m.name.trim().toLowerCase() === TEST_IBANS.verified.name.toLowerCase();
          return same ? ok({ nameMatch: 'match' }) : ok({ nameMatch: 'no_match' });
        }
        return ok({ nameMatch: 'match' });
      case 'authorize':
        if (m.type === 'card') {
          const n = m.number.reveal();
          if (n === TEST_CARDS.declinedInsufficientFunds) return declined('51', 'Insufficient funds');
          if (n === TEST_CARDS.badMac) return ok({ integrity: 'failed', bankReference: `SBX${req.reference.slice(-10)}` });
        }
        return ok({ bankReference: `SBX${req.reference.slice(-10)}`, integrity: 'verified' });
      case 'transfer':
        if (m.type === 'bank_account') {
          const iban = m.iban.reveal();
          if (iban === TEST_IBANS.rejectedAC01) return declined('AC01', 'Incorrect account number');
          if (iban === TEST_IBANS.rejectedAM04) return declined('AM04', 'Insufficient funds');
          if (iban === TEST_IBANS.pendingThenAccepted) return pending(`SBX${req.reference.slice(-10)}`);
        }
        return ok({ bankReference: `SBX${req.reference.slice(-10)}`, confirmed: { amount: req.amount, currency: req.currency } });
      case 'inquire': {
        const target = req.original ? this.ledger.get(req.original.reference) : undefined;
        // A request the bank never received is proof that nothing moved.
        return target ? this.current(target) : neverReceived('no such transaction at the bank');
      }
      case 'reverse':
        // Nothing to undo when the original never arrived: say so, the engine may send it again.
        return req.original && !this.ledger.has(req.original.reference) ? ok({ originalNeverReceived: true }) : ok();
      case 'refund': {
        const refunded = this.entries(req.paymentId)
          .filter((e) => e.flow === 'refund' && e.outcome.kind === 'ok')
          .reduce((sum, e) => sum + BigInt(e.amount), 0n);
        const paid = this.entries(req.paymentId).find((e) => e.flow === 'transfer' && e.outcome.kind === 'ok');
        if (paid && refunded + BigInt(req.amount) > BigInt(paid.amount)) return declined('13', 'Refund exceeds the original amount');
        return ok({ bankReference: `SBR${req.reference.slice(-10)}` });
      }
    }
  }
}
