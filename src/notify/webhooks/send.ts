import { request } from 'undici';
import { DestinationRefused, pinnedDispatcher, type DestinationPolicy } from './destination.js';

/** Bytes of a receiver's answer read at most: only its status matters, the rest is dropped. */
export const MAX_RESPONSE_BODY_BYTES = 64 * 1024;

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  /** `HTTP nnn`, `destination_refused`, `timeout` or `no_response`; never a receiver's words. */
  error: string | null;
}

/**
 * One webhook POST, the SSRF rules applied: the URL is checked (resolved once) now, the socket
 * goes to the checked address only, no redirect is followed, at most MAX_RESPONSE_BODY_BYTES of
 * the answer are read and the whole exchange has one deadline.
 */
export async function postWebhook(o: {
  url: string;
  destinations: DestinationPolicy;
  timeoutMs: number;
  headers: Record<string, string>;
  body: string;
}): Promise<AttemptResult> {
  let dest;
  try {
    dest = await o.destinations.check(o.url);
  } catch (err) {
    // Refused before any socket exists, with the same answer for every refused address: the
    // failure streak says nothing about what listens inside.
    if (err instanceof DestinationRefused) return { ok: false, statusCode: null, error: 'destination_refused' };
    throw err;
  }
  const dispatcher = pinnedDispatcher(dest, o.timeoutMs);
  try {
    const res = await request(dest.url, {
      method: 'POST',
      dispatcher,
      headers: o.headers,
      body: o.body,
      // one deadline for the whole exchange: a receiver trickling its answer byte by byte is cut
      signal: AbortSignal.timeout(o.timeoutMs),
      // undici 7's request follows no redirects (no redirect interceptor is set): a 3xx is a
      // failure, so a public URL answering "302 Location: http://127.0.0.1/…" cannot lead inside
    });
    // the status decides; a body cut at the cap or the deadline changes nothing
    await res.body.dump({ limit: MAX_RESPONSE_BODY_BYTES }).catch(() => undefined);
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    return { ok, statusCode: res.statusCode, error: ok ? null : `HTTP ${res.statusCode}` };
  } catch (err) {
    return { ok: false, statusCode: null, error: networkError(err) };
  } finally {
    void dispatcher.destroy().catch(() => undefined);
  }
}

/**
 * Two answers only for a failure without an HTTP status: the deadline passed, or no answer. Finer
 * codes (refused, reset, unreachable) would tell a merchant more about the ports at an address.
 */
function networkError(err: unknown): string {
  const name = err instanceof Error ? err.name : '';
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  if (name === 'TimeoutError' || name === 'AbortError' || (typeof code === 'string' && code.includes('TIMEOUT'))) return 'timeout';
  return 'no_response';
}
