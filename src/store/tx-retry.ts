import { setTimeout as delay } from 'node:timers/promises';
import { isTransactionConflict } from './transient.js';

export interface ConflictRetry {
  /** Runs of the transaction function in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Deadlocks resolve at once (the winner holds the locks for a few ms): a few quick tries suffice. */
export const DEFAULT_CONFLICT_RETRY: ConflictRetry = { attempts: 5, baseDelayMs: 2, maxDelayMs: 100 };

/**
 * Runs a whole store transaction again when it was rolled back only to break a conflict
 * (PostgreSQL 40P01/40001, SQLite BatchAborted), a bounded number of times. Callers' transaction
 * functions must therefore be safe to run again: no effect outside the transaction (no sends, no
 * writes to outer variables that survive a rollback) until it has committed.
 */
export async function retryConflicts<T>(run: () => Promise<T>, o: ConflictRetry = DEFAULT_CONFLICT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= o.attempts || !isTransactionConflict(err)) throw err;
      // jitter, so the two sides of a deadlock do not meet again in step
      const cap = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
      await delay(Math.round(cap / 2 + Math.random() * (cap / 2)));
    }
  }
}
