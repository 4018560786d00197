import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import { A_FEW_TRIES, land, type LandingRetry } from './landing.js';
import type { TimerName } from './machine-types.js';
import type { Runner } from './runner.js';

/**
 * Fires due deadlines as TIMER events. Deadlines live in the store (XState's `after` is not
 * persisted), so they survive restarts. Each timer is fired in one transaction that locks its
 * aggregate FIRST, then deletes the timer only if it is still due (`takeTimer`), then applies
 * the event: the same lock order as every other writer (aggregate, then its timers and
 * commands), so a timer firing while the runner moves the same payment (a confirm at the very
 * moment its code expires) waits its turn instead of deadlocking, and finds the timer gone if the
 * payment moved on. Several processes may pick the same candidate; only one takes it.
 */
export class TimerWorker {
  constructor(
    private readonly store: Store,
    private readonly runner: Runner,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly retry: LandingRetry = A_FEW_TRIES,
  ) {}

  /** Fires every timer due now. Returns how many fired (or sent their aggregate to review). */
  async tick(max = 500): Promise<number> {
    let fired = 0;
    while (fired < max) {
      const now = this.clock.now();
      const due = await this.store.listDueTimers(now, Math.min(50, max - fired));
      if (due.length === 0) break;
      let progress = 0;
      for (const t of due) {
        const landed = await land(
          { store: this.store, runner: this.runner, log: this.log, retry: this.retry },
          {
            target: { kind: t.aggregateKind, id: t.aggregateId },
            event: { type: 'TIMER', name: t.name as TimerName },
            guard: (tx) => tx.takeTimer(t.aggregateId, t.name, now),
            reviewCode: 'engine_error',
            context: { timer: t.name },
          },
        );
        if (landed.kind === 'applied' || landed.kind === 'reviewed') progress++;
      }
      fired += progress;
      // every candidate was taken by another process (or moved): look again next round
      if (progress === 0) break;
    }
    return fired;
  }
}
