/**
 * Primary, secondary and (optionally) tertiary bitmaps, binary or hex text. The secondary bitmap is
 * sent only when a field 65-128 is present, the tertiary only when a field 129-192 is: and a frame
 * carrying an empty one is rejected, because it would not re-encode to the same bytes.
 */
import type { BitmapEncoding } from './compile.js';
import { Iso8583Error } from './errors.js';
import type { Reader, Writer } from './wire.js';

const HEX_ASCII = [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46];
const HEX_EBCDIC = [0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6];

const nibbleTable = (digits: readonly number[]): Int8Array => {
  const t = new Int8Array(256).fill(-1);
  digits.forEach((d, i) => {
    t[d] = i;
  });
  return t;
};
const NIBBLE_ASCII = nibbleTable(HEX_ASCII);
const NIBBLE_EBCDIC = nibbleTable(HEX_EBCDIC);

/** Writes `nBytes` (8, 16 or 24) bitmap bytes taken from `bits`. */
export const writeBitmap = (w: Writer, enc: BitmapEncoding, bits: Uint8Array, nBytes: number): void => {
  if (enc === 'binary') {
    w.ensure(nBytes);
    for (let i = 0; i < nBytes; i++) w.buf[w.pos + i] = bits[i] ?? 0;
    w.pos += nBytes;
    return;
  }
  const digits = enc === 'ascii-hex' ? HEX_ASCII : HEX_EBCDIC;
  w.ensure(nBytes * 2);
  const b = w.buf;
  let p = w.pos;
  for (let i = 0; i < nBytes; i++) {
    const v = bits[i] ?? 0;
    b[p++] = digits[v >> 4] ?? 0;
    b[p++] = digits[v & 0xf] ?? 0;
  }
  w.pos = p;
};

const readBlock = (r: Reader, enc: BitmapEncoding, bits: Uint8Array, offset: number): void => {
  const p = r.pos;
  const width = enc === 'binary' ? 8 : 16;
  if (p + width > r.end) throw new Iso8583Error('TRUNCATED', '1', p, `bitmap needs ${width} bytes`);
  const b = r.buf;
  if (enc === 'binary') {
    for (let i = 0; i < 8; i++) bits[offset + i] = b[p + i] ?? 0;
  } else {
    const t = enc === 'ascii-hex' ? NIBBLE_ASCII : NIBBLE_EBCDIC;
    for (let i = 0; i < 8; i++) {
      const hi = t[b[p + 2 * i] ?? 0] ?? -1;
      const lo = t[b[p + 2 * i + 1] ?? 0] ?? -1;
      if (hi < 0 || lo < 0) throw new Iso8583Error('INVALID_HEX', '1', p + 2 * i, 'bitmap is not upper-case hex');
      bits[offset + i] = (hi << 4) | lo;
    }
  }
  r.pos = p + width;
};

const anyBit = (bits: Uint8Array, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) if (bits[i] !== 0) return true;
  return false;
};

/** Reads the bitmaps into `bits` (cleared here); returns the number of bitmap bytes (8, 16 or 24). */
export const readBitmap = (r: Reader, enc: BitmapEncoding, tertiary: boolean, bits: Uint8Array): number => {
  bits.fill(0);
  readBlock(r, enc, bits, 0);
  if (((bits[0] ?? 0) & 0x80) === 0) return 8;
  const secondaryAt = r.pos;
  readBlock(r, enc, bits, 8);
  if (!anyBit(bits, 8, 16)) {
    throw new Iso8583Error('NON_CANONICAL_BITMAP', '1', secondaryAt, 'secondary bitmap present but flags no field');
  }
  if (!tertiary || ((bits[8] ?? 0) & 0x80) === 0) return 16;
  const tertiaryAt = r.pos;
  readBlock(r, enc, bits, 16);
  if (!anyBit(bits, 16, 24)) {
    throw new Iso8583Error('NON_CANONICAL_BITMAP', '65', tertiaryAt, 'tertiary bitmap present but flags no field');
  }
  return 24;
};
