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
 * or is final, or the time is up. Resolves with the last status it learned (undefined: none).
 */
export async function waitWhileProcessing(runner: Runner, id: string, seconds: number, readStatus: () => Promise<string | undefined>): Promise<string | undefined> {
  let status: string | undefined;
  await waitForNews(
    runner,
    'change',
    (a: Applied) => {
      if (a.id !== id) return false;
      status = a.status;
      return !TRANSIENT.has(a.status);
    },
    seconds * 1000,
    async () => {
      const read = await readStatus();
      status ??= read;
      return read === undefined || !TRANSIENT.has(read);
    },
  );
  return status;
}

/** Waits until the payment's one-time code has left the outbox (`stillSending` false), or the time is up. */
export function waitForCodeSent(runner: Runner, paymentId: string, ms: number, stillSending: () => Promise<boolean>): Promise<void> {
  return waitForNews(runner, 'code-sent', (sentFor: string) => sentFor === paymentId, ms, async () => !(await stillSending()));
}

/**
 * Resolves on the first `event` that `matches`, or when `ms` have passed. It listens first and
 * then asks `alreadyThere` once: news committed before the listener existed is not waited through.
 */
function waitForNews<A>(runner: Runner, event: 'change' | 'code-sent', matches: (arg: A) => boolean, ms: number, alreadyThere: () => Promise<boolean>): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      runner.changes.off(event, onNews);
      resolve();
    };
    const onNews = (arg: A) => {
      if (!finished && matches(arg)) done();
    };
    const timer = setTimeout(done, ms);
    runner.changes.on(event, onNews);
    alreadyThere().then(
      (there) => {
        if (there) done();
      },
      () => done(),
    );
  });
}
