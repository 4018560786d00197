import type { Logger } from '../log.js';

/**
 * A request's logger, made on first use. Most requests write one access line and nothing else,
 * and a pino child per request (two, with the merchant) cost more than that line: the access line
 * goes through the parent with the request's fields inline, and a child is made only when a
 * handler logs something of its own.
 */
export class RequestLog {
  private made: Logger | undefined;
  private readonly fields: Record<string, string>;

  constructor(
    private readonly parent: Logger,
    fields: Record<string, string>,
  ) {
    this.fields = { ...fields };
  }

  /** Adds a field to every line logged for this request from now on. */
  bind(key: string, value: string): void {
    this.fields[key] = value;
    if (this.made) this.made = this.made.child({ [key]: value });
  }

  get logger(): Logger {
    return (this.made ??= this.parent.child(this.fields));
  }

  /** The access line of the request. */
  access(fields: Record<string, string | number>, msg: string): void {
    if (this.parent.isLevelEnabled('info')) this.parent.info({ ...this.fields, ...fields }, msg);
  }
}
