import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../log.js';
import { isTransientStoreError } from '../store/transient.js';
import type { AggregateKind, Json, PaymentRecord, RefundRecord, Store, StoreTx } from '../store/types.js';
import type { Applied, EventInput, Runner } from './runner.js';

export interface LandingRetry {
  /** Tries in all while the store fails transiently; Infinity: until it lands (or `signal` aborts). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** For work held only in memory (a bank's answer): it must land, so it waits out a failing store. */
export const UNTIL_IT_LANDS: LandingRetry = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 50, maxDelayMs: 5_000 };
/** For work re-driven from durable rows (timers, the sweeper): a few tries, then the next round. */
export const A_FEW_TRIES: LandingRetry = { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 500 };

export interface LandingDeps {
  store: Store;
  runner: Runner;
  log: Logger;
  retry: LandingRetry;
  /** Aborted on shutdown: retrying stops and the work is left where a restart finds it. */
  signal?: AbortSignal;
}

export type Landed =
  | { kind: 'applied'; applied: Applied }
  /** The machine could not take the event (permanently): the aggregate went to review instead. */
  | { kind: 'reviewed'; applied: Applied; error: string }
  /** `guard` said no: the claim is stale, the timer is gone, the aggregate is moving after all. */
  | { kind: 'skipped' }
  /** Shutting down while the store failed: nothing was written. */
  | { kind: 'stopped' };

export interface LandingWork {
  target: { kind: AggregateKind; id: string };
  /** Null: nothing for the machine, straight to review (`reviewReason`). */
  event: EventInput | null;
  /**
   * Runs once the aggregate is locked (the lock order: aggregate first, then its commands and
   * timers), before the event; false skips the event and writes nothing of it. `row` is the
   * locked aggregate (null if it is missing); on the review path `error` says why, to keep on the
   * command it finishes.
   */
  guard?: (tx: StoreTx, at: { row: PaymentRecord | RefundRecord | null; error?: string }) => Promise<boolean>;
  /** Why the aggregate goes to review when `event` is null. */
  reviewReason?: string;
  /** The failure code the aggregate is reviewed with when the event cannot be applied. */
  reviewCode: string;
  /** Said in the log and in the review's history (no card data: ids, flows, states only). */
  context: Record<string, Json>;
}

/**
 * Applies one event so that it lands or the aggregate goes to review, never neither:
 * - a transient store failure (busy, deadlock, batch aborted, connection lost) runs the whole
 *   transaction again with capped, jittered backoff, `retry.maxAttempts` times in all;
 * - a permanent one (a refused machine version, a missing row, a bug) moves the aggregate to
 *   manual review with the reason, in a transaction of its own (retried the same way).
 * Both transactions are guarded (`guard`), so running one again after an unclear COMMIT (a lost
 * connection) changes nothing twice.
 */
export async function land(d: LandingDeps, w: LandingWork): Promise<Landed> {
  const { kind, id } = w.target;
  let error: string;
  let reason = 'the engine could not apply an event; an operator must decide';
  const event = w.event;
  if (event === null) {
    error = 'not_applicable';
    reason = w.reviewReason ?? reason;
  } else {
    let failure: unknown;
    try {
      const r = await retrying(d, w, () =>
        d.store.transaction(async (tx) => {
          const locked = await d.runner.lockAggregate(tx, kind, id);
          if (!locked) throw new Error(`${kind} ${id} not found`);
          if (w.guard && !(await w.guard(tx, { row: locked.row }))) return null;
          return d.runner.applyLocked(tx, kind, locked.row, locked.paymentId, event);
        }),
      );
      if (r === STOPPED) return { kind: 'stopped' };
      if (r === null) return { kind: 'skipped' };
      d.runner.announce(r);
      return { kind: 'applied', applied: r };
    } catch (err) {
      if (isTransientStoreError(err)) throw err;
      failure = err;
    }
    error = errorText(failure);
    d.log.error({ err: error, aggregate: id, ...w.context }, 'event could not be applied: the aggregate goes to review');
  }
  const r = await retrying(d, w, () =>
    d.store.transaction(async (tx) => {
      const locked = await d.runner.lockAggregate(tx, kind, id);
      if (w.guard && !(await w.guard(tx, { row: locked?.row ?? null, error }))) return null;
      if (!locked) return null;
      return d.runner.reviewLocked(tx, kind, locked.row, locked.paymentId, { code: w.reviewCode, reason }, { error, ...w.context });
    }),
  );
  if (r === STOPPED) return { kind: 'stopped' };
  if (r === null) return { kind: 'skipped' };
  d.runner.announce(r);
  return { kind: 'reviewed', applied: r, error };
}

const STOPPED: unique symbol = Symbol('stopped');

async function retrying<T>(d: LandingDeps, w: LandingWork, run: () => Promise<T>): Promise<T | typeof STOPPED> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isTransientStoreError(err) || attempt >= d.retry.maxAttempts) throw err;
      if (d.signal?.aborted) return STOPPED;
      const cap = Math.min(d.retry.maxDelayMs, d.retry.baseDelayMs * 2 ** Math.min(attempt - 1, 20));
      d.log.warn({ err: errorText(err), attempt, aggregate: w.target.id, ...w.context }, 'store failed transiently; applying again');
      try {
        await delay(Math.round(cap / 2 + Math.random() * (cap / 2)), undefined, d.signal ? { signal: d.signal } : {});
      } catch {
        return STOPPED;
      }
    }
  }
}

/** Name and SQLSTATE / driver code only: messages of some drivers quote the statement's values. */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  const code = 'code' in err && typeof err.code === 'string' ? ` ${err.code}` : '';
  return `${err.name}${code}`;
}
