/**
 * Subfield containers: a private bitmap followed by the subfields it flags (DE127 style), and
 * positional subfields that are all present, in number order. Subfields are ordinary field specs,
 * so they nest; the field codec is passed in to keep the module graph acyclic.
 */
import type { CompiledField } from './compile.js';
import { Iso8583Error, subPath } from './errors.js';
import type { FieldMap, FieldValue } from './fields.js';
import type { Reader, Writer } from './wire.js';

export type EncodeFn = (w: Writer, f: CompiledField, v: unknown, path: string) => void;
export type DecodeFn = (r: Reader, f: CompiledField, path: string) => FieldValue;

const checkKeys = (f: CompiledField, v: Readonly<Record<string, unknown>>, path: string, at: number): void => {
  for (const k in v) {
    if (v[k] !== undefined && !f.subByKey.has(k)) {
      throw new Iso8583Error('UNKNOWN_FIELD', subPath(path, k), at, 'subfield not defined by the dialect');
    }
  }
};

export const encodeBitmapped = (w: Writer, f: CompiledField, v: Readonly<Record<string, unknown>>, path: string, enc: EncodeFn): void => {
  const at = w.pos;
  checkKeys(f, v, path, at);
  const n = f.bitmapBytes;
  w.ensure(n);
  w.buf.fill(0, at, at + n);
  for (const sf of f.subList) {
    if (v[sf.key] === undefined) continue;
    const i = at + ((sf.num - 1) >> 3);
    w.buf[i] = (w.buf[i] ?? 0) | (0x80 >> ((sf.num - 1) & 7));
  }
  w.pos = at + n;
  for (const sf of f.subList) {
    const sv = v[sf.key];
    if (sv !== undefined) enc(w, sf, sv, subPath(path, sf.key));
  }
};

export const decodeBitmapped = (r: Reader, f: CompiledField, path: string, dec: DecodeFn): FieldMap => {
  const at = r.pos;
  const n = f.bitmapBytes;
  if (at + n > r.end) throw new Iso8583Error('TRUNCATED', path, at, `private bitmap needs ${n} bytes`);
  r.pos = at + n;
  const out: FieldMap = {};
  for (let byte = 0; byte < n; byte++) {
    const bits = r.buf[at + byte] ?? 0;
    if (bits === 0) continue;
    for (let bit = 0; bit < 8; bit++) {
      if ((bits & (0x80 >> bit)) === 0) continue;
      const num = byte * 8 + bit + 1;
      const sf = f.subByNum[num];
      if (sf === undefined) throw new Iso8583Error('UNKNOWN_FIELD', subPath(path, String(num)), at + byte, 'private bitmap flags an undefined subfield');
      out[sf.key] = dec(r, sf, subPath(path, sf.key));
    }
  }
  return out;
};

export const encodePositional = (w: Writer, f: CompiledField, v: Readonly<Record<string, unknown>>, path: string, enc: EncodeFn): void => {
  checkKeys(f, v, path, w.pos);
  for (const sf of f.subList) {
    const sv = v[sf.key];
    if (sv === undefined) throw new Iso8583Error('MISSING_SUBFIELD', subPath(path, sf.key), w.pos, 'positional subfield is required');
    enc(w, sf, sv, subPath(path, sf.key));
  }
};

export const decodePositional = (r: Reader, f: CompiledField, path: string, dec: DecodeFn): FieldValue => {
  if (f.flatWidths !== undefined) {
    let s = '';
    for (const sf of f.subList) s += dec(r, sf, subPath(path, sf.key)) as string;
    return s;
  }
  const out: FieldMap = {};
  for (const sf of f.subList) out[sf.key] = dec(r, sf, subPath(path, sf.key));
  return out;
};

/** A flat positional value: cut at the subfield widths, each piece checked as its subfield. */
export const encodeFlatPositional = (w: Writer, f: CompiledField, v: string, widths: readonly number[], path: string, enc: EncodeFn): void => {
  const total = widths.reduce((a, b) => a + b, 0);
  if (v.length !== total) throw new Iso8583Error('LENGTH_MISMATCH', path, w.pos, `length ${v.length}, the subfields add up to ${total}`);
  let at = 0;
  f.subList.forEach((sf, i) => {
    const width = widths[i] ?? 0;
    enc(w, sf, v.slice(at, at + width), subPath(path, sf.key));
    at += width;
  });
};
