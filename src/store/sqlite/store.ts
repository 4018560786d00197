import { setTimeout as delay } from 'node:timers/promises';
import type { Statement } from 'better-sqlite3';
import type { Dialect, Row, SqlExecutor, SqlValue } from '../sql/executor.js';
import { GuardedExecutor } from '../sql/guarded.js';
import { SqlReads } from '../sql/reads.js';
import { SqlStoreBase } from '../sql/store-base.js';
import { UNKEYED_AUDIT_KEYRING, type AuditKeyring } from '../audit-chain.js';
import { SqlStoreTx } from '../sql/tx.js';
import type { Store, StoreTx } from '../types.js';
import { BUSY_TIMEOUT_MS, SqliteExecutor, openConnection, type Connection } from './connection.js';
import { isBusy } from './errors.js';
import { applySqliteMigrations } from './migrate.js';
import { GroupCommit } from './group-commit.js';
import { AsyncMutex } from './mutex.js';
import { DEFAULT_CONFLICT_RETRY, retryConflicts, type ConflictRetry } from '../tx-retry.js';
import type { StoreFaults } from '../sim-faults.js';

/** SQLite has no row locks: BEGIN IMMEDIATE already makes each transaction the only writer. */
const sqliteDialect: Dialect = { lockRow: '', skipLocked: '' };

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a private in-memory database (tests, throwaway sandboxes). */
  path: string;
  /** Keys of the history chains (src/store/audit-chain.ts); absent: the public unkeyed key (tests only). */
  auditKeys?: AuditKeyring;
  /** How often a transaction rolled back with its group commit (BatchAborted) runs again. */
  conflictRetry?: ConflictRetry;
  /** The fault simulator's injected failures (src/store/sim-faults.ts); never set in production. */
  faults?: StoreFaults;
}

/**
 * The embedded store. One writer connection runs transactions, several per COMMIT (GroupCommit;
 * BEGIN IMMEDIATE against other processes). Reads outside transactions see the last committed
 * state, never another task's half-written one: on the writer while it has no transaction open,
 * else on a second, query-only connection (CommittedReads).
 *
 * ':memory:' uses ONE connection for both, because every in-memory connection is a separate
 * database. The trade-off: reads outside a transaction may then see a concurrent transaction's
 * uncommitted writes. Use a file whenever that matters.
 */
export class SqliteStore extends SqlStoreBase implements Store {
  readonly kind = 'sqlite' as const;
  private readonly writer: SqliteExecutor;
  private readonly reader: SqliteExecutor;
  protected readonly reads: SqlReads;
  private readonly mutex = new AsyncMutex();
  private readonly group: GroupCommit;
  private readonly auditKeys: AuditKeyring;
  private readonly conflictRetry: ConflictRetry;
  private readonly faults: StoreFaults | undefined;

  constructor(options: SqliteStoreOptions) {
    super();
    this.auditKeys = options.auditKeys ?? UNKEYED_AUDIT_KEYRING;
    this.conflictRetry = options.conflictRetry ?? DEFAULT_CONFLICT_RETRY;
    const memory = options.path === ':memory:';
    const writerDb = openConnection({ path: options.path, readOnly: false, busyTimeoutMs: memory ? BUSY_TIMEOUT_MS : 0 });
    this.writer = new SqliteExecutor(writerDb);
    this.reader = memory
      ? this.writer
      : new SqliteExecutor(openConnection({ path: options.path, readOnly: true, busyTimeoutMs: BUSY_TIMEOUT_MS }));
    this.reads = new SqlReads(memory ? this.writer : new CommittedReads(this.writer, this.reader));
    this.faults = options.faults;
    const faults = options.faults;
    this.group = new GroupCommit(writerDb, this.mutex, () => this.begin(writerDb), undefined, faults ? () => faults.beforeCommit() : undefined);
  }

  async migrate(): Promise<void> {
    await this.exclusive(async (db) => applySqliteMigrations(db, Date.now()));
  }

