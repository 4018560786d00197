/**
 * Every typed error names the field path and byte offset, and none carries the value: errors end
 * up in logs and API responses, values may be PANs, track data or CVVs.
 */
import { describe, expect, it } from 'vitest';
import { createDialect, Iso8583Error, loadDialect, type Iso8583ErrorCode } from '../../src/iso8583/index.js';
import { hex } from './helpers.js';

const PAN = '4000000000000002';

/** Runs `fn`, returns the Iso8583Error it throws, and checks `secret` appears nowhere in it. */
const caught = (fn: () => unknown, secret: string): Iso8583Error => {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(Iso8583Error);
  const e = err as Iso8583Error;
  const everything = [e.message, e.stack ?? '', JSON.stringify(e), String(e), e.path].join('\n');
  expect(everything).not.toContain(secret);
  return e;
};

const expectError = (e: Iso8583Error, code: Iso8583ErrorCode, path: string, offset: number): void => {
  expect({ code: e.code, path: e.path, offset: e.offset }).toEqual({ code, path, offset });
  expect(e.message).toContain(`field ${path}`);
  expect(e.message).toContain(`offset ${offset}`);
};

const ascii87 = loadDialect('iso87-ascii');
const card = loadDialect('demo-card');
const asciiHex = (s: string): string => Buffer.from(s, 'latin1').toString('hex');
// iso87-ascii: 4 MTI bytes + 16 bitmap chars before the first field.
const FIRST_FIELD = 20;

describe('pack errors', () => {
  it('INVALID_CHARACTER in a PAN names DE2 and where it starts', () => {
    const bad = `${PAN.slice(0, 15)}X`;
    expectError(caught(() => ascii87.pack({ '0': '0200', '2': bad }), bad), 'INVALID_CHARACTER', '2', FIRST_FIELD);
  });

  it('LENGTH_EXCEEDS_MAX and LENGTH_MISMATCH', () => {
    const long = `${PAN}0000`;
    expectError(caught(() => ascii87.pack({ '0': '0200', '2': long }), long), 'LENGTH_EXCEEDS_MAX', '2', FIRST_FIELD);
    expectError(caught(() => ascii87.pack({ '0': '0200', '2': PAN, '3': '12345' }), '12345'), 'LENGTH_MISMATCH', '3', FIRST_FIELD + 18);
  });

  it('names TLV tags and private-bitmap subfields, without their values', () => {
    const e = caught(() => card.pack({ '0': '0100', '55': { '82': '1980', '9F02': 'not-hex-123' } }), 'not-hex-123');
    expectError(e, 'INVALID_HEX', '55.9F02', 4 + 8 + 3 + 4);
    const cvv = caught(() => card.pack({ '0': '0100', '127': { '3': '12a' } }), '12a');
    expectError(cvv, 'INVALID_CHARACTER', '127.3', 4 + 16 + 6 + 8); // MTI, two bitmaps, LLLLLL, private bitmap
  });

  it('INVALID_VALUE_TYPE, UNKNOWN_FIELD, MISSING_MTI, BITMAP_FIELD_GIVEN', () => {
    expectError(caught(() => ascii87.pack({ '0': '0200', '2': 4000 }), '4000'), 'INVALID_VALUE_TYPE', '2', FIRST_FIELD);
    expectError(caught(() => ascii87.pack({ '0': '0200', '129': '1' }), 'zzz'), 'UNKNOWN_FIELD', '129', 0);
    expectError(caught(() => ascii87.pack({ '0': '0200', 'x2': '1' }), 'zzz'), 'UNKNOWN_FIELD', 'x2', 0);
    expectError(caught(() => ascii87.pack({ '2': PAN }), PAN), 'MISSING_MTI', '0', 0);
    expectError(caught(() => ascii87.pack({ '0': '0200', '1': 'FF' }), 'zzz'), 'BITMAP_FIELD_GIVEN', '1', 0);
    // A key holding undefined means "absent", as in JSON.stringify.
    expect(ascii87.unpack(ascii87.pack({ '0': '0800', '11': '000001', '12': undefined }))).toEqual({ '0': '0800', '11': '000001' });
  });
});

describe('unpack errors', () => {
  const good = Buffer.from(ascii87.pack({ '0': '0200', '2': PAN, '3': '000000', '4': '000000001000' }));

  it('TRUNCATED at the field that runs out', () => {
    const cut = good.subarray(0, good.length - 3);
    expectError(caught(() => ascii87.unpack(cut), PAN), 'TRUNCATED', '4', FIRST_FIELD + 18 + 6);
    expectError(caught(() => ascii87.unpack(good.subarray(0, 10)), PAN), 'TRUNCATED', '1', 4);
    expectError(caught(() => ascii87.unpack(good.subarray(0, 2)), PAN), 'TRUNCATED', '0', 0);
  });

  it('INVALID_LENGTH_PREFIX and LENGTH_EXCEEDS_MAX on a corrupt LL', () => {
    const f = Buffer.from(good);
    f[FIRST_FIELD + 1] = 0x41;
    expectError(caught(() => ascii87.unpack(f), PAN), 'INVALID_LENGTH_PREFIX', '2', FIRST_FIELD + 1);
    f.write('20', FIRST_FIELD, 'latin1');
    expectError(caught(() => ascii87.unpack(f), PAN), 'LENGTH_EXCEEDS_MAX', '2', FIRST_FIELD);
  });

  it('a declared length beyond the frame is an error before anything is read or allocated', () => {
    // DE127 declares 999999 bytes in a 30-byte frame.
    const frame = hex('30313030' + '8000000000000000' + '0000000000000002' + asciiHex('999999') + '00');
    expectError(caught(() => card.unpack(frame), '999999x'), 'TRUNCATED', '127', 20);
  });

  it('INVALID_CHARACTER points at the offending byte and does not echo the PAN', () => {
    const f = Buffer.from(good);
    f[FIRST_FIELD + 2 + 7] = 0x3a;
    expectError(caught(() => ascii87.unpack(f), PAN.slice(0, 7)), 'INVALID_CHARACTER', '2', FIRST_FIELD + 2 + 7);
  });

  it('TRAILING_BYTES and INVALID_MTI', () => {
    expectError(caught(() => ascii87.unpack(Buffer.concat([good, Buffer.from('9')])), PAN), 'TRAILING_BYTES', '', good.length);
    const badMti = Buffer.concat([Buffer.from('02X0', 'latin1'), good.subarray(4)]);
    expectError(caught(() => ascii87.unpack(badMti), PAN), 'INVALID_MTI', '0', 2);
  });

  it('UNKNOWN_FIELD when a bitmap flags a field or subfield the dialect lacks', () => {
    const only3 = createDialect({ name: 'only3', version: '1987', mti: { encoding: 'ascii' }, bitmap: { encoding: 'binary' }, fields: { '3': { name: 'pc', type: 'n', length: 6, encoding: 'ascii' } } });
    expectError(caught(() => only3.unpack(hex('30313030' + '6000000000000000' + asciiHex('000000'))), 'zzz'), 'UNKNOWN_FIELD', '2', 4);
    const card127 = hex('30313030' + '8000000000000000' + '0000000000000002' + asciiHex('000008') + '0100000000000000');
    expectError(caught(() => card.unpack(card127), 'zzz'), 'UNKNOWN_FIELD', '127.8', 26);
  });
});
