/**
 * One field of any kind: plain fields go straight to plain.ts; composite fields get their length
 * prefix reserved, their content written, then the prefix filled in, so no intermediate buffer is
 * built. Decoding narrows the reader to the field's declared content and requires it consumed.
 */
import { Kind, type CompiledField } from './compile.js';
import { decodeBitmapped, decodePositional, encodeBitmapped, encodeFlatPositional, encodePositional } from './composite.js';
import { Iso8583Error } from './errors.js';
import { isFieldObject, type FieldValue } from './fields.js';
import { decodePlain, encodePlain } from './plain.js';
import { readPrefix, writePrefix } from './prefix.js';
import { decodeTlv, encodeTlv } from './tlv.js';
import type { Reader, Writer } from './wire.js';

export const encodeField = (w: Writer, f: CompiledField, v: unknown, path: string): void => {
  if (f.kind === Kind.Plain) {
    if (typeof v !== 'string') throw new Iso8583Error('INVALID_VALUE_TYPE', path, w.pos, 'value must be a string');
    encodePlain(w, f, v, path);
    return;
  }
  const flat = f.flatWidths;
  if (flat !== undefined) {
    if (typeof v !== 'string') throw new Iso8583Error('INVALID_VALUE_TYPE', path, w.pos, 'flat positional value must be a string');
  } else if (!isFieldObject(v)) {
    throw new Iso8583Error('INVALID_VALUE_TYPE', path, w.pos, 'composite value must be an object');
  }
  const at = w.pos;
  w.ensure(f.prefixWidth);
  w.pos = at + f.prefixWidth;
  const start = w.pos;
  if (typeof v === 'string') encodeFlatPositional(w, f, v, flat ?? [], path, encodeField);
  else if (f.kind === Kind.Tlv) encodeTlv(w, v, path);
  else if (f.kind === Kind.Bitmap) encodeBitmapped(w, f, v, path, encodeField);
  else encodePositional(w, f, v, path, encodeField);
  const n = w.pos - start;
  if (f.fixed) {
    if (n !== f.length) throw new Iso8583Error('LENGTH_MISMATCH', path, at, `content is ${n} bytes, fixed length is ${f.length}`);
  } else {
    if (n > f.length) throw new Iso8583Error('LENGTH_EXCEEDS_MAX', path, at, `content is ${n} bytes, maximum is ${f.length}`);
    writePrefix(f, w.buf, at, n);
  }
};

export const decodeField = (r: Reader, f: CompiledField, path: string): FieldValue => {
  if (f.kind === Kind.Plain) return decodePlain(r, f, path);
  const at = r.pos;
  let n = f.length;
  if (!f.fixed) {
    n = readPrefix(f, r, path);
    if (n > f.length) throw new Iso8583Error('LENGTH_EXCEEDS_MAX', path, at, `content is ${n} bytes, maximum is ${f.length}`);
  }
  const outerEnd = r.end;
  const end = r.pos + n;
  if (end > outerEnd) throw new Iso8583Error('TRUNCATED', path, at, `field declares ${n} bytes, ${outerEnd - r.pos} remain`);
  r.end = end;
  const v =
    f.kind === Kind.Tlv
      ? decodeTlv(r, path)
      : f.kind === Kind.Bitmap
        ? decodeBitmapped(r, f, path, decodeField)
        : decodePositional(r, f, path, decodeField);
  if (r.pos !== end) throw new Iso8583Error('TRAILING_BYTES', path, r.pos, `${end - r.pos} bytes left inside the field`);
  r.end = outerEnd;
  return v;
};
