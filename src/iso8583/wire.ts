/**
 * The byte cursor pack and unpack share. A Writer keeps one growable Buffer per dialect, so a pack
 * allocates only the returned copy; a Reader wraps the frame without copying it.
 */

/** Node's latin1 fast paths exist on every Buffer but are not in the public typings. */
export interface FastBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length: number): number;
}

const fast = (b: Buffer): FastBuffer => b as FastBuffer;

export class Writer {
  buf: FastBuffer;
  pos = 0;

  constructor(size = 4096) {
    this.buf = fast(Buffer.allocUnsafe(size));
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = fast(Buffer.allocUnsafe(size));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A copy of what was written: the scratch buffer is reused by the next pack. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }
}

export class Reader {
  readonly buf: FastBuffer;
  pos = 0;
  /** End of the region being read: the frame, or a composite field's content. */
  end: number;

  constructor(bytes: Uint8Array) {
    this.buf = fast(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.end = this.buf.length;
  }
}
