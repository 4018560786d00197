/**
 * Plain (non-composite) fields: value checks, length prefix and body for each encoding. This is the
 * hot path: no allocation besides the decoded string, and ASCII goes through Node's latin1 fast path.
 */
import { readBcd, writeBcd } from './bcd.js';
import { firstInvalidByte, firstInvalidChar } from './charset.js';
import { Enc, wireBytes, type CompiledField } from './compile.js';
import { writeEbcdic } from './ebcdic.js';
import { Iso8583Error } from './errors.js';
import { firstNonHex, firstNonHexByte, toHex } from './hex.js';
import { readPrefix, writePrefix } from './prefix.js';
import type { Reader, Writer } from './wire.js';

/** Up to this length a decoded string is built char by char (measured faster than latin1Slice). */
const SHORT_STRING = 8;
const SIGN_C = 0x43;
const SIGN_D = 0x44;

const checkText = (f: CompiledField, v: string, at: number, path: string): void => {
  let from = 0;
  if (f.isXn) {
    const s = v.charCodeAt(0);
    if (s !== SIGN_C && s !== SIGN_D) throw new Iso8583Error('INVALID_CHARACTER', path, at, 'x+n value must start with C or D');
    from = 1;
  }
  const bad = firstInvalidChar(f.allowed, v, from);
  if (bad >= 0) throw new Iso8583Error('INVALID_CHARACTER', path, at, `character ${bad} is not allowed in a ${f.type} field`);
};

const checkUnits = (f: CompiledField, units: number, at: number, path: string): void => {
  if (f.fixed) {
    if (units !== f.length) throw new Iso8583Error('LENGTH_MISMATCH', path, at, `length ${units}, fixed length is ${f.length}`);
  } else if (units > f.length) {
    throw new Iso8583Error('LENGTH_EXCEEDS_MAX', path, at, `length ${units} exceeds the maximum ${f.length}`);
  }
};

/** ASCII text: check and copy in one pass (cheaper than a check then a latin1Write call). */
const encodeAscii = (w: Writer, f: CompiledField, v: string, path: string): void => {
  const at = w.pos;
  const len = v.length;
  checkUnits(f, len, at, path);
  w.ensure(f.prefixWidth + len);
  let pos = at;
  if (!f.fixed) {
    writePrefix(f, w.buf, at, len);
    pos += f.prefixWidth;
  }
  const buf = w.buf;
  const allowed = f.allowed;
  for (let i = 0; i < len; i++) {
    const c = v.charCodeAt(i);
    if (c > 127 || allowed[c] !== 1) {
      throw new Iso8583Error('INVALID_CHARACTER', path, at, `character ${i} is not allowed in a ${f.type} field`);
    }
    buf[pos + i] = c;
  }
  w.pos = pos + len;
};

export const encodePlain = (w: Writer, f: CompiledField, v: string, path: string): void => {
  if (f.enc === Enc.Ascii && !f.isXn) {
    encodeAscii(w, f, v, path);
    return;
  }
  const at = w.pos;
  const len = v.length;
  let units: number;
  if (f.enc === Enc.Binary || f.enc === Enc.Hex) {
    if ((len & 1) === 1) throw new Iso8583Error('INVALID_HEX', path, at, 'hex value has an odd number of digits');
    const bad = firstNonHex(v);
    if (bad >= 0) throw new Iso8583Error('INVALID_HEX', path, at, `character ${bad} is not upper-case hex`);
    units = len >> 1;
  } else {
    if (f.isXn && len === 0) throw new Iso8583Error('INVALID_CHARACTER', path, at, 'x+n value must start with C or D');
    if (f.enc !== Enc.Bcd || f.isXn) checkText(f, v, at, path);
    units = f.isXn ? len - 1 : len;
  }
  checkUnits(f, units, at, path);
  const wire = wireBytes(f, units);
  w.ensure(f.prefixWidth + wire);
  if (!f.fixed) {
    writePrefix(f, w.buf, at, f.countsBytes ? wire : units);
    w.pos = at + f.prefixWidth;
  }
  const buf = w.buf;
  const pos = w.pos;
  switch (f.enc) {
    case Enc.Ascii:
    case Enc.Hex:
      buf.latin1Write(v, pos, len);
      break;
    case Enc.Ebcdic: {
      const bad = writeEbcdic(f.ebcdic, v, buf, pos);
      if (bad >= 0) throw new Iso8583Error('INVALID_CHARACTER', path, at, `character ${bad} has no EBCDIC mapping`);
      break;
    }
    case Enc.Binary:
      buf.write(v, pos, len >> 1, 'hex');
      break;
    default: {
      let o = pos;
      let digits = v;
      if (f.isXn) {
        buf[o++] = v.charCodeAt(0);
        digits = v.slice(1);
      }
      const bad = writeBcd(digits, buf, o, f.bcdLeft, f.padNibble, f.allowD);
      if (bad >= 0) throw new Iso8583Error('INVALID_BCD', path, at, `character ${bad + (f.isXn ? 1 : 0)} cannot be BCD-encoded`);
    }
  }
  w.pos = pos + wire;
};

