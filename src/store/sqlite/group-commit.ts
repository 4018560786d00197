import type { Statement } from 'better-sqlite3';
import type { Connection } from './connection.js';
import type { AsyncMutex } from './mutex.js';

interface Job {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Why a transaction that ran cleanly was not committed: a batch-mate's failure ended the whole batch. */
export class BatchAborted extends Error {
  override readonly name = 'BatchAborted';
}

/**
 * Group commit for the one SQLite writer. The transactions asked for in one turn of the event loop
 * run one after another inside a single BEGIN IMMEDIATE ... COMMIT, each in its own SAVEPOINT, so a
 * failing one rolls back alone; every caller learns its result only once the COMMIT that made it
 * durable has returned. Why: a commit costs as much as dozens of statements (the WAL frames of
 * every page touched, and now and then a checkpoint), and under load many small transactions
 * (one per event) arrive together. Serial order is kept: each transaction sees the ones before it.
 */
export class GroupCommit {
  private readonly queue: Job[] = [];
  private scheduled = false;
  private readonly statements = new Map<string, Statement<[]>>();

  constructor(
    private readonly db: Connection,
    /** Serialises batches with the store's other users of the connection (migrations, close). */
    private readonly mutex: AsyncMutex,
    /** Takes the write lock (BEGIN IMMEDIATE, waiting out other processes). */
    private readonly begin: () => Promise<void>,
    /** A bound on one batch, so one commit never holds many callers' answers for long. */
    private readonly maxJobs = 64,
    /** The fault simulator's failing COMMIT (src/store/sim-faults.ts); absent in production. */
    private readonly beforeCommit?: () => void,
  ) {}

  run<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * setImmediate, not a microtask: the check phase comes after the poll phase has handled every
   * socket that was ready, so the requests that arrived together commit together.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.mutex.run(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (this.queue.length === 0) return;
    try {
      await this.begin();
    } catch (err) {
      // the lock stayed out of reach (another process): this batch's callers hear it, as they would alone
      for (const job of this.queue.splice(0, this.maxJobs)) job.reject(err);
      if (this.queue.length > 0) this.schedule();
      return;
    }
    const ran: { job: Job; value: unknown }[] = [];
    // taken from the queue but neither in `ran` nor told yet: a failing SAVEPOINT or RELEASE must reach it
    let current: Job | undefined;
    try {
      for (let n = 0; n < this.maxJobs && this.queue.length > 0; n++) {
        const job = this.queue.shift() as Job;
        current = job;
        this.statement('SAVEPOINT job').run();
        let value: unknown;
        try {
          value = await job.run();
        } catch (err) {
          current = undefined;
          job.reject(err);
          // Some errors (disk full, I/O) make SQLite roll the whole transaction back itself.
          if (!this.db.inTransaction) throw new BatchAborted('the transaction was rolled back by an error in another one committed with it', { cause: err });
          this.statement('ROLLBACK TO job').run();
          this.statement('RELEASE job').run();
          continue;
        }
        this.statement('RELEASE job').run();
        current = undefined;
        ran.push({ job, value });
      }
      this.beforeCommit?.();
      this.statement('COMMIT').run();
    } catch (err) {
      current?.reject(err);
      try {
        if (this.db.inTransaction) this.statement('ROLLBACK').run();
      } catch {
        // the connection is broken: the next BEGIN fails and tells its own callers
      }
      for (const r of ran) r.job.reject(err);
      // the jobs not yet started get a batch of their own
      if (this.queue.length > 0) this.schedule();
      return;
    }
    if (this.queue.length > 0) this.schedule();
    for (const r of ran) r.job.resolve(r.value);
  }

  /** Prepared once: `exec` would parse them on every transaction. */
  private statement(sql: 'SAVEPOINT job' | 'RELEASE job' | 'ROLLBACK TO job' | 'COMMIT' | 'ROLLBACK'): Statement<[]> {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare<[]>(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}
