/**
 * CSRF protection for Railyard's forms, in two layers:
 *
 * 1. A synchronizer token per session: HMAC(secret, purpose || session id), sent as a hidden form
 *    field `_csrf` (or the `x-csrf-token` header from our own scripts) and compared in constant time.
 *    Nothing is stored: the token is derived, so any node holding the secret can check it.
 * 2. A same-origin check on every unsafe request: `Sec-Fetch-Site` (sent by every current browser)
 *    must be `same-origin` or absent, and an `Origin` header, when present, must be our own.
 *
 * Session cookies are also SameSite=Strict (see the console and checkout), so a cross-site form post
 * arrives without the session at all; the token is the defence that does not rely on the browser.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function csrfToken(secret: Uint8Array, purpose: string, sessionId: string): string {
  return createHmac('sha256', secret).update(`csrf\0${purpose}\0${sessionId}`).digest('base64url');
}

export function csrfTokenValid(secret: Uint8Array, purpose: string, sessionId: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 128) return false;
  const expected = Buffer.from(csrfToken(secret, purpose, sessionId));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const isUnsafeMethod = (method: string): boolean => UNSAFE.has(method.toUpperCase());

/**
 * Whether an unsafe request plausibly comes from our own page. `ownOrigin` is the origin the
 * request was addressed to (scheme://host[:port]), as the server sees it.
 */
export function sameOriginRequest(headers: { get(name: string): string | null | undefined }, ownOrigin: string): boolean {
  const site = headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.get('origin');
  if (origin && origin !== ownOrigin) return false;
  return true;
}
