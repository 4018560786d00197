/**
 * Upper-case hexadecimal, strictly: binary values travel as upper-case hex in the field JSON, and
 * accepting other spellings would break `unpack(pack(f))` equality.
 */

/** Index of the first character that is not upper-case hex, or -1. */
export const firstNonHex = (s: string): number => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46))) return i;
  }
  return -1;
};

/** Same check over bytes holding ASCII hex on the wire. */
export const firstNonHexByte = (b: Uint8Array, start: number, end: number): number => {
  for (let i = start; i < end; i++) {
    const c = b[i] ?? 0;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46))) return i;
  }
  return -1;
};

export const toHex = (b: Buffer, start: number, end: number): string => b.toString('hex', start, end).toUpperCase();
