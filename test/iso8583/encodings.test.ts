/**
 * Each encoding x length prefix x padding combination on one field (DE2 of a minimal dialect whose
 * frames start with a 4-byte ASCII MTI and an 8-byte binary bitmap), both directions.
 */
import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../../src/iso8583/index.js';
import { dialectWith, hex, toHex } from './helpers.js';

const HEAD = '30313030' + '4000000000000000'; // MTI 0100, bitmap with DE2 only

interface Case {
  readonly title: string;
  readonly def: FieldDefinition;
  readonly value: string;
  readonly wire: string;
}

const f = (def: Omit<FieldDefinition, 'name'>): FieldDefinition => ({ name: 'field under test', ...def });

const CASES: readonly Case[] = [
  // ASCII values
  { title: 'n ascii fixed', def: f({ type: 'n', length: 3, encoding: 'ascii' }), value: '123', wire: '313233' },
  { title: 'n ascii L ascii', def: f({ type: 'n', length: 9, encoding: 'ascii', prefix: { type: 'L', encoding: 'ascii' } }), value: '12345', wire: '35 3132333435' },
  { title: 'n ascii LL ascii', def: f({ type: 'n', length: 19, encoding: 'ascii', prefix: { type: 'LL', encoding: 'ascii' } }), value: '12345', wire: '3035 3132333435' },
  { title: 'ans ascii LLL ascii', def: f({ type: 'ans', length: 999, encoding: 'ascii', prefix: { type: 'LLL', encoding: 'ascii' } }), value: 'a-b', wire: '303033 612D62' },
  { title: 'ans ascii LLLL ascii', def: f({ type: 'ans', length: 9999, encoding: 'ascii', prefix: { type: 'LLLL', encoding: 'ascii' } }), value: 'ok', wire: '30303032 6F6B' },
  { title: 'ans ascii LLLLL ascii', def: f({ type: 'ans', length: 99999, encoding: 'ascii', prefix: { type: 'LLLLL', encoding: 'ascii' } }), value: 'ok', wire: '3030303032 6F6B' },
  { title: 'ans ascii LLLLLL ascii', def: f({ type: 'ans', length: 999999, encoding: 'ascii', prefix: { type: 'LLLLLL', encoding: 'ascii' } }), value: 'ok', wire: '303030303032 6F6B' },
  { title: 'an ascii LL ebcdic prefix', def: f({ type: 'an', length: 20, encoding: 'ascii', prefix: { type: 'LL', encoding: 'ebcdic' } }), value: 'AB 1', wire: 'F0F4 41422031' },
  { title: 'a ascii LL bcd prefix', def: f({ type: 'a', length: 20, encoding: 'ascii', prefix: { type: 'LL', encoding: 'bcd' } }), value: 'Ab', wire: '02 4162' },
  { title: 'ans ascii LLL bcd prefix (2 bytes, high nibble 0)', def: f({ type: 'ans', length: 999, encoding: 'ascii', prefix: { type: 'LLL', encoding: 'bcd' } }), value: 'xyz', wire: '0003 78797A' },
  { title: 'ans ascii LLLLL bcd prefix (3 bytes)', def: f({ type: 'ans', length: 99999, encoding: 'ascii', prefix: { type: 'LLLLL', encoding: 'bcd' } }), value: 'x', wire: '000001 78' },
  { title: 'ans ascii L binary prefix (1 byte)', def: f({ type: 'ans', length: 255, encoding: 'ascii', prefix: { type: 'L', encoding: 'binary' } }), value: 'xy', wire: '02 7879' },
  { title: 'ans ascii LL binary prefix (2 bytes)', def: f({ type: 'ans', length: 999, encoding: 'ascii', prefix: { type: 'LL', encoding: 'binary' } }), value: 'xy', wire: '0002 7879' },
  { title: 'ns ascii fixed', def: f({ type: 'ns', length: 4, encoding: 'ascii' }), value: '1-2=', wire: '312D323D' },
  { title: 'z ascii LL', def: f({ type: 'z', length: 37, encoding: 'ascii', prefix: { type: 'LL', encoding: 'ascii' } }), value: '4000=2812', wire: '3039 343030303D32383132' },
  { title: 'x+n ascii', def: f({ type: 'x+n', length: 8, encoding: 'ascii' }), value: 'C00000100', wire: '43 3030303030313030' },
  // EBCDIC values
  { title: 'an ebcdic fixed', def: f({ type: 'an', length: 4, encoding: 'ebcdic' }), value: 'Ab 9', wire: 'C1 82 40 F9' },
  { title: 'x+n ebcdic', def: f({ type: 'x+n', length: 2, encoding: 'ebcdic' }), value: 'D12', wire: 'C4 F1F2' },
  // BCD values and padding
  { title: 'n bcd even', def: f({ type: 'n', length: 4, encoding: 'bcd' }), value: '1234', wire: '1234' },
  { title: 'n bcd odd, right aligned, 0 pad (default)', def: f({ type: 'n', length: 3, encoding: 'bcd' }), value: '123', wire: '0123' },
  { title: 'n bcd odd, left aligned, 0 pad', def: f({ type: 'n', length: 3, encoding: 'bcd', bcd: { align: 'left', pad: '0' } }), value: '123', wire: '1230' },
  { title: 'n bcd odd, right aligned, F pad', def: f({ type: 'n', length: 3, encoding: 'bcd', bcd: { align: 'right', pad: 'F' } }), value: '123', wire: 'F123' },
  { title: 'n bcd odd, left aligned, F pad', def: f({ type: 'n', length: 3, encoding: 'bcd', bcd: { align: 'left', pad: 'F' } }), value: '123', wire: '123F' },
  { title: 'n bcd LL bcd, odd, counts digits', def: f({ type: 'n', length: 19, encoding: 'bcd', prefix: { type: 'LL', encoding: 'bcd' } }), value: '12345', wire: '05 012345' },
  { title: 'n bcd LL ascii, odd, counts bytes (F pad)', def: f({ type: 'n', length: 19, encoding: 'bcd', bcd: { pad: 'F' }, prefix: { type: 'LL', encoding: 'ascii', counts: 'bytes' } }), value: '12345', wire: '3033 F12345' },
  { title: 'n bcd LL binary, even, counts bytes', def: f({ type: 'n', length: 19, encoding: 'bcd', bcd: { align: 'left', pad: 'F' }, prefix: { type: 'L', encoding: 'binary', counts: 'bytes' } }), value: '1234', wire: '02 1234' },
  { title: 'n bcd L binary, odd left, counts bytes', def: f({ type: 'n', length: 19, encoding: 'bcd', bcd: { align: 'left', pad: 'F' }, prefix: { type: 'L', encoding: 'binary', counts: 'bytes' } }), value: '12345', wire: '03 12345F' },
  { title: 'z bcd LL bcd, odd, left aligned F pad (default for z)', def: f({ type: 'z', length: 37, encoding: 'bcd', prefix: { type: 'LL', encoding: 'bcd' } }), value: '4000D2812', wire: '09 4000D2812F' },
  { title: 'x+n bcd (sign byte then BCD)', def: f({ type: 'x+n', length: 8, encoding: 'bcd' }), value: 'D00000150', wire: '44 00000150' },
  { title: 'n bcd empty variable value', def: f({ type: 'n', length: 19, encoding: 'bcd', prefix: { type: 'LL', encoding: 'bcd' } }), value: '', wire: '00' },
  // Binary values
  { title: 'b binary fixed', def: f({ type: 'b', length: 4, encoding: 'binary' }), value: 'DEADBEEF', wire: 'DEADBEEF' },
  { title: 'b binary LLL ascii', def: f({ type: 'b', length: 999, encoding: 'binary', prefix: { type: 'LLL', encoding: 'ascii' } }), value: '00FF', wire: '303032 00FF' },
  { title: 'b hex LL ascii, counts value bytes', def: f({ type: 'b', length: 8, encoding: 'hex', prefix: { type: 'LL', encoding: 'ascii' } }), value: 'DEAD', wire: '3032 44454144' },
  { title: 'b hex LL ascii, counts wire bytes', def: f({ type: 'b', length: 8, encoding: 'hex', prefix: { type: 'LL', encoding: 'ascii', counts: 'bytes' } }), value: 'DEAD', wire: '3034 44454144' },
  { title: 'b hex fixed', def: f({ type: 'b', length: 2, encoding: 'hex' }), value: '0A1B', wire: '30413142' },
];

