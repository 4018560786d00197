import { initial } from './0001-initial.js';
import { webhooks } from './0002-webhooks.js';
import { historyChain } from './0003-history-chain.js';
import { batch } from './0004-batch.js';
import { webhookSigningKeys } from './0005-webhook-signing-keys.js';
import { batchUploadLease } from './0006-batch-upload-lease.js';
import { idempotencyEffects } from './0007-idempotency-effects.js';
import { strandedIndex } from './0009-stranded-index.js';
import { keyedAuditChain } from './0011-keyed-audit-chain.js';
import { batchInboundSidecar } from './0014-batch-inbound-sidecar.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

/** Every migration, oldest first. Append only: an applied migration is never edited. */
export const migrations: readonly Migration[] = [initial, webhooks, historyChain, batch, webhookSigningKeys, batchUploadLease, idempotencyEffects, strandedIndex, keyedAuditChain, batchInboundSidecar];

/** The migrations not yet in `applied`, in order; refuses a list that is not strictly increasing. */
export function pendingMigrations(applied: ReadonlySet<number>, all: readonly Migration[] = migrations): Migration[] {
  let previous = 0;
  for (const m of all) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(`migration versions must increase strictly: ${m.version} after ${previous}`);
    }
    previous = m.version;
  }
  return all.filter((m) => !applied.has(m.version));
}

export const SCHEMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER NOT NULL PRIMARY KEY,
  name       TEXT    NOT NULL,
  applied_at BIGINT  NOT NULL
)`;
