import type { Clock } from '../../domain/clock.js';

export const EXPIRED: unique symbol = Symbol('expired');

/**
 * Runs `work` until it settles or until `ms` pass without a call to its `touch`; a transfer touches
 * on every chunk, so a slow but moving transfer is never cut while a stalled one is.
 * Returns EXPIRED when time ran out; the caller must then tear down whatever `work` was using,
 * since the work itself cannot be cancelled.
 */
export async function withDeadline<T>(clock: Clock, ms: number, work: (touch: () => void) => Promise<T>): Promise<T | typeof EXPIRED> {
  const stop = new AbortController();
  let last = clock.now();
  const touch = () => {
    last = clock.now();
  };
  const watchdog = (async (): Promise<typeof EXPIRED> => {
    for (;;) {
      const wait = last + ms - clock.now();
      if (wait <= 0) return EXPIRED;
      await clock.sleep(wait, stop.signal);
    }
  })();
  const running = work(touch);
  // whichever loses the race must not surface as an unhandled rejection later
  running.catch(() => undefined);
  watchdog.catch(() => undefined);
  try {
    return await Promise.race([running, watchdog]);
  } finally {
    stop.abort();
  }
}
