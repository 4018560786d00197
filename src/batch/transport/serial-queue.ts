/**
 * Runs one task at a time, in call order. An SFTP channel multiplexes requests, but a second
 * operation on a connection that the first one is about to declare broken would fail for the
 * wrong reason; serialising keeps the "one error discards one connection" rule exact.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
