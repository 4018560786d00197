/**
 * Message authentication codes for ISO 8583 (DE64, or DE128 when the secondary bitmap is present).
 *
 * Convention: the MAC field is the last field of
 * the message, so the sender packs the message with the MAC field set to eight zero bytes and the
 * MAC covers every byte that precedes the MAC field (MTI, bitmaps and all other fields, no
 * transport header, no TPDU); the eight MAC bytes then replace the zeros in place. The receiver
 * recomputes over the same bytes. No re-pack is needed on either side, and the bitmap covered by
 * the MAC already says a MAC is present.
 *
 * Algorithms:
 * - `retail-3des`: ISO 9797-1 MAC Algorithm 3 (ANSI X9.19 retail MAC) with a double-length DES key
 *   K1||K2: single-DES CBC-MAC under K1, then decrypt with K2 and encrypt with K1 the last block.
 *   Padding method 1 (zeros, X9.19) by default, method 2 (0x80 then zeros) on request.
 * - `aes-cmac`: NIST SP 800-38B CMAC with an AES-128/192/256 key, truncated to the leftmost 8 bytes
 *   (DE64 and DE128 are 8 bytes; SP 800-38B allows 64-bit tags for this kind of use).
 */
import { createCipheriv, createDecipheriv, timingSafeEqual } from 'node:crypto';
import type { FieldMap } from './fields.js';

export type MacAlgorithm = 'retail-3des' | 'aes-cmac';

export interface MacConfig {
  algorithm: MacAlgorithm;
  /** Hex key: 32 hex digits (K1||K2) for retail-3des; 32, 48 or 64 for aes-cmac. */
  keyHex: string;
  /** ISO 9797-1 padding method for retail-3des; default 1. */
  padding?: 1 | 2;
}

export const MAC_BYTES = 8;
const ZERO_MAC_HEX = '0'.repeat(MAC_BYTES * 2);

export class MacError extends Error {
  override readonly name = 'MacError';
}

type Block = (b: Uint8Array) => Uint8Array;

/**
 * A reusable ECB block function. ECB without padding never holds bytes back, so one cipher object
 * serves every block of every message: creating a cipher costs far more than using one.
 */
const ecb = (name: string, key: Uint8Array, decrypt = false): Block => {
  const c = decrypt ? createDecipheriv(name, key, null) : createCipheriv(name, key, null);
  c.setAutoPadding(false);
  return (b) => c.update(b);
};

// Single DES is des-ede3 with K||K||K: OpenSSL 3 keeps plain DES in its legacy provider only.
const desBlock = (k8: Uint8Array, decrypt = false): Block => ecb('des-ede3', Buffer.concat([k8, k8, k8]), decrypt);

const pad = (data: Uint8Array, block: number, method: 1 | 2): Uint8Array => {
  const base = method === 2 ? data.length + 1 : data.length;
  const len = base === 0 ? block : Math.ceil(base / block) * block;
  const out = new Uint8Array(len);
  out.set(data);
  if (method === 2) out[data.length] = 0x80;
  return out;
};

/**
 * CBC-MAC with a zero IV over whole blocks, through one long-lived CBC cipher: the cipher's
 * chaining value after a message is its last output block, so XOR-ing that into the next
 * message's first block restarts the chain from a zero IV. One native call per message instead
 * of one per block, or one cipher created per message.
 */
const cbcMac = (name: string, key: Uint8Array, bs: number): ((padded: Uint8Array) => Uint8Array) => {
  const c = createCipheriv(name, key, new Uint8Array(bs));
  c.setAutoPadding(false);
  let chain: Uint8Array = new Uint8Array(bs);
  return (padded) => {
    const input = Uint8Array.from(padded);
    for (let j = 0; j < bs; j++) input[j] = (input[j] ?? 0) ^ (chain[j] ?? 0);
    const out = c.update(input);
    chain = Uint8Array.from(out.subarray(out.length - bs));
    return Uint8Array.from(chain);
  };
};

const retailKey = (key: Uint8Array): ((data: Uint8Array, padding: 1 | 2) => Uint8Array) => {
  if (key.length !== 16) throw new MacError('retail MAC needs a 16-byte key (K1||K2)');
  const k1 = key.subarray(0, 8);
  // Single DES is des-ede3 with K||K||K: OpenSSL 3 keeps plain DES in its legacy provider only.
  const cbc1 = cbcMac('des-ede3-cbc', Buffer.concat([k1, k1, k1]), 8);
  const e1 = desBlock(k1);
  const d2 = desBlock(key.subarray(8, 16), true);
  return (data, padding) => Uint8Array.from(e1(d2(cbc1(pad(data, 8, padding)))));
};

