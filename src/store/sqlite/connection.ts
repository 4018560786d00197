import Database from 'better-sqlite3';
import type { Row, SqlExecutor, SqlValue } from '../sql/executor.js';
import { mapSqliteError } from './errors.js';

/** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5_000;

export type Connection = Database.Database;

export interface OpenOptions {
  readonly path: string;
  /** Reader connections refuse writes, so a bug cannot write outside a transaction. */
  readonly readOnly: boolean;
  /**
   * The writer waits for the write lock asynchronously (see SqliteStore.begin), so its own
   * busy_timeout is 0: a synchronous wait would block the event loop, and with it the very
   * transaction that holds the lock when both connections live in one process.
   */
  readonly busyTimeoutMs: number;
}

export function openConnection(o: OpenOptions): Connection {
  const db = new Database(o.path);
  // Set first: switching to WAL needs a brief lock another process may hold.
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (o.path !== ':memory:') db.pragma('journal_mode = WAL');
  // NORMAL is durable against process crashes in WAL mode; only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Group commit runs each transaction in a savepoint; its sub-journal stays in memory.
  db.pragma('temp_store = MEMORY');
  db.pragma(`busy_timeout = ${o.busyTimeoutMs}`);
  if (o.readOnly) db.pragma('query_only = ON');
  return db;
}

/** Runs the shared SQL on one connection, caching prepared statements by their text. */
export class SqliteExecutor implements SqlExecutor {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly db: Connection) {}

  all(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    try {
      return Promise.resolve(this.prepare(sql).all(...params) as Row[]);
    } catch (err) {
      return Promise.reject(mapSqliteError(err));
    }
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    try {
      return Promise.resolve(this.prepare(sql).run(...params).changes);
    } catch (err) {
      return Promise.reject(mapSqliteError(err));
    }
  }

  private prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}
