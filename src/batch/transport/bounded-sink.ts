import { Writable } from 'node:stream';

export class SinkLimitExceeded extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} bytes`);
  }
}

/**
 * Collects a download in memory and fails as soon as it passes `limit`: a file can grow between
 * the size check and the read, and a bank's file must never be able to exhaust the heap.
 */
export class BoundedSink extends Writable {
  private readonly chunks: Buffer[] = [];
  private total = 0;

  constructor(
    private readonly limit: number,
    private readonly onChunk: () => void,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.total += chunk.length;
    this.onChunk();
    if (this.total > this.limit) return callback(new SinkLimitExceeded(this.limit));
    this.chunks.push(chunk);
    callback();
  }

  get bytes(): number {
    return this.total;
  }

  contents(): Uint8Array {
    return Buffer.concat(this.chunks, this.total);
  }
}
