import type { Clock } from '../../domain/clock.js';
import { TransportError } from './errors.js';
import type { FileTransport } from './types.js';

export interface RetryOptions {
  /** total tries, the first included */
  attempts: number;
  baseMs: number;
  maxMs: number;
  clock: Clock;
  /** in [0, 1); injectable so that tests can pin the jitter */
  random?: () => number;
  /** called before each wait, for logs and metrics */
  onRetry?: (error: TransportError, attempt: number, delayMs: number) => void;
}

/**
 * Capped exponential backoff with "equal jitter": at least half the step is always waited, so a
 * flapping link is not hammered, and the other half is random, so many pollers do not retry in step.
 */
export function backoffDelay(attempt: number, opts: Pick<RetryOptions, 'baseMs' | 'maxMs' | 'random'>): number {
  const step = Math.min(opts.maxMs, opts.baseMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + (opts.random ?? Math.random)() * (step / 2));
}

/**
 * Retries retryable TransportErrors (timeouts, dropped connections). Every other error, including
 * errors that are not TransportErrors at all, is thrown at once: a wrong key, pin or path does
 * not heal by waiting, and a retry would only hide it for longer.
 */
export function withRetry(transport: FileTransport, opts: RetryOptions): FileTransport {
  if (!Number.isInteger(opts.attempts) || opts.attempts < 1) throw new RangeError('withRetry: attempts must be an integer >= 1');
  if (!(opts.baseMs >= 0) || !(opts.maxMs >= opts.baseMs)) throw new RangeError('withRetry: need 0 <= baseMs <= maxMs');

  const retrying = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        if (!(e instanceof TransportError) || !e.retryable || attempt >= opts.attempts) throw e;
        const delay = backoffDelay(attempt, opts);
        opts.onRetry?.(e, attempt, delay);
        await opts.clock.sleep(delay);
      }
    }
  };

  return {
    list: (dir) => retrying(() => transport.list(dir)),
    stat: (dir, name) => retrying(() => transport.stat(dir, name)),
    upload: (dir, name, data, uploadOpts) => retrying(() => transport.upload(dir, name, data, uploadOpts)),
    download: (dir, name, downloadOpts) => retrying(() => transport.download(dir, name, downloadOpts)),
    move: (dir, name, toDir) => retrying(() => transport.move(dir, name, toDir)),
    remove: (dir, name) => retrying(() => transport.remove(dir, name)),
    close: () => transport.close(),
  };
}
