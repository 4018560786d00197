/**
 * BER-TLV as used by EMV in DE55: multi-byte tags and lengths, constructed tags kept as opaque
 * values. Every tag is kept, known or not. The wire order is remembered for each decoded object so
 * that packing it again gives the same bytes (a JS object lists integer-like keys such as "82"
 * before others, whatever the insertion order).
 */
import { Iso8583Error, subPath } from './errors.js';
import type { FieldMap } from './fields.js';
import { firstNonHex, toHex } from './hex.js';
import type { Reader, Writer } from './wire.js';

const wireOrder = new WeakMap<object, readonly string[]>();

/** Records the intended tag order of a TLV object (used by the JSON reader to keep text order). */
export const rememberTagOrder = (obj: object, keys: readonly string[]): void => {
  wireOrder.set(obj, keys);
};

/** Tag bytes of a well-formed BER tag in upper-case hex, or -1. */
const tagLength = (tag: string): number => {
  const n = tag.length;
  if (n < 2 || n > 8 || (n & 1) === 1 || firstNonHex(tag) >= 0) return -1;
  const first = parseInt(tag.slice(0, 2), 16);
  if (first === 0) return -1;
  if ((first & 0x1f) !== 0x1f) return n === 2 ? 1 : -1;
  if (n < 4) return -1; // low bits 11111 announce subsequent tag bytes
  for (let i = 2; i < n; i += 2) {
    const b = parseInt(tag.slice(i, i + 2), 16);
    const last = i === n - 2;
    if (i === 2 && b === 0x80) return -1; // X.690: no leading zero groups
    if (last === ((b & 0x80) !== 0)) return -1;
  }
  return n >> 1;
};

/** The order in which `encodeTlv` writes the tags of `v`: the remembered one if still valid. */
export const tagOrder = (v: Readonly<Record<string, unknown>>): readonly string[] => {
  const keys = Object.keys(v);
  const remembered = wireOrder.get(v);
  if (remembered !== undefined && remembered.length === keys.length && remembered.every((k) => Object.hasOwn(v, k))) {
    return remembered;
  }
  return keys;
};

/** Writes the TLV content of `v` (no field prefix). */
export const encodeTlv = (w: Writer, v: Readonly<Record<string, unknown>>, path: string): void => {
  for (const tag of tagOrder(v)) {
    const value = v[tag];
    if (value === undefined) continue;
    const at = w.pos;
    const tl = tagLength(tag);
    if (tl < 0) throw new Iso8583Error('INVALID_TLV', subPath(path, tag), at, 'tag is not a well-formed BER tag in upper-case hex');
    if (typeof value !== 'string') throw new Iso8583Error('INVALID_VALUE_TYPE', subPath(path, tag), at, 'TLV value must be a hex string');
    if ((value.length & 1) === 1 || firstNonHex(value) >= 0) {
      throw new Iso8583Error('INVALID_HEX', subPath(path, tag), at, 'TLV value must be upper-case hex with an even number of digits');
    }
    const len = value.length >> 1;
    if (len > 0xffffff) throw new Iso8583Error('LENGTH_EXCEEDS_MAX', subPath(path, tag), at, 'TLV value longer than 3-byte BER length');
    const ll = len < 0x80 ? 1 : len <= 0xff ? 2 : len <= 0xffff ? 3 : 4;
    w.ensure(tl + ll + len);
    const b = w.buf;
    b.write(tag, at, tl, 'hex');
    let p = at + tl;
    if (ll === 1) b[p++] = len;
    else {
      b[p++] = 0x80 | (ll - 1);
      for (let i = ll - 2; i >= 0; i--) b[p++] = (len >> (8 * i)) & 0xff;
    }
    b.write(value, p, len, 'hex');
    w.pos = p + len;
  }
};

/** Reads TLVs from `r.pos` to `r.end`. */
export const decodeTlv = (r: Reader, path: string): FieldMap => {
  const out: FieldMap = {};
  const order: string[] = [];
  const b = r.buf;
  const end = r.end;
  let p = r.pos;
  while (p < end) {
    const at = p;
    const first = b[p] ?? 0;
    if (first === 0x00) throw new Iso8583Error('INVALID_TLV', path, at, 'tag byte 00 (padding is not supported)');
    let tl = 1;
    if ((first & 0x1f) === 0x1f) {
      for (;;) {
        if (at + tl >= end) throw new Iso8583Error('TRUNCATED', path, at, 'TLV tag runs past the field');
        const nb = b[at + tl] ?? 0;
        if (tl === 1 && nb === 0x80) throw new Iso8583Error('INVALID_TLV', path, at, 'tag has a leading zero group');
        tl++;
        if ((nb & 0x80) === 0) break;
        if (tl === 4) throw new Iso8583Error('INVALID_TLV', path, at, 'tag longer than 4 bytes');
      }
    }
    const tag = toHex(b, at, at + tl);
    const tagPath = subPath(path, tag);
    p = at + tl;
    if (p >= end) throw new Iso8583Error('TRUNCATED', tagPath, at, 'TLV length missing');
    let len = b[p++] ?? 0;
    if (len >= 0x80) {
      const ll = len & 0x7f;
      if (ll === 0 || ll > 3) throw new Iso8583Error('INVALID_TLV', tagPath, p - 1, 'unsupported BER length form');
      if (p + ll > end) throw new Iso8583Error('TRUNCATED', tagPath, p - 1, 'TLV length runs past the field');
      len = 0;
      for (let i = 0; i < ll; i++) len = len * 256 + (b[p++] ?? 0);
      // Only the shortest length form re-encodes to the same bytes.
      const minimal = ll === 1 ? len >= 0x80 : len >= 256 ** (ll - 1);
      if (!minimal) throw new Iso8583Error('INVALID_TLV', tagPath, at + tl, 'BER length not in its shortest form');
    }
    if (p + len > end) throw new Iso8583Error('TRUNCATED', tagPath, at, `TLV declares ${len} bytes, ${end - p} remain`);
    if (Object.hasOwn(out, tag)) throw new Iso8583Error('DUPLICATE_TAG', tagPath, at, 'tag appears twice');
    out[tag] = toHex(b, p, p + len);
    order.push(tag);
    p += len;
  }
  r.pos = p;
  wireOrder.set(out, order);
  return out;
};

