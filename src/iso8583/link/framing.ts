/**
 * Transport framing of ISO 8583 messages on a TCP stream: a length header, an optional 5-byte
 * TPDU, then the message. Pure: no sockets here, so every split and coalesced case is unit-tested.
 *
 * The length header counts every byte after itself (TPDU included). It is checked against the
 * maximum frame size before a single byte of the body is buffered: a peer announcing a 4 GiB frame
 * costs us four bytes, not four gigabytes.
 */

export type LengthHeader = 'binary2' | 'ascii4' | 'bcd2' | 'binary4';

export interface FramingOptions {
  header: LengthHeader;
  /** A 5-byte TPDU (id, destination, source) precedes each message. */
  tpdu?: boolean;
  /** Largest body (TPDU + message) accepted or sent; default 64 KiB. */
  maxFrameBytes?: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
export const TPDU_BYTES = 5;

export type FrameErrorCode = 'FRAME_TOO_LARGE' | 'BAD_LENGTH_HEADER' | 'EMPTY_FRAME' | 'BAD_TPDU';

/** The stream cannot be trusted past this point: the caller must drop the connection. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly code: FrameErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export interface Frame {
  tpdu?: Uint8Array;
  message: Uint8Array;
}

export const headerBytes = (h: LengthHeader): number => (h === 'ascii4' || h === 'binary4' ? 4 : 2);

/** Largest length each header can express. */
const headerCapacity = (h: LengthHeader): number =>
  h === 'binary2' ? 0xffff : h === 'binary4' ? 0xffffffff : 9999;

const writeHeader = (h: LengthHeader, out: Uint8Array, len: number): void => {
  switch (h) {
    case 'binary2':
      out[0] = len >>> 8;
      out[1] = len & 0xff;
      return;
    case 'binary4':
      out[0] = (len >>> 24) & 0xff;
      out[1] = (len >>> 16) & 0xff;
      out[2] = (len >>> 8) & 0xff;
      out[3] = len & 0xff;
      return;
    case 'ascii4': {
      const s = String(len).padStart(4, '0');
      for (let i = 0; i < 4; i++) out[i] = s.charCodeAt(i);
      return;
    }
    case 'bcd2': {
      const s = String(len).padStart(4, '0');
      const d = (i: number): number => s.charCodeAt(i) - 0x30;
      out[0] = (d(0) << 4) | d(1);
      out[1] = (d(2) << 4) | d(3);
      return;
    }
  }
};

/** Reads the header at `at`; -1 when its bytes are not a length in this encoding. */
const readHeader = (h: LengthHeader, b: Uint8Array, at: number): number => {
  const byte = (i: number): number => b[at + i] ?? 0;
  switch (h) {
    case 'binary2':
      return (byte(0) << 8) | byte(1);
    case 'binary4':
      return byte(0) * 0x1000000 + ((byte(1) << 16) | (byte(2) << 8) | byte(3));
    case 'ascii4': {
      let n = 0;
      for (let i = 0; i < 4; i++) {
        const d = byte(i) - 0x30;
        if (d < 0 || d > 9) return -1;
        n = n * 10 + d;
      }
      return n;
    }
    case 'bcd2': {
      let n = 0;
      for (let i = 0; i < 2; i++) {
        const hi = byte(i) >> 4;
        const lo = byte(i) & 0xf;
        if (hi > 9 || lo > 9) return -1;
        n = n * 100 + hi * 10 + lo;
      }
      return n;
    }
  }
};

export const maxFrameOf = (o: FramingOptions): number => o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;

/** One frame ready for the socket: header, TPDU (when the framing has one), message. */
export function encodeFrame(o: FramingOptions, message: Uint8Array, tpdu?: Uint8Array): Uint8Array {
  const t = o.tpdu === true ? (tpdu ?? DEFAULT_TPDU) : undefined;
  if (t !== undefined && t.length !== TPDU_BYTES) throw new FrameError('BAD_TPDU', `TPDU must be ${TPDU_BYTES} bytes`);
  const body = (t?.length ?? 0) + message.length;
  if (message.length === 0) throw new FrameError('EMPTY_FRAME', 'refusing to send an empty message');
  const cap = Math.min(maxFrameOf(o), headerCapacity(o.header));
  if (body > cap) throw new FrameError('FRAME_TOO_LARGE', `frame of ${body} bytes exceeds the maximum of ${cap}`);
  const hb = headerBytes(o.header);
  const out = new Uint8Array(hb + body);
  writeHeader(o.header, out, body);
  if (t !== undefined) out.set(t, hb);
  out.set(message, hb + (t?.length ?? 0));
  return out;
}

/** TPDU `60 0000 0000`: protocol id 0x60, destination and source addresses. */
export const DEFAULT_TPDU: Uint8Array = Uint8Array.of(0x60, 0, 0, 0, 0);

/** The TPDU of a reply: same protocol id, destination and source swapped. */
export function replyTpdu(t: Uint8Array): Uint8Array {
  if (t.length !== TPDU_BYTES) throw new FrameError('BAD_TPDU', `TPDU must be ${TPDU_BYTES} bytes`);
  return Uint8Array.of(t[0] ?? 0, t[3] ?? 0, t[4] ?? 0, t[1] ?? 0, t[2] ?? 0);
}

/**
 * Cuts a byte stream into frames. Feed it each chunk as it arrives; it returns the frames the
 * chunk completed (none, one or several) and keeps a partial frame for the next chunk. After a
 * FrameError it stays broken: a stream whose framing is lost cannot be resynchronised.
 *
 * Linear in the bytes received whatever the chunking: the pieces of an incomplete frame are kept
 * as a list and joined once, when the frame they belong to is complete (joining on every chunk
 * made a 64 KiB frame sent one byte at a time cost 2 GB of copying).
 */
/**
 * A copy that owns its memory: the chunk's belongs to the socket and may be reused. (Not
 * `slice()`: on a Node Buffer that is a view into the same memory, pooled for small chunks.)
 */
const copyOf = (b: Uint8Array): Uint8Array => new Uint8Array(b);

export class FrameDecoder {
  private readonly hb: number;
  private readonly cap: number;
  /** Copies of the chunks holding the start of a frame not yet complete. */
  private parts: Uint8Array[] = [];
  private partsLength = 0;
  /** Header plus body of that frame once its header has been read; 0 before. */
  private needed = 0;
  private broken: FrameError | null = null;

