/**
 * Single DES (FIPS 46-3) in JavaScript, for the retail MAC only. OpenSSL 3 keeps single DES in its
 * legacy provider, so the native route is des-ede3 with K||K||K: three DES operations per block and
 * a native call (with its buffer allocations) per step. The retail MAC needs one DES operation per
 * block, and on a link every message is MACed twice (sign, verify) on each side, so doing it here
 * is faster than the native route. Tests check it bit for bit against OpenSSL's des-ede3.
 *
 * Blocks are two unsigned 32-bit halves, bit 1 of the standard being the top bit of the first. The
 * CBC chain is kept in the "IP domain": IP is a bit permutation, so IP(x XOR c) = IP(x) XOR IP(c),
 * and IP(c) of the previous cipher block is exactly the state before its final permutation. A
 * message therefore costs one IP per block and one FP in all.
 */

const S: readonly (readonly number[])[] = [
  [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
    4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
  [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
    0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
  [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
    13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
  [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
    10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
  [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
    4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
  [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
    9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
  [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
    1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
  [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
    7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
];

const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];

const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];

const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
  41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];

const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];

/** IP: the even input bits of each byte column, high rows first, then the odd ones. */
const IP: readonly number[] = (() => {
  const t: number[] = [];
  for (const start of [58, 60, 62, 64, 57, 59, 61, 63]) for (let k = 0; k < 8; k++) t.push(start - 8 * k);
  return t;
})();
const FP: readonly number[] = (() => {
  const t = new Array<number>(64).fill(0);
  IP.forEach((from, to) => (t[from - 1] = to + 1));
  return t;
})();

const bit = (bits: readonly number[], i: number): number => bits[i - 1] ?? 0;

/** 64-bit permutation as 8 byte-indexed tables of (hi, lo) contributions, built once. */
const byteTables = (table: readonly number[]): { hi: Uint32Array; lo: Uint32Array } => {
  const hi = new Uint32Array(8 * 256);
  const lo = new Uint32Array(8 * 256);
  for (let p = 0; p < 8; p++) {
    for (let v = 0; v < 256; v++) {
      const input = new Array<number>(64).fill(0);
      for (let b = 0; b < 8; b++) input[p * 8 + b] = (v >> (7 - b)) & 1;
      let h = 0;
      let l = 0;
      for (let o = 0; o < 32; o++) h = (h << 1) | bit(input, table[o] ?? 0);
      for (let o = 32; o < 64; o++) l = (l << 1) | bit(input, table[o] ?? 0);
      hi[p * 256 + v] = h >>> 0;
      lo[p * 256 + v] = l >>> 0;
    }
  }
  return { hi, lo };
};

const IPT = byteTables(IP);
const FPT = byteTables(FP);

/** S-box i then P, for each 6-bit input: the round function is eight lookups OR-ed together. */
const SP: readonly Uint32Array[] = S.map((box, i) => {
  const out = new Uint32Array(64);
  for (let x = 0; x < 64; x++) {
    const s = box[(((x >> 5) & 1) << 5) | ((x & 1) << 4) | ((x >> 1) & 0xf)] ?? 0;
    const pre = new Array<number>(32).fill(0);
    for (let b = 0; b < 4; b++) pre[4 * i + b] = (s >> (3 - b)) & 1;
    let w = 0;
    for (let o = 0; o < 32; o++) w = (w << 1) | bit(pre, P[o] ?? 0);
    out[x] = w >>> 0;
  }
  return out;
});

/** 16 round keys of 8 six-bit pieces each, in encryption order. */
export type DesSchedule = Uint8Array;

export function desSchedule(key: Uint8Array): DesSchedule {
  if (key.length !== 8) throw new RangeError('DES needs an 8-byte key');
  const kb: number[] = [];
  for (let i = 0; i < 64; i++) kb.push(((key[i >> 3] ?? 0) >> (7 - (i & 7))) & 1);
  const cd = PC1.map((i) => bit(kb, i));
  let c = cd.slice(0, 28);
  let d = cd.slice(28);
  const out = new Uint8Array(128);
  for (let r = 0; r < 16; r++) {
    const n = SHIFTS[r] ?? 1;
    c = [...c.slice(n), ...c.slice(0, n)];
    d = [...d.slice(n), ...d.slice(0, n)];
    const both = [...c, ...d];
    const k = PC2.map((i) => bit(both, i));
    for (let j = 0; j < 8; j++) {
      let v = 0;
      for (let b = 0; b < 6; b++) v = (v << 1) | (k[6 * j + b] ?? 0);
      out[r * 8 + j] = v;
    }
  }
  return out;
}

const SP0 = SP[0] ?? new Uint32Array(64);
const SP1 = SP[1] ?? new Uint32Array(64);
const SP2 = SP[2] ?? new Uint32Array(64);
const SP3 = SP[3] ?? new Uint32Array(64);
const SP4 = SP[4] ?? new Uint32Array(64);
const SP5 = SP[5] ?? new Uint32Array(64);
const SP6 = SP[6] ?? new Uint32Array(64);
const SP7 = SP[7] ?? new Uint32Array(64);

/** The state between IP and FP: [left, right] going in, [R16, L16] coming out. */
const state = new Uint32Array(2);

/** 16 rounds on `state` in place, round keys taken from `ks` in the order given by `step` (8 or -8). */
const rounds = (ks: DesSchedule, decrypt: boolean): void => {
  let l = state[0] ?? 0;
  let r = state[1] ?? 0;
  const step = decrypt ? -8 : 8;
  for (let i = 0, k = decrypt ? 120 : 0; i < 16; i++, k += step) {
    // E expansion: piece j is standard bits 4j..4j+5 of R, wrapping at both ends.
    const f =
      (SP0[((((r >>> 1) | (r << 31)) >>> 26) & 0x3f) ^ (ks[k] ?? 0)] ?? 0) |
      (SP1[((r >>> 23) & 0x3f) ^ (ks[k + 1] ?? 0)] ?? 0) |
      (SP2[((r >>> 19) & 0x3f) ^ (ks[k + 2] ?? 0)] ?? 0) |
      (SP3[((r >>> 15) & 0x3f) ^ (ks[k + 3] ?? 0)] ?? 0) |
      (SP4[((r >>> 11) & 0x3f) ^ (ks[k + 4] ?? 0)] ?? 0) |
      (SP5[((r >>> 7) & 0x3f) ^ (ks[k + 5] ?? 0)] ?? 0) |
      (SP6[((r >>> 3) & 0x3f) ^ (ks[k + 6] ?? 0)] ?? 0) |
      (SP7[(((r << 1) | (r >>> 31)) & 0x3f) ^ (ks[k + 7] ?? 0)] ?? 0);
    const t = r;
    r = l ^ f;
    l = t;
  }
  state[0] = r;
  state[1] = l;
};

const IPH = IPT.hi;
const IPL = IPT.lo;

/** XORs IP(block at `at`) into `state`; bytes past the end of `data` are `pad` then zeros. */
const ipXor = (data: Uint8Array, at: number, end: number, pad: number): void => {
  let h = 0;
  let l = 0;
  for (let p = 0; p < 8; p++) {
    const i = at + p;
    const v = i < end ? (data[i] ?? 0) : i === end ? pad : 0;
    h |= IPH[(p << 8) | v] ?? 0;
    l |= IPL[(p << 8) | v] ?? 0;
  }
  state[0] = ((state[0] ?? 0) ^ h) >>> 0;
  state[1] = ((state[1] ?? 0) ^ l) >>> 0;
};

/** FP of `state` into 8 bytes. */
const fpOut = (): Uint8Array => {
  let h = 0;
  let l = 0;
  const a = state[0] ?? 0;
  const b = state[1] ?? 0;
  for (let p = 0; p < 4; p++) {
    const va = (a >>> (24 - 8 * p)) & 0xff;
    const vb = (b >>> (24 - 8 * p)) & 0xff;
    h |= (FPT.hi[(p << 8) | va] ?? 0) | (FPT.hi[((p + 4) << 8) | vb] ?? 0);
    l |= (FPT.lo[(p << 8) | va] ?? 0) | (FPT.lo[((p + 4) << 8) | vb] ?? 0);
  }
  return Uint8Array.of(h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff, l >>> 24, (l >>> 16) & 0xff, (l >>> 8) & 0xff, l & 0xff);
};

/** One DES block operation (ECB), for tests and single blocks. */
export function desBlock(ks: DesSchedule, block: Uint8Array, decrypt = false): Uint8Array {
  state[0] = 0;
  state[1] = 0;
  ipXor(block, 0, 8, 0);
  rounds(ks, decrypt);
  return fpOut();
}

/**
 * ISO 9797-1 MAC Algorithm 3 with DES: CBC-MAC under K1 over the padded data, then the last block
 * decrypted under K2 and encrypted under K1. `padding` 1 adds zeros (none when the data fills whole
 * blocks, one zero block when it is empty); 2 adds 0x80 then zeros.
 */
export function retailMacDes(k1: DesSchedule, k2: DesSchedule, data: Uint8Array, padding: 1 | 2): Uint8Array {
  const n = data.length;
  const padded = padding === 2 ? Math.floor(n / 8) * 8 + 8 : n === 0 ? 8 : Math.ceil(n / 8) * 8;
  const pad = padding === 2 ? 0x80 : 0;
  state[0] = 0;
  state[1] = 0;
  for (let at = 0; at < padded; at += 8) {
    ipXor(data, at, n, pad);
    rounds(k1, false);
  }
  // The state is IP(last cipher block): decrypting it needs no IP, nor the encryption after it.
  rounds(k2, true);
  rounds(k1, false);
  return fpOut();
}
