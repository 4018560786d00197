/**
 * Random valid field maps for any dialect, driven by the dialect document itself, plus frame
 * mutators. Shared by the round-trip property test, the fuzz test and bench/iso8583-fuzz.ts.
 */
import { createDialect, type Dialect, type DialectDefinition, type FieldDefinition, type FieldMap } from '../../src/iso8583/index.js';

/** An all-EBCDIC copy of a dialect (MTI, hex bitmap, prefixes and text), to cover that path too. */
export const ebcdicVariant = (base: DialectDefinition, page: 'cp037' | 'cp1047'): Dialect =>
  createDialect({
    ...base,
    name: `${base.name}-ebcdic-${page}`,
    ebcdicCodePage: page,
    mti: { encoding: 'ebcdic' },
    bitmap: { encoding: 'ebcdic-hex' },
    fields: Object.fromEntries(
      Object.entries(base.fields).map(([k, f]) => [
        k,
        f.type === 'b' || f.composite !== undefined
          ? f
          : { ...f, encoding: 'ebcdic', ...(f.prefix ? { prefix: { ...f.prefix, encoding: 'ebcdic' } } : {}) },
      ]),
    ),
  });

/** Small, fast, seedable PRNG (mulberry32) so a failing case can be replayed from its seed. */
export const rng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

const DIGITS = '0123456789';
const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ';
const ALNUM = `${ALPHA}${DIGITS}`;
let PRINTABLE = '';
for (let c = 0x20; c < 0x7f; c++) PRINTABLE += String.fromCharCode(c);
const NS = [...PRINTABLE].filter((c) => !/[A-Za-z]/.test(c)).join('');
const HEX = '0123456789ABCDEF';

const chars = (r: Rand, alphabet: string, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
};

/** Variable lengths are kept short so frames stay small; the maximum is still hit sometimes. */
const varLength = (r: Rand, max: number): number => (r() < 0.05 ? Math.min(max, 300) : int(r, 0, Math.min(max, 40)));

const plainValue = (r: Rand, def: FieldDefinition): string => {
  const units = def.prefix === undefined ? def.length : varLength(r, def.length);
  switch (def.type) {
    case 'n':
      return chars(r, DIGITS, units);
    case 'z':
      return def.encoding === 'bcd' ? chars(r, `${DIGITS}D`, units) : chars(r, `${DIGITS}=D`, units);
    case 'a':
      return chars(r, ALPHA, units);
    case 'an':
      return chars(r, ALNUM, units);
    case 'ans':
      return chars(r, PRINTABLE, units);
    case 'ns':
      return chars(r, NS, units);
    case 'x+n':
      return pick(r, ['C', 'D']) + chars(r, DIGITS, units);
    default:
      return chars(r, HEX, units * 2);
  }
};

const TAGS = ['82', '84', '95', '9A', '9C', '5A', '57', '5F2A', '5F34', '9F02', '9F03', '9F10', '9F1A', '9F26', '9F27', '9F36', '9F37', 'DF01', 'DF8101', '71', '91', 'BF0C', '1F20'];

const tlvValue = (r: Rand, maxBytes: number): FieldMap => {
  const out: FieldMap = {};
  let used = 0;
  const n = int(r, 0, 8);
  for (let i = 0; i < n; i++) {
    const tag = pick(r, TAGS);
    if (tag in out) continue;
    const len = r() < 0.05 ? int(r, 128, 200) : int(r, 0, 16);
    const cost = tag.length / 2 + (len < 128 ? 1 : 2) + len;
    if (used + cost > maxBytes) break;
    used += cost;
    out[tag] = chars(r, HEX, len * 2);
  }
  return out;
};

export const fieldValue = (r: Rand, def: FieldDefinition): string | FieldMap => {
  const c = def.composite;
  if (c === undefined) return plainValue(r, def);
  if (c.kind === 'tlv') return tlvValue(r, def.length);
  if (c.flat === true) return Object.values(c.subfields ?? {}).map((sd) => plainValue(r, sd)).join('');
  const out: FieldMap = {};
  for (const [k, sd] of Object.entries(c.subfields ?? {})) {
    if (c.kind === 'positional' || r() < 0.4) out[k] = fieldValue(r, sd);
  }
  return out;
};