/** ISO 9797-1 MAC Algorithm 3 with DES (retail MAC); returns 8 bytes. */
export function retailMac(key: Uint8Array, data: Uint8Array, padding: 1 | 2 = 1): Uint8Array {
  return retailKey(key)(data, padding);
}

const aesBlock = (key: Uint8Array): Block => {
  const name = key.length === 16 ? 'aes-128-ecb' : key.length === 24 ? 'aes-192-ecb' : key.length === 32 ? 'aes-256-ecb' : '';
  if (name === '') throw new MacError('AES-CMAC needs a 16, 24 or 32-byte key');
  return ecb(name, key);
};

const shiftLeft = (b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = (((b[i] ?? 0) << 1) | ((b[i + 1] ?? 0) >> 7)) & 0xff;
  if (((b[0] ?? 0) & 0x80) !== 0) out[15] = (out[15] ?? 0) ^ 0x87;
  return out;
};

/** The CMAC of one key: its CBC chain and its two subkeys, derived once. */
const cmacKey = (key: Uint8Array): ((data: Uint8Array) => Uint8Array) => {
  const enc = aesBlock(key);
  const k1 = shiftLeft(enc(new Uint8Array(16)));
  const k2 = shiftLeft(k1);
  const cbc = cbcMac(`aes-${key.length * 8}-cbc`, key, 16);
  return (data) => {
    const complete = data.length > 0 && data.length % 16 === 0;
    const len = complete ? data.length : (Math.floor(data.length / 16) + 1) * 16;
    const m = new Uint8Array(len);
    m.set(data);
    if (!complete) m[data.length] = 0x80;
    const sub = complete ? k1 : k2;
    for (let j = 0; j < 16; j++) m[len - 16 + j] = (m[len - 16 + j] ?? 0) ^ (sub[j] ?? 0);
    return cbc(m);
  };
};

/** NIST SP 800-38B CMAC with AES; the full 16-byte tag. */
export function aesCmac(key: Uint8Array, data: Uint8Array): Uint8Array {
  return cmacKey(key)(data);
}

/** Signs and checks packed messages with one configured key. */
export interface MessageMac {
  readonly algorithm: MacAlgorithm;
  /** The fields with the MAC field (64, or 128 when any field above 64 is present) set to zeros. */
  withPlaceholder(fields: Readonly<FieldMap>): FieldMap;
  /** Writes the MAC over the bytes before the last 8 into the last 8 (the packed placeholder). */
  sign(message: Uint8Array): void;
  /** True when the message ends with a MAC field and the MAC over the bytes before it is right. */
  verify(message: Uint8Array, fields: Readonly<FieldMap>): boolean;
}

/** The MAC field a message uses: DE128 when the secondary bitmap is present, else DE64. */
export function macFieldOf(fields: Readonly<FieldMap>): '64' | '128' {
  for (const k of Object.keys(fields)) if (Number(k) > 64) return '128';
  return '64';
}

const parseKey = (hex: string): Uint8Array => {
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw new MacError('MAC key must be hex');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
};

export function createMessageMac(config: MacConfig): MessageMac {
  const key = parseKey(config.keyHex);
  let compute: (d: Uint8Array) => Uint8Array;
  if (config.algorithm === 'retail-3des') {
    const retail = retailKey(key);
    const padding = config.padding ?? 1;
    compute = (d) => retail(d, padding);
  } else {
    const cmac = cmacKey(key);
    compute = (d) => cmac(d).subarray(0, MAC_BYTES);
  }
  // Fail at configuration time, not on the first payment.
  compute(new Uint8Array(1));
  return {
    algorithm: config.algorithm,
    withPlaceholder(fields) {
      const out: FieldMap = { ...fields };
      delete out['64'];
      delete out['128'];
      out[macFieldOf(out)] = ZERO_MAC_HEX;
      return out;
    },
    sign(message) {
      if (message.length <= MAC_BYTES) throw new MacError('message too short to carry a MAC');
      const at = message.length - MAC_BYTES;
      // Packed from withPlaceholder(), the message ends with the eight zero bytes of the MAC field;
      // anything else means the dialect's MAC field is not 8 binary bytes at the end.
      if (message.subarray(at).some((b) => b !== 0)) throw new MacError('the MAC field must be the last field, 8 binary bytes of zeros before signing');
      message.set(compute(message.subarray(0, at)), at);
    },
    verify(message, fields) {
      const field = macFieldOf(fields);
      const value = fields[field];
      if (typeof value !== 'string' || message.length <= MAC_BYTES) return false;
      // The MAC field must be the last thing on the wire, else the bytes we check are not the MAC.
      const at = message.length - MAC_BYTES;
      if (Buffer.from(message.subarray(at)).toString('hex').toUpperCase() !== value.toUpperCase()) return false;
      return timingSafeEqual(compute(message.subarray(0, at)), message.subarray(at));
    },
  };
}
