/**
 * Known frames, written out byte by byte from the field tables (not captured from the codec), checked
 * in both directions.
 */
import { describe, expect, it } from 'vitest';
import { createDialect, loadDialect, type FieldMap } from '../../src/iso8583/index.js';
import { hex, toHex } from './helpers.js';

const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex').toUpperCase();

const both = (dialectName: string, fields: FieldMap, frameHex: string): void => {
  const d = loadDialect(dialectName);
  expect(toHex(d.pack(fields))).toBe(frameHex.replace(/\s+/g, '').toUpperCase());
  expect(d.unpack(hex(frameHex))).toEqual(fields);
};

describe('golden frames', () => {
  it('0800 echo request and 0810 response (iso87-ascii, secondary bitmap for DE70)', () => {
    const echo = { '0': '0800', '7': '1127105300', '11': '000001', '70': '301' };
    both('iso87-ascii', echo, `
      30383030                                  // MTI 0800
      38323230303030303030303030303030          // primary bitmap "8220000000000000": bit 1, DE7, DE11
      30343030303030303030303030303030          // secondary bitmap "0400000000000000": DE70
      31313237313035333030                      // DE7 1127105300
      303030303031                              // DE11 000001
      333031                                    // DE70 301
    `.replace(/\/\/.*$/gm, ''));
    const reply = { '0': '0810', '7': '1127105300', '11': '000001', '39': '00', '70': '301' };
    both('iso87-ascii', reply, `
      30383130
      38323230303030303032303030303030          // "8220000002000000": adds DE39
      30343030303030303030303030303030
      31313237313035333030
      303030303031
      3030                                      // DE39 00
      333031
    `.replace(/\/\/.*$/gm, ''));
  });

  it('0100 with EMV DE55 as BER-TLV (demo-card, binary bitmap)', () => {
    const fields = {
      '0': '0100',
      '2': '4000000000000002',
      '3': '000000',
      '4': '000000001000',
      '11': '000002',
      '14': '2812',
      '22': '051',
      '49': '978',
      // Listed in the order JS iterates these keys (integer-like "82" first), which is the wire order.
      '55': { '82': '1980', '9F02': '000000001000', '5F2A': '0978', '9F1A': '0276', 'DF8101': '01' },
    };
    const frame = [
      '30313030', // MTI 0100
      '7024040000008200', // DE2,3,4 | DE11,14 | DE22 | DE49,55
      '3136', ascii('4000000000000002'),
      ascii('000000'),
      ascii('000000001000'),
      ascii('000002'),
      ascii('2812'),
      ascii('051'),
      ascii('978'),
      '303238', // LLL = 028 bytes of TLV: 4 + 9 + 5 + 5 + 5
      '82021980',
      '9F0206000000001000',
      '5F2A020978',
      '9F1A020276',
      'DF81010101', // a proprietary tag the dialect does not name: kept
    ].join('');
    both('demo-card', fields, frame);
  });

  it('0200 with a secondary bitmap (iso87-binary: BCD MTI, numerics and lengths)', () => {
    const fields = {
      '0': '0200',
      '2': '4000000000000002',
      '3': '000000',
      '4': '000000001000',
      '11': '000003',
      '32': '12345',
      '35': '4000000000000002D2812101',
      '41': 'TERM0001',
      '49': '978',
      '102': '1234567890',
    };
    both('iso87-binary', fields, `
      0200
      F020000120808000 0000000004000000
      16 4000000000000002
      000000
      000000001000
      000003
      05 012345
      24 4000000000000002D2812101
      5445524D30303031
      0978
      10 31323334353637383930
    `);
  });

  it('0400 reversal with positional DE90 (demo-card)', () => {
    const d = loadDialect('demo-card');
    expect(d.reversalMti).toBe('0400');
    expect(d.reversalIsAdvice).toBe(false);
    expect(d.acceptedReversalCodes).toEqual(['00', '25']);
    const fields = {
      '0': '0400',
      '2': '4000000000000002',
      '3': '000000',
      '4': '000000001000',
      '7': '1127105400',
      '11': '000005',
      '90': { '1': '0200', '2': '000003', '3': '1127105300', '4': '00000000001', '5': '00000000000' },
    };
    const frame = [
      '30343030',
      'F220000000000000', // bit 1 (secondary), DE2,3,4,7 | DE11
      '0000004000000000', // DE90
      '3136', ascii('4000000000000002'),
      ascii('000000'),
      ascii('000000001000'),
      ascii('1127105400'),
      ascii('000005'),
      ascii('0200' + '000003' + '1127105300' + '00000000001' + '00000000000'),
    ].join('');
    both('demo-card', fields, frame);
  });

  it('0200 in EBCDIC (cp037 and cp1047 differ on [ ] ^)', () => {
    const def = (page: 'cp037' | 'cp1047'): unknown => ({
      name: `ebcdic-${page}`,
      version: '1987',
      ebcdicCodePage: page,
      mti: { encoding: 'ebcdic' },
      bitmap: { encoding: 'binary' },
      fields: {
        '2': { name: 'PAN', type: 'n', length: 19, encoding: 'ebcdic', prefix: { type: 'LL', encoding: 'ebcdic' } },
        '3': { name: 'Processing code', type: 'n', length: 6, encoding: 'ebcdic' },
        '11': { name: 'STAN', type: 'n', length: 6, encoding: 'ebcdic' },
        '41': { name: 'Terminal', type: 'ans', length: 8, encoding: 'ebcdic' },
        '43': { name: 'Acceptor', type: 'ans', length: 12, encoding: 'ebcdic' },
      },
    });
    const fields = { '0': '0200', '2': '4000000000000002', '3': '000000', '11': '000007', '41': 'Term 001', '43': '[ACME] SHOP^' };
    const common = `
      F0F2F0F0
      6020000000A00000
      F1F6 F4F0F0F0F0F0F0F0F0F0F0F0F0F0F0F2
      F0F0F0F0F0F0
      F0F0F0F0F0F7
      E3 85 99 94 40 F0 F0 F1`;
    const d037 = createDialect(def('cp037'));
    const d1047 = createDialect(def('cp1047'));
    const f037 = `${common} BA C1 C3 D4 C5 BB 40 E2 C8 D6 D7 B0`;
    const f1047 = `${common} AD C1 C3 D4 C5 BD 40 E2 C8 D6 D7 5F`;
    expect(toHex(d037.pack(fields))).toBe(toHex(hex(f037)));
    expect(toHex(d1047.pack(fields))).toBe(toHex(hex(f1047)));
    expect(d037.unpack(hex(f037))).toEqual(fields);
    expect(d1047.unpack(hex(f1047))).toEqual(fields);
  });
});
