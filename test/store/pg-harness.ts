import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Finds the test database: TEST_DATABASE_URL if set, else the local defaults (trust auth, user
 * `postgres`, then `root`). Never skips: an unreachable server is a failure with a clear message.
 */
export async function resolveTestDatabaseUrl(): Promise<string> {
  const fromEnv = process.env['TEST_DATABASE_URL'];
  const candidates = fromEnv
    ? [fromEnv]
    : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];
  const failures: string[] = [];
  for (const url of candidates) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return url;
    } catch (err) {
      failures.push(`${url}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(
    `PostgreSQL tests need a reachable server. Tried:\n  ${failures.join('\n  ')}\n` +
      'Start PostgreSQL or set TEST_DATABASE_URL=postgres://user@host:port/db.',
  );
}

export function randomSchema(): string {
  return `railyard_test_${randomBytes(6).toString('hex')}`;
}

export const STORE_TABLES = ['payments', 'refunds', 'history', 'commands', 'timers', 'events', 'idempotency', 'otps'];
