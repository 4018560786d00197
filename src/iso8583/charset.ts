/**
 * Character classes of ISO 8583 field types, as 128-entry lookup tables so a value is checked in a
 * single pass over its char codes. Alphabetic classes include the space because fixed-length
 * alphabetic fields are space-padded on the wire.
 */
export type TextFieldType = 'n' | 'a' | 'an' | 'ans' | 'ns' | 'z' | 'x+n';
export type FieldType = TextFieldType | 'b';

export const FIELD_TYPES: readonly FieldType[] = ['n', 'a', 'an', 'ans', 'ns', 'z', 'x+n', 'b'];

const table = (pred: (c: number) => boolean): Uint8Array => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) t[c] = pred(c) ? 1 : 0;
  return t;
};

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isPrintable = (c: number): boolean => c >= 0x20 && c <= 0x7e;

const TABLES: Record<TextFieldType, Uint8Array> = {
  n: table(isDigit),
  a: table((c) => isAlpha(c) || c === 0x20),
  an: table((c) => isAlpha(c) || isDigit(c) || c === 0x20),
  ans: table(isPrintable),
  ns: table((c) => isPrintable(c) && !isAlpha(c)),
  // Track data: digits, the field separator ('=' or 'D') and nothing else.
  z: table((c) => isDigit(c) || c === 0x3d || c === 0x44),
  // Checked per position (sign then digits); the table covers the digit part.
  'x+n': table(isDigit),
};

export const charTable = (t: TextFieldType): Uint8Array => TABLES[t];

/** Index of the first char not allowed by `allowed`, or -1. */
export const firstInvalidChar = (allowed: Uint8Array, s: string, from: number): number => {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || allowed[c] !== 1) return i;
  }
  return -1;
};

/** Same check over wire bytes (ASCII). */
export const firstInvalidByte = (allowed: Uint8Array, b: Uint8Array, start: number, end: number): number => {
  for (let i = start; i < end; i++) {
    const c = b[i] ?? 0xff;
    if (c >= 128 || allowed[c] !== 1) return i;
  }
  return -1;
};