  async close(): Promise<void> {
    // Let queued transactions finish; closing under them would fail them midway. An empty
    // transaction queued now runs after every one queued before it.
    await this.group.run(async () => undefined).catch(() => undefined);
    await this.mutex.run(async () => {
      if (this.reader !== this.writer && this.reader.db.open) this.reader.db.close();
      if (this.writer.db.open) this.writer.db.close();
    });
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.sqlTransaction((db, dialect) => fn(new SqlStoreTx(db, dialect, this.auditKeys)));
  }

  /**
   * Transactions of one event-loop turn commit together (see GroupCommit), each in a savepoint.
   * One that ran cleanly but was rolled back with its batch (BatchAborted) runs again (bounded).
   */
  sqlTransaction<T>(fn: (db: SqlExecutor, dialect: Dialect) => Promise<T>): Promise<T> {
    return retryConflicts(() => this.once(fn), this.conflictRetry);
  }

  private once<T>(fn: (db: SqlExecutor, dialect: Dialect) => Promise<T>): Promise<T> {
    return this.group.run(async () => {
      const guarded = new GuardedExecutor(this.faults ? this.faults.wrap(this.writer) : this.writer);
      try {
        const result = await fn(guarded, sqliteDialect);
        guarded.assertCommittable();
        return result;
      } finally {
        guarded.end();
      }
    });
  }

  sqlQuery(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return this.reader.all(sql, params);
  }

  async ping(): Promise<void> {
    await this.reader.all('SELECT 1');
  }

  /**
   * Runs `fn` alone as the only writer (migrations): mutex in-process, BEGIN IMMEDIATE across
   * processes. A transaction opened inside another would wait forever; callers pass the open
   * `StoreTx` down instead. (Detecting it needs AsyncLocalStorage, whose promise hooks slow every
   * await in the process on Node 20, so it is not done here.)
   */
  private exclusive<T>(fn: (db: Connection) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      const db = this.writer.db;
      await this.begin(db);
      try {
        const result = await fn(db);
        this.statement(db, 'COMMIT').run();
        return result;
      } catch (err) {
        if (db.inTransaction) this.statement(db, 'ROLLBACK').run();
        throw err;
      }
    });
  }

  private readonly control = new Map<string, Statement<[]>>();

  /** BEGIN/COMMIT/ROLLBACK prepared once: `exec` would parse them on every transaction. */
  private statement(db: Connection, sql: 'BEGIN IMMEDIATE' | 'COMMIT' | 'ROLLBACK'): Statement<[]> {
    let s = this.control.get(sql);
    if (!s) {
      s = db.prepare<[]>(sql);
      this.control.set(sql, s);
    }
    return s;
  }

  /**
   * BEGIN IMMEDIATE takes the write lock now rather than at the first write, so two processes
   * never both read and then fail to upgrade. While another connection holds the lock we retry
   * with short sleeps for up to BUSY_TIMEOUT_MS instead of letting busy_timeout block the event loop.
   */
  private async begin(db: Connection): Promise<void> {
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    let pause = 1;
    for (;;) {
      try {
        this.statement(db, 'BEGIN IMMEDIATE').run();
        return;
      } catch (err) {
        if (!isBusy(err) || Date.now() >= deadline) throw err;
        await delay(pause);
        pause = Math.min(pause * 2, 25);
      }
    }
  }
}

/**
 * Reads outside transactions go to the writer connection whenever it has no transaction open:
 * it then sees exactly the committed state, and its page cache is warm. Otherwise (a group commit
 * is open across an await) they go to the query-only reader, which sees only committed data. Why:
 * in WAL mode a connection drops its page cache when another one has written since its last read,
 * so the reader alone re-read its pages after nearly every commit (about 20 us against 15 us per
 * payment lookup under the engine benchmark's load).
 */
class CommittedReads implements SqlExecutor {
  constructor(
    private readonly writer: SqliteExecutor,
    private readonly reader: SqliteExecutor,
  ) {}

  all(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    return (this.writer.db.inTransaction ? this.reader : this.writer).all(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.reader.run(sql, params);
  }
}
