/**
 * Packed BCD. A value of odd length gets one pad nibble: right-aligned values (the numeric
 * default) pad at the left, left-aligned values (track data, some PANs) pad at the right. The pad
 * nibble is checked on decode: a frame with a different nibble would not re-encode to itself.
 */

/** Nibble for a character: digits 0-9, and 'D' (13) when `allowD` (track 2 separator). -1 if invalid. */
const nibbleOf = (c: number, allowD: boolean): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (allowD && c === 0x44) return 13;
  return -1;
};

/**
 * Writes `s` as BCD at `pos`. Returns -1 on success or the index of the first invalid char.
 * Caller guarantees capacity for ceil(len/2) bytes.
 */
export const writeBcd = (
  s: string,
  out: Uint8Array,
  pos: number,
  leftAligned: boolean,
  padNibble: number,
  allowD: boolean,
): number => {
  const len = s.length;
  let i = 0;
  let o = pos;
  if ((len & 1) === 1 && !leftAligned) {
    const lo = nibbleOf(s.charCodeAt(0), allowD);
    if (lo < 0) return 0;
    out[o++] = (padNibble << 4) | lo;
    i = 1;
  }
  for (; i + 1 < len; i += 2) {
    const hi = nibbleOf(s.charCodeAt(i), allowD);
    if (hi < 0) return i;
    const lo = nibbleOf(s.charCodeAt(i + 1), allowD);
    if (lo < 0) return i + 1;
    out[o++] = (hi << 4) | lo;
  }
  if (i < len) {
    const hi = nibbleOf(s.charCodeAt(i), allowD);
    if (hi < 0) return i;
    out[o] = (hi << 4) | padNibble;
  }
  return -1;
};

const DIGITS = '0123456789ABCDEF';

/**
 * Reads `digits` BCD digits from `bytes` starting at `start`. Returns the string, or a number: the
 * byte offset of the first invalid nibble (bad digit or unexpected pad). Caller checks bounds.
 */
export const readBcd = (
  b: Uint8Array,
  start: number,
  digits: number,
  leftAligned: boolean,
  padNibble: number,
  allowD: boolean,
): string | number => {
  const nBytes = (digits + 1) >> 1;
  const odd = (digits & 1) === 1;
  let s = '';
  for (let k = 0; k < nBytes; k++) {
    const byte = b[start + k] ?? 0;
    const hi = byte >> 4;
    const lo = byte & 0x0f;
    const first = k === 0;
    const last = k === nBytes - 1;
    if (odd && first && !leftAligned) {
      if (hi !== padNibble) return start + k;
    } else {
      if (hi > 9 && !(allowD && hi === 13)) return start + k;
      s += DIGITS[hi];
    }
    if (odd && last && leftAligned) {
      if (lo !== padNibble) return start + k;
    } else {
      if (lo > 9 && !(allowD && lo === 13)) return start + k;
      s += DIGITS[lo];
    }
  }
  return s;
};
