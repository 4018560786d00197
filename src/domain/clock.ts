/**
 * Time is injected everywhere so that every timeout path can be tested without sleeping.
 * `sleep` belongs to the clock too: a manual clock resolves sleepers when it is advanced.
 */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Node's timers hold at most 2^31-1 ms; a longer delay would fire after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.min(ms, MAX_TIMER_MS));
    t.unref?.();
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    // long waits ("never answers") go in steps a timer can hold
    let left = ms;
    do {
      await sleepFor(left, signal);
      left -= MAX_TIMER_MS;
    } while (left > 0);
  },
};

interface Sleeper {
  at: number;
  resolve: () => void;
}

/** A clock that only moves when told to; `advance` wakes every sleeper whose time has come. */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];

  constructor(start: number = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper: Sleeper = { at: this.current + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Moves time forward and resolves due sleepers in time order. */
  async advance(ms: number): Promise<void> {
    this.current += ms;
    const due = this.sleepers.filter((s) => s.at <= this.current).sort((a, b) => a.at - b.at);
    this.sleepers = this.sleepers.filter((s) => s.at > this.current);
    for (const s of due) s.resolve();
    // let the woken continuations run before the caller looks at the world again
    await new Promise((r) => setImmediate(r));
  }

  set(ms: number): Promise<void> {
    return this.advance(Math.max(0, ms - this.current));
  }

  get pendingSleepers(): number {
    return this.sleepers.length;
  }
}

/**
 * Real time that can jump forward: sleeps wait in real time (network peers answer in real time),
 * while `advance` moves `now()` ahead at once, for deadlines counted in days (refund windows).
 */
export class JumpableClock implements Clock {
  private offset = 0;

  now(): number {
    return Date.now() + this.offset;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }

  async advance(ms: number): Promise<void> {
    this.offset += ms;
    await new Promise((r) => setImmediate(r));
  }
}
