export type TransportErrorKind =
  | 'auth'
  | 'host_key'
  | 'permission'
  | 'not_found'
  | 'exists'
  | 'timeout'
  | 'connection'
  | 'size_mismatch'
  | 'too_large'
  | 'protocol';

export type TransportOp = 'connect' | 'list' | 'stat' | 'upload' | 'download' | 'move' | 'remove' | 'close';

/** Only these can heal by themselves; everything else needs a person (keys, pins, paths, config). */
const RETRYABLE: ReadonlySet<TransportErrorKind> = new Set(['timeout', 'connection']);

export const isRetryableKind = (kind: TransportErrorKind): boolean => RETRYABLE.has(kind);

export interface TransportErrorInit {
  kind: TransportErrorKind;
  op: TransportOp;
  /** remote basename the operation was about, when there was one */
  file?: string;
  detail?: string;
  retryable?: boolean;
  cause?: unknown;
}

/**
 * The one error type transports throw. The message is built from kind, op, file and a short detail
 * only: callers log it, so nothing from the profile (keys, passphrases) may ever be placed in it.
 */
export class TransportError extends Error {
  readonly kind: TransportErrorKind;
  readonly retryable: boolean;
  readonly op: TransportOp;
  readonly file: string | undefined;

  constructor(init: TransportErrorInit) {
    const where = init.file === undefined ? init.op : `${init.op} ${init.file}`;
    super(`${where}: ${init.kind}${init.detail ? ` (${init.detail})` : ''}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TransportError';
    this.kind = init.kind;
    this.op = init.op;
    this.file = init.file;
    this.retryable = init.retryable ?? isRetryableKind(init.kind);
  }
}

export const isTransportError = (e: unknown): e is TransportError => e instanceof TransportError;
