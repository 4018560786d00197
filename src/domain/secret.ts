import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * Wraps a sensitive value (card number, one-time code, key) so that logging, JSON serialisation,
 * string conversion and inspection all show `[redacted]`. The clear value is reachable only through
 * an explicit `reveal()`, which makes every use easy to find in review.
 */
export class Secret<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

export const secret = <T>(value: T): Secret<T> => new Secret(value);
