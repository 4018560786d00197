/**
 * Which store failures are worth trying again. One place, so the engine's retries, the store's own
 * transaction retry and the fault simulator all agree on what "transient" means.
 */

/** PostgreSQL SQLSTATEs of a transaction the server rolled back only to break a conflict. */
const PG_CONFLICT = new Set(['40P01' /* deadlock_detected */, '40001' /* serialization_failure */]);

/** PostgreSQL SQLSTATEs of a lost or refused connection (class 08, and a server going away). */
const PG_CONNECTION = new Set(['57P01' /* admin_shutdown */, '57P02' /* crash_shutdown */, '57P03' /* cannot_connect_now */, '53300' /* too_many_connections */]);

/** Node socket errors of a connection that broke under a query. */
const SOCKET = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** pg reports a connection dying mid-query with these messages and no code. */
const PG_CONNECTION_MESSAGES = [/connection terminated/i, /not queryable/i, /connection .*closed/i, /timeout exceeded when trying to connect/i];

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function nameOf(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

/** The error and the errors it wraps (`cause`), bounded: a cycle must not hang the classifier. */
function* chain(err: unknown): Generator<unknown> {
  let e: unknown = err;
  for (let depth = 0; depth < 8 && e !== undefined && e !== null; depth++) {
    yield e;
    e = e instanceof Error ? e.cause : undefined;
  }
}

/**
 * The transaction was rolled back (or never began) only because of another transaction: a
 * PostgreSQL deadlock or serialization failure, or, on SQLite, a batch-mate's failure that ended
 * the group commit (`BatchAborted`). Nothing of it was committed, so running the whole
 * transaction function again is safe and usually succeeds at once.
 */
export function isTransactionConflict(err: unknown): boolean {
  for (const e of chain(err)) {
    const code = codeOf(e);
    if (code !== undefined && PG_CONFLICT.has(code)) return true;
    if (nameOf(e) === 'BatchAborted') return true;
  }
  return false;
}

/**
 * A failure that says nothing about the work itself and may well not happen again: a conflict
 * (above), SQLite busy or locked (another process holds the write lock), a lost connection.
 * Anything else (a constraint, a refused machine version, a bug) is permanent: trying again gives
 * the same answer.
 *
 * Note for callers: after a lost connection a COMMIT may or may not have happened, so whatever
 * is retried on it must be conditional (e.g. finishing a command only while it is still open).
 */
export function isTransientStoreError(err: unknown): boolean {
  for (const e of chain(err)) {
    if (isTransactionConflict(e)) return true;
    const code = codeOf(e);
    if (code !== undefined) {
      if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_')) return true;
      if (code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_LOCKED_')) return true;
      if (code.startsWith('08') && code.length === 5) return true;
      if (PG_CONNECTION.has(code)) return true;
      if (SOCKET.has(code)) return true;
    }
    const message = e instanceof Error ? e.message : '';
    if (!code && PG_CONNECTION_MESSAGES.some((re) => re.test(message))) return true;
  }
  return false;
}
