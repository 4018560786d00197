import { unknown } from '../connector/outcome.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { AggregateKind, Store, StrandedAggregate } from '../store/types.js';
import { A_FEW_TRIES, errorText, land, type LandingRetry } from './landing.js';
import type { ResultEvent } from './machine-types.js';
import { PAYMENT_STATUS, TERMINAL_PAYMENT_STATES, type PaymentState } from './payment-machine.js';
import { REFUND_STATUS, TERMINAL_REFUND_STATES, type RefundState } from './refund-machine.js';
import type { EventInput, Runner } from './runner.js';

export interface SweeperOptions {
  store: Store;
  runner: Runner;
  clock: Clock;
  log: Logger;
  /** Only aggregates unchanged for this long are looked at (default 60 s). */
  graceMs?: number;
  /** Candidates per kind per sweep (default 100). */
  batchSize?: number;
  retry?: LandingRetry;
}

/** API statuses of the states a machine still has to leave (the sweeper's index range). */
function openStatuses(kind: AggregateKind): string[] {
  const [status, terminal] =
    kind === 'payment'
      ? [PAYMENT_STATUS as Record<string, string>, TERMINAL_PAYMENT_STATES as readonly string[]]
      : [REFUND_STATUS as Record<string, string>, TERMINAL_REFUND_STATES as readonly string[]];
  const terminalStatuses = new Set(terminal.map((s) => status[s]));
  return [...new Set(Object.entries(status).filter(([state]) => !terminal.includes(state)).map(([, st]) => st))].filter(
    (st) => !terminalStatuses.has(st),
  );
}

const REASON = 'no timer and no open command: nothing would ever move it (found by the sweeper)';

type Move = { event: EventInput } | { review: string };

/**
 * The safety net under the engine's own guarantees: every state change writes the timers and
 * commands that will move the aggregate on, in the same transaction, so an open aggregate with
 * neither should not exist. If one does (a defect, an operator's hand edit, a failure nobody
 * foresaw) it would wait forever; the sweeper finds it (an indexed query on old open
 * aggregates) and moves it the way the machine moves an unanswered request:
 * - a bank request whose answer never arrived is told "outcome unknown", so the machine inquires,
 *   reverses or reviews exactly as after a timeout (never resent blindly: money may have moved);
 * - a lost deadline fires (a one-time code expires, a pending transfer is polled);
 * - a state with nothing to ask (nothing was sent yet) goes to review.
 * Each move leaves a `swept` note with the reason in the history. Several nodes may sweep at
 * once: the move happens under the aggregate's lock and only if the aggregate is still in the
 * state, unchanged, with no timer and no open command, so a second node changes nothing.
 */
export class Sweeper {
  constructor(private readonly o: SweeperOptions) {}

  /** One sweep over payments and refunds; returns how many aggregates it moved. */
  async sweep(): Promise<number> {
    const before = this.o.clock.now() - (this.o.graceMs ?? 60_000);
    let moved = 0;
    for (const kind of ['payment', 'refund'] as const) {
      const stranded = await this.o.store.listStranded({ kind, statuses: openStatuses(kind), updatedBefore: before, limit: this.o.batchSize ?? 100 });
      for (const s of stranded) {
        try {
          if (await this.move(s)) moved++;
        } catch (err) {
          this.o.log.error({ err: errorText(err), aggregate: s.id }, 'stranded aggregate could not be moved; tried again next sweep');
        }
      }
    }
    return moved;
  }

  private async move(s: StrandedAggregate): Promise<boolean> {
    const plan = await this.plan(s);
    this.o.log.warn({ aggregate: s.id, kind: s.kind, state: s.state, move: 'event' in plan ? plan.event.type : 'review' }, 'stranded aggregate found');
    const landed = await land(
      { store: this.o.store, runner: this.o.runner, log: this.o.log, retry: this.o.retry ?? A_FEW_TRIES },
      {
        target: { kind: s.kind, id: s.id },
        event: 'event' in plan ? plan.event : null,
        reviewReason: 'review' in plan ? plan.review : REASON,
        reviewCode: 'stranded',
        context: { swept: s.state },
        guard: async (tx, { row }) => {
          // still exactly what the query saw (another node may have moved it meanwhile)
          if (!row || row.state !== s.state || row.updatedAt !== s.updatedAt) return false;
          if (await tx.hasOpenWork(s.id)) return false;
          const at = this.o.clock.now();
          await tx.appendHistory({ paymentId: s.paymentId, aggregateId: s.id, at, kind: 'note', fromState: s.state, toState: s.state, data: { swept: { state: s.state, reason: REASON } } });
          return true;
        },
      },
    );
    return landed.kind === 'applied' || landed.kind === 'reviewed';
  }

  /** What moves an aggregate stranded in `s.state`, from its last bank requests' references. */
  private async plan(s: StrandedAggregate): Promise<Move> {
    const commands = await this.o.store.listCommands(s.id);
    const lastRef = (flow: string): string | undefined => commands.filter((c) => c.kind === 'bank' && c.name === flow).at(-1)?.reference;
    const unanswered = (flow: ResultEvent['flow']): Move => {
      const reference = lastRef(flow);
      // no request to ask about: nothing the machine can safely assume
      if (reference === undefined) return { review: `stranded in ${s.state} with no ${flow} request on record` };
      return { event: { type: 'RESULT', flow, reference, outcome: unknown(true, REASON) } };
    };
    if (s.kind === 'refund') {
      const state = s.state as RefundState;
      if (state === 'submitted' || state === 'submitted_unknown') return unanswered('refund');
      return { review: `stranded in ${state} before any request was sent` };
    }
    const state = s.state as PaymentState;
    switch (state) {
      case 'verifying':
      case 'verification_unknown':
        return unanswered('verify');
      case 'awaiting_confirmation':
        return { event: { type: 'TIMER', name: 'otp_expiry' } };
      case 'confirming':
      case 'confirmation_unknown': {
        const p = await this.o.store.getPayment(s.id);
        const steps = p?.snapshot.context['steps'] as { authorize?: boolean } | undefined;
        return unanswered(steps?.authorize ? 'authorize' : 'transfer');
      }
      case 'authorized':
      case 'transfer_unknown':
        return unanswered('transfer');
      case 'transfer_pending':
        return { event: { type: 'TIMER', name: 'poll' } };
      case 'reversing':
        return unanswered('reverse');
      default:
        return { review: `stranded in ${state} before any request was sent` };
    }
  }
}
