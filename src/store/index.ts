import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PostgresStore } from './postgres/index.js';
import { SqliteStore } from './sqlite/index.js';
import type { AuditKeyring } from './audit-chain.js';
import { storeFaultsFromEnv } from './sim-faults.js';
import type { Store } from './types.js';

export * from './types.js';
export { constraints } from './constraints.js';
export { PostgresStore, type PostgresStoreOptions } from './postgres/index.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite/index.js';
export { migrations, type Migration } from './migrations/index.js';
export { isTransactionConflict, isTransientStoreError } from './transient.js';
export { DEFAULT_CONFLICT_RETRY, retryConflicts, type ConflictRetry } from './tx-retry.js';

export interface CreateStoreOptions {
  /** `postgres://` or `postgresql://` selects PostgreSQL; anything else (or nothing) SQLite. */
  databaseUrl?: string;
  /** Where the SQLite file lives (`<dataDir>/railyard.db`); created if missing. */
  dataDir: string;
  /** Keys of the history chains; Railyard's server always passes its configured keyring. */
  auditKeys?: AuditKeyring;
}

export const SQLITE_FILE = 'railyard.db';

/** Picks the store from configuration. The caller runs `migrate()` before use. */
export function createStore(options: CreateStoreOptions): Store {
  const url = options.databaseUrl?.trim() ?? '';
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const faults = storeFaultsFromEnv(process.env, 'postgres');
    return new PostgresStore({ connectionString: url, ...(options.auditKeys ? { auditKeys: options.auditKeys } : {}), ...(faults ? { faults } : {}) });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    // A typo or an unsupported database must not silently fall back to a local SQLite file.
    throw new Error(`databaseUrl: unsupported scheme in ${url.replace(/\/\/[^@/]*@/, '//***@')} (use postgres:// or postgresql://)`);
  }
  mkdirSync(options.dataDir, { recursive: true });
  const faults = storeFaultsFromEnv(process.env, 'sqlite');
  return new SqliteStore({ path: join(options.dataDir, SQLITE_FILE), ...(options.auditKeys ? { auditKeys: options.auditKeys } : {}), ...(faults ? { faults } : {}) });
}