const MTIS = ['100', '110', '200', '210', '220', '400', '410', '420', '800', '810'];

/** A random valid message for the dialect (each defined field present with probability `density`). */
export const randomFields = (r: Rand, def: DialectDefinition, density = 0.15): FieldMap => {
  const version = def.version === '1987' ? '0' : def.version === '1993' ? '1' : '2';
  const out: FieldMap = { '0': version + pick(r, MTIS) };
  for (const [k, fd] of Object.entries(def.fields)) {
    if (r() < density) out[k] = fieldValue(r, fd);
  }
  return out;
};

/** Byte offsets and widths of the length prefixes of the top-level variable fields of a frame. */
export const prefixSites = (d: Dialect, fields: FieldMap, frameLength: number): Array<{ at: number; width: number }> => {
  const keys = Object.keys(fields).filter((k) => k !== '0').sort((a, b) => Number(a) - Number(b));
  const sites: Array<{ at: number; width: number }> = [];
  // Packing the fields after k alone gives the length of the tail that follows field k's start.
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? '';
    const def = d.definition.fields[key];
    if (def?.prefix === undefined) continue;
    const prefix = { '0': fields['0'] ?? '0100' } as FieldMap;
    const rest = { ...prefix };
    for (const k of keys.slice(i)) rest[k] = fields[k] as string | FieldMap;
    const head = { ...prefix };
    const headLen = d.pack(head).length; // MTI + primary bitmap
    const tailLen = d.pack(rest).length - headLen - bitmapExtra(d, rest);
    const at = frameLength - tailLen;
    const t = def.prefix.type.length;
    const width = def.prefix.encoding === 'bcd' ? (t + 1) >> 1 : t;
    sites.push({ at, width });
  }
  return sites;
};

/** Bytes the secondary/tertiary bitmaps add to a frame of these fields. */
const bitmapExtra = (d: Dialect, f: FieldMap): number => {
  const max = Math.max(0, ...Object.keys(f).map(Number));
  const block = d.definition.bitmap.encoding === 'binary' ? 8 : 16;
  return (max > 128 ? 2 : max > 64 ? 1 : 0) * block;
};

export type Mutation = 'flip' | 'truncate' | 'extend' | 'prefix' | 'byte' | 'random';

/** A mutated copy of `frame`. */
export const mutate = (r: Rand, frame: Uint8Array, kind: Mutation, sites: ReadonlyArray<{ at: number; width: number }>): Uint8Array => {
  const b = Buffer.from(frame);
  switch (kind) {
    case 'flip': {
      const n = int(r, 1, 4);
      for (let i = 0; i < n && b.length > 0; i++) {
        const at = int(r, 0, b.length - 1);
        b[at] = (b[at] ?? 0) ^ (1 << int(r, 0, 7));
      }
      return b;
    }
    case 'truncate':
      return b.subarray(0, int(r, 0, Math.max(0, b.length - 1)));
    case 'extend': {
      const extra = Buffer.alloc(int(r, 1, 24));
      for (let i = 0; i < extra.length; i++) extra[i] = int(r, 0, 255);
      return Buffer.concat([b, extra]);
    }
    case 'prefix': {
      const site = sites.length > 0 ? pick(r, sites) : { at: int(r, 0, Math.max(0, b.length - 1)), width: 2 };
      for (let i = 0; i < site.width && site.at + i < b.length; i++) {
        const choice = r();
        // Max digits, a nearby value, or arbitrary bytes: each reaches a different check.
        b[site.at + i] = choice < 0.3 ? 0x39 : choice < 0.5 ? 0x99 : choice < 0.7 ? (b[site.at + i] ?? 0) + pick(r, [1, -1, 2]) : int(r, 0, 255);
      }
      return b;
    }
    case 'byte': {
      if (b.length > 0) b[int(r, 0, b.length - 1)] = int(r, 0, 255);
      return b;
    }
    default: {
      const n = int(r, 0, 200);
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) out[i] = int(r, 0, 255);
      // Half the random frames start with a valid MTI so they get past the first check.
      if (r() < 0.5 && n >= 4) out.write(pick(r, ['0200', '0100', '0800']), 0, 'latin1');
      return out;
    }
  }
};
