/**
 * Length prefixes (L..LLLLLL) in ASCII, EBCDIC, BCD or binary. A prefix is read and range-checked
 * before any field byte is touched, so a corrupt length can never make the decoder read or
 * allocate past the frame.
 */
import { Enc, type CompiledField } from './compile.js';
import { Iso8583Error } from './errors.js';
import type { Reader } from './wire.js';

/** Writes `n` as the field's prefix at `pos` (capacity already ensured and range already checked). */
export const writePrefix = (f: CompiledField, out: Uint8Array, pos: number, n: number): void => {
  const w = f.prefixWidth;
  switch (f.prefixEnc) {
    case Enc.Ascii:
    case Enc.Ebcdic: {
      const zero = f.prefixEnc === Enc.Ascii ? 0x30 : 0xf0;
      for (let i = w - 1; i >= 0; i--) {
        out[pos + i] = zero + (n % 10);
        n = Math.floor(n / 10);
      }
      return;
    }
    case Enc.Bcd:
      for (let i = w - 1; i >= 0; i--) {
        const lo = n % 10;
        n = Math.floor(n / 10);
        const hi = n % 10;
        n = Math.floor(n / 10);
        out[pos + i] = (hi << 4) | lo;
      }
      return;
    default:
      for (let i = w - 1; i >= 0; i--) {
        out[pos + i] = n & 0xff;
        n = Math.floor(n / 256);
      }
  }
};

/** Reads the field's prefix at `r.pos`, advancing past it. `path` is only used to report errors. */
export const readPrefix = (f: CompiledField, r: Reader, path: string): number => {
  const w = f.prefixWidth;
  const start = r.pos;
  if (start + w > r.end) throw new Iso8583Error('TRUNCATED', path, start, `length prefix needs ${w} bytes`);
  const b = r.buf;
  let n = 0;
  switch (f.prefixEnc) {
    case Enc.Ascii:
    case Enc.Ebcdic: {
      const zero = f.prefixEnc === Enc.Ascii ? 0x30 : 0xf0;
      for (let i = 0; i < w; i++) {
        const d = (b[start + i] ?? 0) - zero;
        if (d < 0 || d > 9) throw new Iso8583Error('INVALID_LENGTH_PREFIX', path, start + i, 'length prefix is not a digit');
        n = n * 10 + d;
      }
      break;
    }
    case Enc.Bcd:
      for (let i = 0; i < w; i++) {
        const byte = b[start + i] ?? 0;
        const hi = byte >> 4;
        const lo = byte & 0xf;
        if (hi > 9 || lo > 9) throw new Iso8583Error('INVALID_LENGTH_PREFIX', path, start + i, 'length prefix is not BCD');
        n = n * 100 + hi * 10 + lo;
      }
      break;
    default:
      for (let i = 0; i < w; i++) n = n * 256 + (b[start + i] ?? 0);
  }
  if (n > f.prefixMax) {
    // An odd-digit BCD prefix has a spare high nibble; it must be zero for the frame to be canonical.
    throw new Iso8583Error('INVALID_LENGTH_PREFIX', path, start, `length prefix exceeds ${f.prefixMax}`);
  }
  r.pos = start + w;
  return n;
};
