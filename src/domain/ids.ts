import { randomFillSync } from 'node:crypto';

/**
 * Prefixed, time-sortable identifiers: `pay_` + 26 Crockford base32 characters
 * (48-bit millisecond timestamp, then 80 random bits), the ULID layout.
 * Ids made in the same millisecond by one process stay sorted: the random part is incremented.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type IdPrefix = 'pay' | 're' | 'evt' | 'cmd' | 'req' | 'hist' | 'mch' | 'key';

let lastTime = -1;
let lastRandom: Uint8Array = new Uint8Array(10);

function incremented(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] === 0xff) {
      out[i] = 0;
      continue;
    }
    out[i] = (out[i] ?? 0) + 1;
    return out;
  }
  return out; // wrapped: 2^80 ids in one millisecond will not happen
}

function encodeTime(ms: number): string {
  let s = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    s = ALPHABET[t % 32] + s;
    t = Math.floor(t / 32);
  }
  return s;
}

/** 80 bits -> 16 base32 characters, most significant first: five bytes make eight characters. */
function encodeRandom(bytes: Uint8Array): string {
  let s = '';
  for (let g = 0; g < 10; g += 5) {
    // 40 bits fit a double exactly; no BigInt on the hot path of every request
    let v = 0;
    for (let i = 0; i < 5; i++) v = v * 256 + (bytes[g + i] ?? 0);
    let chunk = '';
    for (let i = 0; i < 8; i++) {
      chunk = ALPHABET[v % 32] + chunk;
      v = Math.floor(v / 32);
    }
    s += chunk;
  }
  return s;
}

/**
 * Random bytes drawn 4 kB at a time: one CSPRNG call per id cost more than the rest of making it.
 * Each id takes fresh bytes; none is handed out twice.
 */
const pool = new Uint8Array(4096);
let poolAt = pool.length;

function random10(): Uint8Array {
  if (poolAt + 10 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += 10;
  return pool.slice(poolAt - 10, poolAt);
}

export function newId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  if (nowMs === lastTime) {
    lastRandom = incremented(lastRandom);
  } else {
    lastTime = nowMs;
    lastRandom = random10();
  }
  return `${prefix}_${encodeTime(nowMs)}${encodeRandom(lastRandom)}`;
}

const ID_RE = /^[a-z]{2,4}_[0-9A-HJKMNP-TV-Z]{26}$/;

export function isId(value: string, prefix: IdPrefix): boolean {
  return value.startsWith(`${prefix}_`) && ID_RE.test(value);
}

/** The creation time encoded in an id, in epoch milliseconds. */
export function idTime(id: string): number {
  const body = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 11);
  let t = 0;
  for (const c of body) t = t * 32 + ALPHABET.indexOf(c);
  return t;
}
