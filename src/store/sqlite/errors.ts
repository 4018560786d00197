import { UniqueViolation } from '../types.js';

function sqliteCode(err: unknown): string | undefined {
  if (!(err instanceof Error) || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

/**
 * Maps SQLite's unique/primary-key failures to UniqueViolation with PostgreSQL's default
 * constraint names, derived from the message "UNIQUE constraint failed: t.a, t.b".
 */
export function mapSqliteError(err: unknown): unknown {
  const code = sqliteCode(err);
  if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return err;
  const message = err instanceof Error ? err.message : '';
  const columns = message
    .replace(/^.*constraint failed:\s*/i, '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
  const table = columns[0]?.split('.')[0] ?? 'unknown';
  const names = columns.map((c) => c.split('.').slice(1).join('.'));
  const constraint = code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ? `${table}_pkey` : `${table}_${names.join('_')}_key`;
  return new UniqueViolation(constraint);
}

export function isBusy(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === 'SQLITE_BUSY' || code?.startsWith('SQLITE_BUSY_') === true;
}
