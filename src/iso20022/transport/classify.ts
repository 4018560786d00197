/**
 * Whether a failed request can have reached the bank. Only failures that happen before the first
 * request byte can leave the client count as `not_sent`; everything else is `unknown`, because
 * treating a maybe-delivered payment as undelivered is how money moves twice.
 */

/** Failures while resolving, connecting or in the TLS handshake: the HTTP request never left. */
const BEFORE_SEND = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_INVALID_ARG',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Walks `cause` chains: undici wraps the socket error it met. */
export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET' && code !== 'ABORT_ERR') return code;
    e = (e as { cause?: unknown }).cause;
  }
  const top = err !== null && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  return typeof top === 'string' ? top : undefined;
}

export function sentBeforeFailure(code: string | undefined): boolean {
  if (code === undefined) return true;
  if (BEFORE_SEND.has(code)) return false;
  // A TLS alert ends the handshake before the HTTP layer on the other side reads anything
  // (e.g. the bank refusing our client certificate).
  if (code.startsWith('ERR_SSL_') && code.includes('ALERT')) return false;
  return true;
}
