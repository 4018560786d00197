import type { PoolClient } from 'pg';
import { SCHEMA_MIGRATIONS_DDL, pendingMigrations, type Migration } from '../migrations/index.js';

/**
 * Applies what is missing in one transaction. The advisory lock (released at COMMIT/ROLLBACK)
 * makes concurrent callers, such as several Railyard processes starting together, take turns; the
 * later ones then find nothing left to do. CREATE SCHEMA IF NOT EXISTS is not safe against a
 * concurrent twin on its own either, so it runs under the same lock.
 */
export async function applyPostgresMigrations(
  client: PoolClient,
  schema: string | undefined,
  now: number,
  all?: readonly Migration[],
): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`railyard.migrate:${schema ?? ''}`]);
    if (schema !== undefined) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(`SET LOCAL search_path TO "${schema}"`);
    }
    await client.query(SCHEMA_MIGRATIONS_DDL);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done: number[] = [];
    for (const m of pendingMigrations(new Set(rows.map((r) => r.version)), all)) {
      await client.query(m.postgres);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        now,
      ]);
      done.push(m.version);
    }
    await client.query('COMMIT');
    return done;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
