import type { Applied, Runner } from '../engine/runner.js';

const MAX_WAIT_S = 10;

/** RFC 7240 `Prefer: wait=N`, capped; 0 when absent or malformed. */
export function preferWaitSeconds(header: string | undefined): number {
  const m = header ? /(?:^|[,;\s])wait=(\d{1,3})(?:$|[,;\s])/.exec(header) : null;
  return m?.[1] ? Math.min(MAX_WAIT_S, Number(m[1])) : 0;
}

/** Statuses a payment passes through on its own: a waiting client wants what comes after. */
const TRANSIENT = new Set(['processing', 'authorized', 'pending']);

/**
 * Waits (in real time) until the aggregate reaches a status that needs the client (confirmation)
 * or is final, or the time is up. It listens to the runner's committed changes, then reads the
 * status once more: a change committed before the listener existed must not be waited through.
 */
export function waitWhileProcessing(runner: Runner, id: string, seconds: number, readStatus: () => Promise<string | undefined>): Promise<void> {
  if (seconds <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      runner.changes.off('change', onChange);
      resolve();
    };
    const onChange = (a: Applied) => {
      if (a.id === id && !TRANSIENT.has(a.status)) done();
    };
    const timer = setTimeout(done, seconds * 1000);
    runner.changes.on('change', onChange);
    readStatus().then(
      (status) => {
        if (status === undefined || !TRANSIENT.has(status)) done();
      },
      () => done(),
    );
  });
}
