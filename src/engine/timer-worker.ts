import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import type { TimerName } from './machine-types.js';
import type { Runner } from './runner.js';

/**
 * Fires due deadlines as TIMER events. Deadlines live in the store (XState's `after` is not
 * persisted), so they survive restarts; each timer is claimed, deleted and applied in one
 * transaction, so it fires exactly once even with several processes.
 */
export class TimerWorker {
  constructor(
    private readonly store: Store,
    private readonly runner: Runner,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Fires every timer due now. Returns how many fired. */
  async tick(max = 500): Promise<number> {
    let fired = 0;
    while (fired < max) {
      const now = this.clock.now();
      const applied = await this.store.transaction(async (tx) => {
        const t = await tx.claimDueTimer(now);
        if (!t) return null;
        await tx.deleteTimer(t.aggregateId, t.name);
        try {
          return await this.runner.applyInTx(tx, t.aggregateKind, t.aggregateId, { type: 'TIMER', name: t.name as TimerName });
        } catch (err) {
          // A timer whose aggregate cannot move must not block the others; the deletion commits.
          this.log.error({ err, aggregate: t.aggregateId, timer: t.name }, 'timer could not be applied');
          return 'skipped' as const;
        }
      });
      if (applied === null) break;
      if (applied !== 'skipped') this.runner.announce(applied);
      fired++;
    }
    return fired;
  }
}
