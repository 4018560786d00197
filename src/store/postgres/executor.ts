import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { Row, SqlExecutor, SqlValue } from '../sql/executor.js';
import { mapPgError } from './errors.js';

const numbered = new Map<string, string>();

/** The shared SQL is written with `?`; PostgreSQL wants $1, $2, ... (no query uses a literal `?`). */
export function toNumberedPlaceholders(sql: string): string {
  let out = numbered.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    numbered.set(sql, out);
  }
  return out;
}

/** Runs the shared SQL on a pool (autocommit reads) or on one checked-out client (a transaction). */
export class PgExecutor implements SqlExecutor {
  constructor(private readonly db: Pool | PoolClient) {}

  async all(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    try {
      const result = await this.db.query<QueryResultRow>(toNumberedPlaceholders(sql), [...params]);
      return result.rows;
    } catch (err) {
      throw mapPgError(err);
    }
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    try {
      const result = await this.db.query(toNumberedPlaceholders(sql), [...params]);
      return result.rowCount ?? 0;
    } catch (err) {
      throw mapPgError(err);
    }
  }
}
