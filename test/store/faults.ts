import Database from 'better-sqlite3';
import pg from 'pg';
import { BatchAborted } from '../../src/store/sqlite/group-commit.js';
import { SqlStoreTx } from '../../src/store/sql/tx.js';
import type { Dialect, Row, SqlExecutor, SqlValue, Store, StoreTx } from '../../src/store/types.js';

/**
 * Store faults shaped like the real drivers' errors, so that what catches them in tests is what
 * catches them in production (and in the fault simulator): better-sqlite3 throws SqliteError
 * with a `code`, pg throws DatabaseError with the SQLSTATE in `code`.
 */
export const storeFaults = {
  sqliteBusy: (): Error => new Database.SqliteError('database is locked', 'SQLITE_BUSY'),
  batchAborted: (): Error => new BatchAborted('the transaction was rolled back by an error in another one committed with it'),
  pgDeadlock: (): Error => pgError('deadlock detected', '40P01'),
  pgSerialization: (): Error => pgError('could not serialize access due to concurrent update', '40001'),
  /** Permanent: a constraint the write can never satisfy. */
  pgCheckViolation: (): Error => pgError('new row violates check constraint', '23514'),
};

function pgError(message: string, code: string): Error {
  const e = new pg.DatabaseError(message, 0, 'error');
  e.code = code;
  e.severity = 'ERROR';
  return e;
}

export interface FaultRule {
  /** Which statement fails: matched against its SQL and parameters. */
  match: (sql: string, params: readonly SqlValue[]) => boolean;
  error: () => Error;
  /** How many times it fails before the statement goes through. */
  times: number;
}

/**
 * A Store whose transactions fail at chosen statements (inside the store's own transaction
 * handling, so its rollback and retries see the failure as they would a driver's).
 */
export function withFaults(inner: Store): { store: Store; rules: FaultRule[]; fired: () => number } {
  const rules: FaultRule[] = [];
  let fired = 0;
  const wrap = (db: SqlExecutor): SqlExecutor => {
    const check = (sql: string, params: readonly SqlValue[]): void => {
      const rule = rules.find((r) => r.times > 0 && r.match(sql, params));
      if (!rule) return;
      rule.times--;
      fired++;
      throw rule.error();
    };
    return {
      all: async (sql: string, params: readonly SqlValue[] = []): Promise<Row[]> => {
        check(sql, params);
        return db.all(sql, params);
      },
      run: async (sql: string, params: readonly SqlValue[] = []): Promise<number> => {
        check(sql, params);
        return db.run(sql, params);
      },
    };
  };
  const sqlTransaction = <T>(fn: (db: SqlExecutor, dialect: Dialect) => Promise<T>): Promise<T> =>
    inner.sqlTransaction((db, dialect) => fn(wrap(db), dialect));
  const transaction = <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> => sqlTransaction((db, dialect) => fn(new SqlStoreTx(db, dialect)));
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'sqlTransaction') return sqlTransaction;
      if (prop === 'transaction') return transaction;
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store, rules, fired: () => fired };
}
