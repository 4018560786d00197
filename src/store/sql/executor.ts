/**
 * The small surface both drivers are reduced to, so that every query is written once (sql/tx.ts,
 * sql/reads.ts). SQL uses `?` placeholders; the PostgreSQL executor numbers them.
 */
export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;

export interface SqlExecutor {
  /** Rows of a SELECT or of a statement with RETURNING. */
  all(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a statement and returns how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

/** The only places the two dialects' SQL differs for the shared queries. */
export interface Dialect {
  /** Appended to a single-row SELECT that is followed by an update of that row. */
  readonly lockRow: string;
  /** Appended to queue-style SELECTs so concurrent claimers skip each other's rows. */
  readonly skipLocked: string;
}
