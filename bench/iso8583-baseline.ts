/**
 * Benchmark baseline: a hand-written fixed-layout codec for exactly the bench 0200 in the
 * iso87-ascii wire format (ASCII MTI, ASCII-hex bitmap, ASCII fields, LL prefix on DE2). No
 * validation and no generality: the ceiling a generic codec is measured against.
 */
type Msg = Record<string, string>;

// Fields 2,3,4,7,11,12,13,14,18,22,25,37,41,42,43,49; fixed lengths except DE2 (LL).
const FIXED: ReadonlyArray<readonly [string, number]> = [
  ['3', 6], ['4', 12], ['7', 10], ['11', 6], ['12', 6], ['13', 4], ['14', 4], ['18', 4],
  ['22', 3], ['25', 2], ['37', 12], ['41', 8], ['42', 15], ['43', 40], ['49', 3],
];
const BITMAP = '723C448008E08000';
const scratch = Buffer.allocUnsafe(512);

export const handPack = (m: Msg): Buffer => {
  let p = scratch.write(m['0'] ?? '', 0, 'latin1');
  p += scratch.write(BITMAP, p, 'latin1');
  const pan = m['2'] ?? '';
  scratch[p++] = 0x30 + Math.floor(pan.length / 10);
  scratch[p++] = 0x30 + (pan.length % 10);
  p += scratch.write(pan, p, 'latin1');
  for (const [k, len] of FIXED) p += scratch.write(m[k] ?? '', p, len, 'latin1');
  return Buffer.from(scratch.subarray(0, p));
};

export const handUnpack = (b: Buffer): Msg => {
  const m: Msg = { '0': b.toString('latin1', 0, 4) };
  let p = 4 + 16;
  const panLen = ((b[p] ?? 0) - 0x30) * 10 + ((b[p + 1] ?? 0) - 0x30);
  p += 2;
  m['2'] = b.toString('latin1', p, p + panLen);
  p += panLen;
  for (const [k, len] of FIXED) {
    m[k] = b.toString('latin1', p, p + len);
    p += len;
  }
  return m;
};
