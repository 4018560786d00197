/**
 * EBCDIC code pages for the printable ASCII range (0x20-0x7E). ISO 8583 text fields are limited to
 * that range, and restricting the tables to it keeps every mapping a bijection, which is what makes
 * pack and unpack exact inverses. Bytes outside the mapped set are rejected, never guessed.
 */
export type EbcdicCodePage = 'cp037' | 'cp1047';

/** Byte values in ASCII order 0x20..0x7E for IBM code page 037 (US/Canada). */
const CP037_PRINTABLE = [
  0x40, 0x5a, 0x7f, 0x7b, 0x5b, 0x6c, 0x50, 0x7d, 0x4d, 0x5d, 0x5c, 0x4e, 0x6b, 0x60, 0x4b, 0x61, // ' '../
  0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0x7a, 0x5e, 0x4c, 0x7e, 0x6e, 0x6f, // 0..?
  0x7c, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, // @..O
  0xd7, 0xd8, 0xd9, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xba, 0xe0, 0xbb, 0xb0, 0x6d, // P.._
  0x79, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, // `..o
  0x97, 0x98, 0x99, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xc0, 0x4f, 0xd0, 0xa1, //       p..~
];

/** Code page 1047 (z/OS Latin-1) differs from 037 in the printable ASCII range only for [ ] ^. */
const CP1047_OVERRIDES: ReadonlyArray<readonly [string, number]> = [
  ['[', 0xad],
  [']', 0xbd],
  ['^', 0x5f],
];

export interface EbcdicTable {
  /** Indexed by ASCII code (0..127); 0 marks a character with no mapping. */
  readonly fromAscii: Uint8Array;
  /** Indexed by EBCDIC byte; 0 marks a byte with no mapping. */
  readonly toAscii: Uint8Array;
}

const build = (overrides: ReadonlyArray<readonly [string, number]>): EbcdicTable => {
  const fromAscii = new Uint8Array(128);
  const toAscii = new Uint8Array(256);
  CP037_PRINTABLE.forEach((e, i) => {
    fromAscii[0x20 + i] = e;
  });
  for (const [ch, e] of overrides) fromAscii[ch.charCodeAt(0)] = e;
  for (let a = 0x20; a < 0x7f; a++) {
    const e = fromAscii[a] ?? 0;
    toAscii[e] = a;
  }
  return { fromAscii, toAscii };
};

const TABLES: Record<EbcdicCodePage, EbcdicTable> = {
  cp037: build([]),
  cp1047: build(CP1047_OVERRIDES),
};

export const ebcdicTable = (page: EbcdicCodePage): EbcdicTable => TABLES[page];

/** Converts printable ASCII text to EBCDIC bytes; returns -1 (and writes partially) on an unmapped char. */
export const writeEbcdic = (t: EbcdicTable, s: string, out: Uint8Array, pos: number): number => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const e = c < 128 ? (t.fromAscii[c] ?? 0) : 0;
    if (e === 0) return i;
    out[pos + i] = e;
  }
  return -1;
};