  constructor(private readonly o: FramingOptions) {
    this.hb = headerBytes(o.header);
    this.cap = maxFrameOf(o);
  }

  /** Bytes held for a frame not yet complete. */
  get buffered(): number {
    return this.partsLength;
  }

  push(chunk: Uint8Array): Frame[] {
    if (this.broken) throw this.broken;
    // Nothing held: whole frames are views of the chunk, only its tail is copied.
    if (this.partsLength === 0) return this.scan(chunk);
    this.parts.push(copyOf(chunk));
    this.partsLength += chunk.length;
    if (this.needed === 0) {
      if (this.partsLength < this.hb) return [];
      this.needed = this.hb + this.bodyLength(this.join(this.hb), 0);
    }
    if (this.partsLength < this.needed) return [];
    const buf = this.join(this.partsLength);
    this.parts = [];
    this.partsLength = 0;
    this.needed = 0;
    return this.scan(buf);
  }

  /** Every complete frame of `buf`; the incomplete rest is kept (copied) for the next chunk. */
  private scan(buf: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    let pos = 0;
    let needed = 0;
    for (;;) {
      if (buf.length - pos < this.hb) break;
      const len = this.bodyLength(buf, pos);
      if (buf.length - pos - this.hb < len) {
        needed = this.hb + len;
        break;
      }
      const start = pos + this.hb;
      const body = buf.subarray(start, start + len);
      frames.push(this.o.tpdu === true ? { tpdu: copyOf(body.subarray(0, TPDU_BYTES)), message: body.subarray(TPDU_BYTES) } : { message: body });
      pos = start + len;
    }
    if (pos < buf.length) {
      this.parts = [copyOf(buf.subarray(pos))];
      this.partsLength = buf.length - pos;
      this.needed = needed;
    }
    return frames;
  }

  /** The body length announced by the header at `at`, checked before any of the body is held. */
  private bodyLength(buf: Uint8Array, at: number): number {
    const len = readHeader(this.o.header, buf, at);
    if (len < 0) return this.fail(new FrameError('BAD_LENGTH_HEADER', `length header is not ${this.o.header}`));
    if (len > this.cap) return this.fail(new FrameError('FRAME_TOO_LARGE', `length header announces ${len} bytes; the maximum is ${this.cap}`));
    const min = this.o.tpdu === true ? TPDU_BYTES + 1 : 1;
    if (len < min) return this.fail(new FrameError('EMPTY_FRAME', `length header announces ${len} bytes`));
    return len;
  }

  /** The first `n` held bytes as one array. */
  private join(n: number): Uint8Array {
    const only = this.parts[0];
    if (this.parts.length === 1 && only) return only.subarray(0, n);
    const out = new Uint8Array(n);
    let at = 0;
    for (const p of this.parts) {
      if (at >= n) break;
      const take = Math.min(p.length, n - at);
      out.set(p.subarray(0, take), at);
      at += take;
    }
    return out;
  }

  private fail(err: FrameError): never {
    this.broken = err;
    this.parts = [];
    this.partsLength = 0;
    throw err;
  }
}
