import { UniqueViolation } from '../types.js';

const UNIQUE_VIOLATION = '23505';

export function mapPgError(err: unknown): unknown {
  if (!(err instanceof Error) || !('code' in err) || err.code !== UNIQUE_VIOLATION) return err;
  const constraint = 'constraint' in err && typeof err.constraint === 'string' ? err.constraint : 'unknown';
  return new UniqueViolation(constraint);
}