describe('field encodings, prefixes and padding', () => {
  for (const c of CASES) {
    it(c.title, () => {
      const d = dialectWith({ '2': c.def });
      const frame = toHex(hex(HEAD + c.wire));
      expect(toHex(d.pack({ '0': '0100', '2': c.value }))).toBe(frame);
      expect(d.unpack(hex(frame))).toEqual({ '0': '0100', '2': c.value });
    });
  }

  it('rejects a BCD pad nibble other than the declared one (it would not re-encode)', () => {
    const d = dialectWith({ '2': f({ type: 'n', length: 3, encoding: 'bcd' }) });
    expect(() => d.unpack(hex(HEAD + 'F123'))).toThrowError(expect.objectContaining({ code: 'INVALID_BCD', path: '2', offset: 12 }));
  });

  it('rejects non-decimal nibbles in BCD numerics and accepts D only in z', () => {
    const n = dialectWith({ '2': f({ type: 'n', length: 4, encoding: 'bcd' }) });
    expect(() => n.unpack(hex(HEAD + '12D4'))).toThrowError(expect.objectContaining({ code: 'INVALID_BCD', offset: 13 }));
    expect(() => n.pack({ '0': '0100', '2': '12D4' })).toThrowError(expect.objectContaining({ code: 'INVALID_BCD', path: '2' }));
    const z = dialectWith({ '2': f({ type: 'z', length: 4, encoding: 'bcd' }) });
    expect(z.unpack(hex(HEAD + '12D4'))).toEqual({ '0': '0100', '2': '12D4' });
  });

  it('reads a BCD prefix with a non-zero spare nibble as an error, not as a larger length', () => {
    const d = dialectWith({ '2': f({ type: 'ans', length: 999, encoding: 'ascii', prefix: { type: 'LLL', encoding: 'bcd' } }) });
    expect(() => d.unpack(hex(HEAD + '1003 78797A'))).toThrowError(expect.objectContaining({ code: 'INVALID_LENGTH_PREFIX', offset: 12 }));
  });

  it('binary values must be upper-case hex in the field JSON', () => {
    const d = dialectWith({ '2': f({ type: 'b', length: 2, encoding: 'binary' }) });
    expect(() => d.pack({ '0': '0100', '2': 'dead' })).toThrowError(expect.objectContaining({ code: 'INVALID_HEX' }));
    expect(() => d.pack({ '0': '0100', '2': 'DEA' })).toThrowError(expect.objectContaining({ code: 'INVALID_HEX' }));
  });

  it('checks each type class', () => {
    const bad: ReadonlyArray<[FieldDefinition['type'], string]> = [
      ['n', '12a'], ['a', 'ab1'], ['an', 'a-1'], ['ans', 'caf\u00e9'], ['ns', 'a12'], ['z', '12;3'], ['x+n', 'X123'], ['x+n', 'C12A'],
    ];
    for (const [type, value] of bad) {
      const d = dialectWith({ '2': f({ type, length: type === 'x+n' ? 3 : 4, encoding: 'ascii', ...(type === 'x+n' ? {} : { prefix: { type: 'LL', encoding: 'ascii' } }) }) });
      expect(() => d.pack({ '0': '0100', '2': value }), `${type} ${value}`).toThrowError(expect.objectContaining({ code: 'INVALID_CHARACTER', path: '2' }));
    }
  });
});
