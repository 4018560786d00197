import type { Row, SqlExecutor, SqlValue } from './executor.js';

/**
 * Wraps a transaction's executor so that both dialects behave like PostgreSQL: after a failed
 * statement the transaction is unusable and cannot commit (SQLite would otherwise carry on and
 * commit the rest, and PostgreSQL would silently turn the COMMIT into a ROLLBACK). It also refuses
 * use after the transaction ended, which would otherwise run in autocommit mode on a shared
 * connection.
 */
export class GuardedExecutor implements SqlExecutor {
  private failure: unknown = undefined;
  private failed = false;
  private ended = false;

  constructor(private readonly inner: SqlExecutor) {}

  all(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return this.guard(() => this.inner.all(sql, params));
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.guard(() => this.inner.run(sql, params));
  }

  /** Throws the first statement error, if any, so the caller rolls back instead of committing. */
  assertCommittable(): void {
    if (this.failed) throw this.failure;
  }

  end(): void {
    this.ended = true;
  }

  private async guard<T>(op: () => Promise<T>): Promise<T> {
    if (this.ended) throw new Error('store transaction already ended: a query escaped its transaction');
    if (this.failed) {
      throw new Error('store transaction aborted by an earlier error; it will roll back', { cause: this.failure });
    }
    try {
      return await op();
    } catch (err) {
      this.failed = true;
      this.failure = err;
      throw err;
    }
  }
}
