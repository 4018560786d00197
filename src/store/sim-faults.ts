/**
 * Store failures injected at the store boundary, for the fault simulator (test/sim) only. Enabled
 * by RAILYARD_SIM_STORE_FAULTS and nothing else; without it no store is wrapped and nothing here
 * runs. The injected errors are the drivers' own error types with the codes real failures carry,
 * so the code above the store cannot tell them from a real busy database, a failing COMMIT, a
 * serialization failure or a deadlock:
 *   SQLite:     better-sqlite3 SqliteError, code SQLITE_BUSY ("database is locked"), on a statement
 *               or on the COMMIT of a transaction;
 *   PostgreSQL: pg DatabaseError, code 40001 (serialization failure) or 40P01 (deadlock detected),
 *               on a statement or on the COMMIT.
 * The value is JSON: {"seed":"...", "statement":0.01, "commit":0.02}, rates per statement inside a
 * transaction and per COMMIT. The seed makes one process's sequence of failures replayable.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Row, SqlExecutor, SqlValue } from './sql/executor.js';

export const SIM_STORE_FAULTS_ENV = 'RAILYARD_SIM_STORE_FAULTS';

export interface StoreFaultSettings {
  seed: string;
  /** Chance that a statement inside a transaction fails before it runs. */
  statement: number;
  /** Chance that a COMMIT fails (the transaction is then rolled back). */
  commit: number;
}

export type StoreDriver = 'sqlite' | 'postgres';

export class StoreFaults {
  private state: number;
  /** How many failures were injected, by kind (the simulator reports them). */
  readonly injected = { statement: 0, commit: 0 };

  constructor(
    private readonly settings: StoreFaultSettings,
    private readonly driver: StoreDriver,
  ) {
    let h = 2166136261;
    for (const ch of settings.seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
    this.state = h >>> 0;
  }

  /** The transaction's executor, failing now and then before a statement runs. */
  wrap(inner: SqlExecutor): SqlExecutor {
    return {
      all: (sql: string, params?: readonly SqlValue[]): Promise<Row[]> => {
        const err = this.maybe('statement');
        return err ? Promise.reject(err) : inner.all(sql, params);
      },
      run: (sql: string, params?: readonly SqlValue[]): Promise<number> => {
        const err = this.maybe('statement');
        return err ? Promise.reject(err) : inner.run(sql, params);
      },
    };
  }

  /** Called right before COMMIT: throws the driver's error for a failing commit. */
  beforeCommit(): void {
    const err = this.maybe('commit');
    if (err) throw err;
  }

  private maybe(kind: 'statement' | 'commit'): Error | undefined {
    if (this.random() >= this.settings[kind]) return undefined;
    this.injected[kind]++;
    return this.driver === 'sqlite' ? sqliteBusy() : this.random() < 0.5 ? pgError('40001', 'could not serialize access due to concurrent update') : pgError('40P01', 'deadlock detected');
  }

  /** mulberry32: small, seeded, good enough to spread failures. */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

function sqliteBusy(): Error {
  return new Database.SqliteError('database is locked', 'SQLITE_BUSY');
}

function pgError(code: '40001' | '40P01', message: string): Error {
  // As pg-protocol builds it from the server's ErrorResponse.
  const err = new pg.DatabaseError(message, message.length, 'error');
  err.severity = 'ERROR';
  err.code = code;
  err.routine = code === '40P01' ? 'DeadLockReport' : 'ExecUpdate';
  return err;
}

/** The store faults of RAILYARD_SIM_STORE_FAULTS, or undefined (production: always). */
export function storeFaultsFromEnv(env: NodeJS.ProcessEnv, driver: StoreDriver): StoreFaults | undefined {
  const raw = env[SIM_STORE_FAULTS_ENV];
  if (raw === undefined || raw === '') return undefined;
  const parsed = JSON.parse(raw) as Partial<StoreFaultSettings>;
  const rate = (v: unknown, name: string): number => {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${SIM_STORE_FAULTS_ENV}: ${name} must be a rate between 0 and 1`);
    return v;
  };
  return new StoreFaults({ seed: String(parsed.seed ?? ''), statement: rate(parsed.statement ?? 0, 'statement'), commit: rate(parsed.commit ?? 0, 'commit') }, driver);
}
