/**
 * Message authentication codes for ISO 8583. Which messages carry one, in which field (DE64, DE128,
 * or DE128 when the secondary bitmap is present) and with which algorithm is the dialect's `mac`
 * spec (mac-spec.ts); the key comes from configuration.
 *
 * Convention: the MAC field is the last field of the message, so the sender packs the message with the MAC field set to eight zero bytes and the
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
import { createCipheriv, timingSafeEqual } from 'node:crypto';
import { desSchedule, retailMacDes } from './des.js';
import type { FieldMap } from './fields.js';
import { macCovers, type MacSpecDefinition } from './mac-spec.js';
import type { DialectDefinition } from './dialect-types.js';
import { networkProfile } from './network.js';

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
const ecb = (name: string, key: Uint8Array): Block => {
  const c = createCipheriv(name, key, null);
  c.setAutoPadding(false);
  return (b) => c.update(b);
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
  // `padded` belongs to the caller, who built it for this call: XOR-ing into it saves a copy.
  return (padded) => {
    for (let j = 0; j < bs; j++) padded[j] = (padded[j] ?? 0) ^ (chain[j] ?? 0);
    const out = c.update(padded);
    chain = Uint8Array.from(out.subarray(out.length - bs));
    return Uint8Array.from(chain);
  };
};

// Single DES in JavaScript (des.ts): a third of the native des-ede3 work and no native calls.
const retailKey = (key: Uint8Array): ((data: Uint8Array, padding: 1 | 2) => Uint8Array) => {
  if (key.length !== 16) throw new MacError('retail MAC needs a 16-byte key (K1||K2)');
  const k1 = desSchedule(key.subarray(0, 8));
  const k2 = desSchedule(key.subarray(8, 16));
  return (data, padding) => retailMacDes(k1, k2, data, padding);
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
  /** Whether this message carries a MAC (the dialect's `mac.messages`; without one, all but x8xx). */
  covers(fields: Readonly<FieldMap>): boolean;
  /** The fields with the MAC field (the dialect's `mac.field`; by default 64, or 128 when any field above 64 is present) set to zeros. */
  withPlaceholder(fields: Readonly<FieldMap>): FieldMap;
  /** Writes the MAC over the bytes before the last 8 into the last 8 (the packed placeholder). */
  sign(message: Uint8Array): void;
  /** True when the message ends with a MAC field and the MAC over the bytes before it is right. */
  verify(message: Uint8Array, fields: Readonly<FieldMap>): boolean;
}

/** The MAC field a message uses: DE128 when the secondary bitmap is present, else DE64. */
export function macFieldOf(fields: Readonly<FieldMap>): '64' | '128' {
  // Field numbers are integer-like keys, which enumerate in ascending order: the last one decides.
  let last = '';
  for (const k in fields) last = k;
  return last.length > 1 && Number(last) > 64 ? '128' : '64';
}

const nibble = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);

/** Whether `hex` spells exactly the bytes of `bytes` from `at` to the end (any case), without a hex copy. */
const sameHex = (hex: string, bytes: Uint8Array, at: number): boolean => {
  if (hex.length !== (bytes.length - at) * 2) return false;
  for (let i = 0; i < hex.length; i += 2) {
    const hi = nibble(hex.charCodeAt(i));
    const lo = nibble(hex.charCodeAt(i + 1));
    if (hi < 0 || lo < 0 || ((hi << 4) | lo) !== bytes[at + i / 2]) return false;
  }
  return true;
};

const parseKey = (hex: string): Uint8Array => {
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw new MacError('MAC key must be hex');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
};

/** Where the MAC goes and which messages carry one; the default is what demo-card always did. */
export interface MacPlacement {
  field: '64' | '128' | '64-or-128';
  messages: readonly string[];
  networkCodes?: readonly string[];
  /** The field holding a network message's function code: DE70 (1987, the default) or DE24 (1993). */
  networkCodeField?: string;
}

// Every message but network management (x8xx, which macCovers leaves to networkCodes).
const DEFAULT_PLACEMENT: MacPlacement = { field: '64-or-128', messages: ['xxxx'] };

export function createMessageMac(config: MacConfig, placement: MacPlacement = DEFAULT_PLACEMENT): MessageMac {
  const key = parseKey(config.keyHex);
  const fieldOf = (fields: Readonly<FieldMap>): '64' | '128' => (placement.field === '64-or-128' ? macFieldOf(fields) : placement.field);
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
    covers: (fields) => macCovers(placement, fields, placement.networkCodeField),
    withPlaceholder(fields) {
      // Copied key by key rather than spread-then-delete: `delete` turns the object into a slow
      // dictionary that the codec then walks on every pack.
      const out: FieldMap = {};
      for (const k in fields) {
        if (k === '64' || k === '128') continue;
        const v = fields[k];
        if (v !== undefined) out[k] = v;
      }
      out[fieldOf(out)] = ZERO_MAC_HEX;
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
      const field = fieldOf(fields);
      const value = fields[field];
      if (typeof value !== 'string' || message.length <= MAC_BYTES) return false;
      // The MAC field must be the last thing on the wire, else the bytes we check are not the MAC.
      const at = message.length - MAC_BYTES;
      if (!sameHex(value, message, at)) return false;
      return timingSafeEqual(compute(message.subarray(0, at)), message.subarray(at));
    },
  };
}

/**
 * The MAC a link uses. With a dialect that has a `mac` spec, the spec decides messages, field and
 * algorithm, and its key name is looked up in `keys` (configuration: name -> hex), else the key of
 * `config`, which must then name the same algorithm. A dialect without a spec keeps the older
 * configuration-only behaviour: `config` (if any) on every message but x8xx.
 */
export function createDialectMac(
  dialect: { readonly definition: Pick<DialectDefinition, 'mac' | 'version' | 'network'> },
  keys: Readonly<Record<string, string>>,
  config?: MacConfig,
): MessageMac | undefined {
  const spec = dialect.definition.mac;
  if (spec === undefined) return config ? createMessageMac(config) : undefined;
  if (config && config.algorithm !== spec.algorithm) throw new MacError(`the configured MAC algorithm ${config.algorithm} is not the dialect's ${spec.algorithm}`);
  const keyHex = keys[spec.key] ?? config?.keyHex;
  if (keyHex === undefined) throw new MacError(`the dialect's MAC key "${spec.key}" is not in the configuration`);
  return createMessageMac(
    { algorithm: spec.algorithm, keyHex, ...(spec.padding !== undefined ? { padding: spec.padding } : {}) },
    {
      field: spec.field,
      messages: spec.messages,
      networkCodeField: networkProfile(dialect.definition).codeField,
      ...(spec.networkCodes ? { networkCodes: spec.networkCodes } : {}),
    },
  );
}