/** Units of a variable field whose prefix counted wire bytes. */
const unitsFromWire = (f: CompiledField, r: Reader, n: number, path: string): number => {
  switch (f.enc) {
    case Enc.Hex:
      if ((n & 1) === 1) throw new Iso8583Error('INVALID_LENGTH_PREFIX', path, r.pos, 'hex field with an odd byte count');
      return n >> 1;
    case Enc.Bcd: {
      if (n === 0) return 0;
      // The pad nibble (F) tells an odd digit count from an even one.
      const edge = f.bcdLeft ? (r.buf[r.pos + n - 1] ?? 0) & 0xf : (r.buf[r.pos] ?? 0) >> 4;
      return edge === f.padNibble ? 2 * n - 1 : 2 * n;
    }
    default:
      return n;
  }
};

/** ASCII text, the common case: prefix, bounds, one check pass, then Node's latin1 slice. */
const decodeAscii = (r: Reader, f: CompiledField, path: string): string => {
  const at = r.pos;
  let len = f.length;
  if (!f.fixed) {
    len = readPrefix(f, r, path);
    if (len > f.length) throw new Iso8583Error('LENGTH_EXCEEDS_MAX', path, at, `length ${len} exceeds the maximum ${f.length}`);
  }
  const start = r.pos;
  const end = start + len;
  if (end > r.end) throw new Iso8583Error('TRUNCATED', path, at, `field needs ${len} bytes, ${r.end - start} remain`);
  const b = r.buf;
  const allowed = f.allowed;
  // Short values: building the string in the check loop beats the fixed cost of a native slice
  // call, and V8 keeps strings this short flat.
  if (len <= SHORT_STRING) {
    let v = '';
    for (let i = start; i < end; i++) {
      const c = b[i] ?? 0xff;
      if (c > 127 || allowed[c] !== 1) throw new Iso8583Error('INVALID_CHARACTER', path, i, `byte not allowed in a ${f.type} field`);
      v += String.fromCharCode(c);
    }
    r.pos = end;
    return v;
  }
  for (let i = start; i < end; i++) {
    const c = b[i] ?? 0xff;
    if (c > 127 || allowed[c] !== 1) throw new Iso8583Error('INVALID_CHARACTER', path, i, `byte not allowed in a ${f.type} field`);
  }
  r.pos = end;
  return b.latin1Slice(start, end);
};

export const decodePlain = (r: Reader, f: CompiledField, path: string): string => {
  if (f.enc === Enc.Ascii && !f.isXn) return decodeAscii(r, f, path);
  const at = r.pos;
  let units: number;
  let wire: number;
  if (f.fixed) {
    units = f.length;
    wire = wireBytes(f, units);
  } else {
    const n = readPrefix(f, r, path);
    if (f.countsBytes) {
      wire = n;
      if (r.pos + wire > r.end) throw new Iso8583Error('TRUNCATED', path, at, `field declares ${wire} bytes, ${r.end - r.pos} remain`);
      units = unitsFromWire(f, r, n, path);
    } else {
      units = n;
      wire = wireBytes(f, units);
    }
    if (units > f.length) throw new Iso8583Error('LENGTH_EXCEEDS_MAX', path, at, `length ${units} exceeds the maximum ${f.length}`);
  }
  const start = r.pos;
  const end = start + wire;
  if (end > r.end) throw new Iso8583Error('TRUNCATED', path, at, `field needs ${wire} bytes, ${r.end - start} remain`);
  const b = r.buf;
  let v: string;
  switch (f.enc) {
    case Enc.Ascii: {
      let from = start;
      if (f.isXn) {
        const s = b[start];
        if (s !== SIGN_C && s !== SIGN_D) throw new Iso8583Error('INVALID_CHARACTER', path, start, 'x+n value must start with C or D');
        from++;
      }
      const bad = firstInvalidByte(f.allowed, b, from, end);
      if (bad >= 0) throw new Iso8583Error('INVALID_CHARACTER', path, bad, `byte not allowed in a ${f.type} field`);
      v = b.latin1Slice(start, end);
      break;
    }
    case Enc.Ebcdic: {
      const t = f.ebcdic.toAscii;
      v = '';
      for (let i = start; i < end; i++) {
        const c = t[b[i] ?? 0] ?? 0;
        const ok = f.isXn && i === start ? c === SIGN_C || c === SIGN_D : c !== 0 && f.allowed[c] === 1;
        if (!ok) throw new Iso8583Error('INVALID_CHARACTER', path, i, `byte not allowed in a ${f.type} field`);
        v += String.fromCharCode(c);
      }
      break;
    }
    case Enc.Binary:
      v = toHex(b, start, end);
      break;
    case Enc.Hex: {
      const bad = firstNonHexByte(b, start, end);
      if (bad >= 0) throw new Iso8583Error('INVALID_HEX', path, bad, 'byte is not upper-case hex');
      v = b.latin1Slice(start, end);
      break;
    }
    default: {
      let from = start;
      let sign = '';
      if (f.isXn) {
        const s = b[start];
        if (s !== SIGN_C && s !== SIGN_D) throw new Iso8583Error('INVALID_CHARACTER', path, start, 'x+n value must start with C or D');
        sign = s === SIGN_C ? 'C' : 'D';
        from++;
      }
      const digits = readBcd(b, from, units, f.bcdLeft, f.padNibble, f.allowD);
      if (typeof digits === 'number') throw new Iso8583Error('INVALID_BCD', path, digits, 'invalid BCD digit or pad nibble');
      v = sign + digits;
    }
  }
  r.pos = end;
  return v;
};
