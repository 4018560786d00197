import pg from 'pg';
import type { Dialect, Row, SqlExecutor, SqlValue } from '../sql/executor.js';
import { GuardedExecutor } from '../sql/guarded.js';
import { SqlReads } from '../sql/reads.js';
import { SqlStoreBase } from '../sql/store-base.js';
import { UNKEYED_AUDIT_KEYRING, type AuditKeyring } from '../audit-chain.js';
import { SqlStoreTx } from '../sql/tx.js';
import type { Store, StoreTx } from '../types.js';
import { mapPgError } from './errors.js';
import { PgExecutor } from './executor.js';
import { applyPostgresMigrations } from './migrate.js';
import { pgTypeParsers } from './type-parsers.js';
import { DEFAULT_CONFLICT_RETRY, retryConflicts, type ConflictRetry } from '../tx-retry.js';
import type { StoreFaults } from '../sim-faults.js';

/**
 * FOR NO KEY UPDATE rather than FOR UPDATE: it still serialises everyone who locks the aggregate,
 * but does not block inserts whose foreign keys point at it (history, events, commands of the
 * same payment written by a refund's transaction).
 */
const pgDialect: Dialect = { lockRow: ' FOR NO KEY UPDATE', skipLocked: ' FOR UPDATE SKIP LOCKED' };

export interface PostgresStoreOptions {
  connectionString: string;
  /** Created by migrate() if missing and put on every pooled client's search_path. */
  schema?: string;
  /** Pool size; several Railyard processes share one database, so keep it modest. */
  maxConnections?: number;
  /** Told when an idle pooled connection fails (server restart, network); the pool replaces it. */
  onPoolError?: (err: Error) => void;
  /** Keys of the history chains (src/store/audit-chain.ts); absent: the public unkeyed key (tests only). */
  auditKeys?: AuditKeyring;
  /** How often a transaction rolled back by a deadlock (40P01) or serialization failure (40001) runs again. */
  conflictRetry?: ConflictRetry;
  /** The fault simulator's injected failures (src/store/sim-faults.ts); never set in production. */
  faults?: StoreFaults;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The multi-node store: row locks for aggregates, SKIP LOCKED for the outbox and the timers. */
export class PostgresStore extends SqlStoreBase implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly schema: string | undefined;
  protected readonly reads: SqlReads;
  private readonly reader: PgExecutor;
  private closing: Promise<void> | undefined;
  private readonly auditKeys: AuditKeyring;
  private readonly conflictRetry: ConflictRetry;
  private readonly faults: StoreFaults | undefined;

  constructor(options: PostgresStoreOptions) {
    super();
    this.auditKeys = options.auditKeys ?? UNKEYED_AUDIT_KEYRING;
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      // It goes unquoted into the startup `options`: allow only names that need no quoting.
      throw new Error(`schema must match ${SCHEMA_NAME.source}, got ${JSON.stringify(options.schema)}`);
    }
    this.schema = options.schema;
    this.conflictRetry = options.conflictRetry ?? DEFAULT_CONFLICT_RETRY;
    this.faults = options.faults;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      types: pgTypeParsers,
      max: options.maxConnections ?? 10,
      // Set at connection start-up, so no pooled client can ever run a query against another schema.
      ...(this.schema === undefined ? {} : { options: `-c search_path=${this.schema}` }),
    });
    // An idle client losing its server would otherwise be an unhandled 'error' event and kill the
    // process; the pool drops that client and the next checkout opens a fresh one.
    const onPoolError = options.onPoolError ?? (() => undefined);
    this.pool.on('error', (err) => onPoolError(err));
    this.reader = new PgExecutor(this.pool);
    this.reads = new SqlReads(this.reader);
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await applyPostgresMigrations(client, this.schema, Date.now());
    } finally {
      client.release();
    }
  }

  /** Idempotent: pg's Pool throws when ended twice, and shutdown paths often overlap. */
  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.sqlTransaction((db, dialect) => fn(new SqlStoreTx(db, dialect, this.auditKeys)));
  }

  sqlQuery(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return this.reader.all(sql, params);
  }

  /** One transaction; rolled back by a deadlock or serialization failure, it runs again (bounded). */
  sqlTransaction<T>(fn: (db: SqlExecutor, dialect: Dialect) => Promise<T>): Promise<T> {
    return retryConflicts(() => this.once(fn), this.conflictRetry);
  }

  private async once<T>(fn: (db: SqlExecutor, dialect: Dialect) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const executor = new PgExecutor(client);
    const guarded = new GuardedExecutor(this.faults ? this.faults.wrap(executor) : executor);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(guarded, pgDialect);
      guarded.assertCommittable();
      this.faults?.beforeCommit();
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        // A client that cannot roll back is in an unknown state: destroy it instead of pooling it.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw mapPgError(err);
    } finally {
      guarded.end();
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}
