/**
 * Whole messages: MTI, bitmaps, then the flagged fields in number order. One instance per dialect
 * holds the reusable write buffer and bitmap scratch; pack and unpack are synchronous, so sharing
 * them is safe.
 */
import { readBitmap, writeBitmap } from './bitmap.js';
import type { CompiledDialect } from './compile.js';
import { Iso8583Error } from './errors.js';
import { decodeField, encodeField } from './field.js';
import { isFieldObject, type FieldMap } from './fields.js';
import { readMti, writeMti } from './mti.js';
import { Reader, Writer } from './wire.js';

export class MessageCodec {
  readonly #d: CompiledDialect;
  readonly #w = new Writer();
  readonly #bits = new Uint8Array(24);
  /** The values of the message being packed, by field number (cleared after each pack). */
  readonly #vals: unknown[];

  constructor(d: CompiledDialect) {
    this.#d = d;
    this.#vals = new Array<unknown>(d.maxField + 1).fill(undefined);
  }

  pack(fields: Readonly<Record<string, unknown>>): Buffer {
    if (!isFieldObject(fields)) throw new Iso8583Error('INVALID_VALUE_TYPE', '', 0, 'fields must be an object');
    const d = this.#d;
    const vals = this.#vals;
    // Numeric index access is several times faster than enumerating keys (field keys are array
    // indices to V8); one Object.keys count then proves no key outside the dialect was given.
    const maxField = d.maxField;
    let max = 0;
    let given = fields[0] === undefined ? 0 : 1;
    for (let i = 1; i <= maxField; i++) {
      const v = fields[i];
      vals[i] = v;
      if (v === undefined) continue;
      given++;
      max = i;
    }
    if (Object.keys(fields).length !== given) this.#rejectUnknownKey(fields);
    if (vals[1] !== undefined || (d.tertiary && vals[65] !== undefined)) {
      throw new Iso8583Error('BITMAP_FIELD_GIVEN', vals[1] !== undefined ? '1' : '65', 0, 'bitmaps are computed, do not give them');
    }
    const mti = fields['0'];
    if (typeof mti !== 'string') throw new Iso8583Error('MISSING_MTI', '0', 0, 'field "0" (MTI) must be a string');
    const w = this.#w;
    w.pos = 0;
    writeMti(w, d.mtiEnc, d.versionDigit, mti);

    const bits = this.#bits;
    bits.fill(0);
    const nBytes = max > 128 ? 24 : max > 64 ? 16 : 8;
    if (nBytes > 8) bits[0] = 0x80;
    if (nBytes > 16) bits[8] = 0x80;
    for (let i = 2; i <= max; i++) {
      if (vals[i] !== undefined) bits[(i - 1) >> 3] = (bits[(i - 1) >> 3] ?? 0) | (0x80 >> ((i - 1) & 7));
    }
    writeBitmap(w, d.bitmapEnc, bits, nBytes);

    const byNum = d.byNum;
    const keys = d.keys;
    for (let i = 2; i <= max; i++) {
      const v = vals[i];
      if (v === undefined) continue;
      const f = byNum[i];
      if (f === undefined) throw new Iso8583Error('UNKNOWN_FIELD', String(i), 0, 'field not defined by the dialect');
      encodeField(w, f, v, keys[i] ?? '');
    }
    vals.fill(undefined);
    return w.take();
  }

  /** Slow path, only when a key is not a field number of the dialect: name it. */
  #rejectUnknownKey(fields: Readonly<Record<string, unknown>>): void {
    for (const k of Object.keys(fields)) {
      if (fields[k] === undefined || k === '0' || this.#d.byKey.has(k) || k === '1' || (this.#d.tertiary && k === '65')) continue;
      throw new Iso8583Error('UNKNOWN_FIELD', k, 0, 'field not defined by the dialect');
    }
    // Otherwise the extra keys only held undefined, which means absent.
  }

  unpack(bytes: Uint8Array): FieldMap {
    if (!(bytes instanceof Uint8Array)) throw new Iso8583Error('INVALID_VALUE_TYPE', '', 0, 'frame must be a Uint8Array');
    const d = this.#d;
    const r = new Reader(bytes);
    const out: FieldMap = {};
    out['0'] = readMti(r, d.mtiEnc, d.versionDigit);
    const bitmapAt = r.pos;
    const bits = this.#bits;
    const nBytes = readBitmap(r, d.bitmapEnc, d.tertiary, bits);
    const byNum = d.byNum;
    const keys = d.keys;
    for (let byte = 0; byte < nBytes; byte++) {
      const v = bits[byte] ?? 0;
      if (v === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if ((v & (0x80 >> bit)) === 0) continue;
        const num = byte * 8 + bit + 1;
        // Bit 1 flags the secondary bitmap, bit 65 the tertiary one when the dialect has it.
        if (num === 1 || (num === 65 && d.tertiary)) continue;
        const f = byNum[num];
        const key = keys[num];
        if (f === undefined || key === undefined) {
          throw new Iso8583Error('UNKNOWN_FIELD', String(num), bitmapAt, 'bitmap flags a field the dialect does not define');
        }
        out[num] = decodeField(r, f, key);
      }
    }
    if (r.pos !== r.end) throw new Iso8583Error('TRAILING_BYTES', '', r.pos, `${r.end - r.pos} bytes after the last field`);
    return out;
  }
}
