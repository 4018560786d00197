/**
 * Response headers for every HTML page Railyard serves (operator console, hosted checkout).
 *
 * The policy is strict by construction: scripts and styles only from Railyard's own origin (no
 * inline script, no third-party asset), forms post only to Railyard, and framing refused unless a
 * merchant's configuration names the origins that may frame its checkout. Pages carry secrets or
 * the means to move money, so they are never cached and never leak their URL as a referrer.
 */
import { createMiddleware } from 'hono/factory';

export interface PageHeaderOptions {
  /** Origins allowed to frame the page (CSP frame-ancestors); empty: none may. */
  frameAncestors?: readonly string[];
  /** The sandbox serves plain http on loopback; outside it pages ask for https upgrades. */
  upgradeInsecureRequests?: boolean;
}

const ORIGIN_RE = /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?$/;

/** Only bare origins may be listed: anything else could smuggle a directive into the policy. */
export function isFrameAncestorOrigin(value: string): boolean {
  return ORIGIN_RE.test(value);
}

export function contentSecurityPolicy(options: PageHeaderOptions = {}): string {
  const ancestors = (options.frameAncestors ?? []).filter(isFrameAncestorOrigin);
  const directives = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${ancestors.length > 0 ? ancestors.join(' ') : "'none'"}`,
  ];
  if (options.upgradeInsecureRequests) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

export function pageHeaders(options: PageHeaderOptions = {}): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': contentSecurityPolicy(options),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
  // Older browsers ignore frame-ancestors; X-Frame-Options can only say "nobody".
  if ((options.frameAncestors ?? []).length === 0) headers['x-frame-options'] = 'DENY';
  return headers;
}

/** Sets the page headers on every response of the routes it guards; `options` may depend on the request. */
export const securePages = (options: PageHeaderOptions | ((path: string) => PageHeaderOptions) = {}) =>
  createMiddleware(async (c, next) => {
    await next();
    const resolved = typeof options === 'function' ? options(c.req.path) : options;
    for (const [name, value] of Object.entries(pageHeaders(resolved))) c.res.headers.set(name, value);
  });
