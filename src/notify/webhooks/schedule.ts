/*
 * The retry schedule (documented in docs/webhooks.md). The first attempt is immediate; after the
 * n-th failed attempt the next one waits RETRY_DELAYS_MS[n - 1]. The Standard Webhooks / Svix
 * steps first, then daily tries, so a delivery keeps trying for a little over five days; by then
 * an endpoint that never answered 2xx is disabled.
 */
const S = 1_000;
const M = 60 * S;
const H = 60 * M;

export const RETRY_DELAYS_MS: readonly number[] = [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H, 24 * H, 24 * H, 24 * H, 24 * H];

/** Attempts in total (first try + retries) before a delivery is marked failed. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** An endpoint failing without a single success for this long is disabled. */
export const DISABLE_AFTER_MS = 5 * 24 * H;

/** The wait before the next attempt after `attempts` failed ones, or null when none is left. */
export function retryDelay(attempts: number): number | null {
  return attempts >= 1 && attempts <= RETRY_DELAYS_MS.length ? (RETRY_DELAYS_MS[attempts - 1] ?? null) : null;
}
