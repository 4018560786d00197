import { TransportError, type TransportOp } from './errors.js';

/** What is known about the connection an error came from. */
export interface ErrorContext {
  op: TransportOp;
  file?: string;
  rawError?: unknown;
  hostKeyMismatch?: string | null;
  closed?: boolean;
  /** strings that must never reach a message (key text, passphrase) */
  secrets?: readonly string[];
}

const field = (e: unknown, key: string): unknown => (typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[key] : undefined);
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : typeof e === 'string' ? e : '');

// SFTP v3 status codes as ssh2 reports them, and the errno names the wrapper substitutes
const NOT_FOUND = new Set<unknown>([2, 'ENOENT']);
const PERMISSION = new Set<unknown>([3, 'EACCES', 'EPERM']);
const NETWORK = new Set<unknown>(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_NOT_CONNECTED']);
const DISCONNECTED = /no response from server|unexpected (close|end) event|not connected|no sftp connection|connection lost|socket|channel (open failure|closed)|ECONNRESET/i;
const BAD_KEY = /cannot parse privatekey|passphrase|privatekey value|unsupported key format|malformed/i;

/** Keeps detail short and free of anything secret; PEM armour is dropped even if not listed. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  out = out.replace(/-----BEGIN[\s\S]*?(-----END[^-]*-----|$)/g, '[redacted]');
  return out.length > 200 ? `${out.slice(0, 200)}...` : out;
}

/** Maps whatever ssh2 / ssh2-sftp-client threw onto a TransportError kind. */
export function classify(e: unknown, ctx: ErrorContext): TransportError {
  if (e instanceof TransportError) return e;
  const base = { op: ctx.op, ...(ctx.file === undefined ? {} : { file: ctx.file }), cause: e };
  const detail = redact(messageOf(e), ctx.secrets);
  const code = field(e, 'code');
  const raw = ctx.rawError;
  const level = field(raw, 'level') ?? field(e, 'level');

  if (ctx.hostKeyMismatch) return new TransportError({ ...base, kind: 'host_key', detail: `server presented ${ctx.hostKeyMismatch}, not a pinned key` });
  if (NOT_FOUND.has(code)) return new TransportError({ ...base, kind: 'not_found', detail });
  if (PERMISSION.has(code)) return new TransportError({ ...base, kind: 'permission', detail });
  if (level === 'client-authentication' || /authentication methods failed/i.test(messageOf(raw) || detail)) {
    return new TransportError({ ...base, kind: 'auth', detail: 'server refused the key' });
  }
  if (BAD_KEY.test(detail) || BAD_KEY.test(messageOf(raw))) return new TransportError({ ...base, kind: 'auth', detail: 'private key could not be used' });
  if (level === 'client-timeout') return new TransportError({ ...base, kind: 'timeout', detail });
  if (ctx.closed || level === 'client-socket' || NETWORK.has(code) || NETWORK.has(field(raw, 'code')) || DISCONNECTED.test(detail)) {
    return new TransportError({ ...base, kind: 'connection', detail });
  }
  return new TransportError({ ...base, kind: 'protocol', detail });
}
