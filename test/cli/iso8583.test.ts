import { describe, expect, it } from 'vitest';
import { iso8583Command } from '../../src/cli/iso8583.js';

const run = async (args: string[], stdin: string): Promise<{ code: number; out: string; err: string }> => {
  let out = '';
  let err = '';
  const code = await iso8583Command(args, { stdin, stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
};

const PAN = '4000000000000002';
// MTI, ASCII-hex primary and secondary bitmaps, DE7, DE11, DE70.
const ECHO_HEX = Buffer.from('0800' + '8220000000000000' + '0400000000000000' + '1127105300' + '000001' + '301', 'latin1')
  .toString('hex')
  .toUpperCase();

describe('railyard iso8583', () => {
  it('pack prints the frame as upper-case hex', async () => {
    const r = await run(['pack', '--dialect', 'iso87-ascii'], '{"0":"0800","7":"1127105300","11":"000001","70":"301"}');
    expect(r).toEqual({ code: 0, out: `${ECHO_HEX}\n`, err: '' });
  });

  it('unpack prints the field JSON that pack accepts (round trip through the CLI)', async () => {
    const fields = { '0': '0100', '2': PAN, '3': '000000', '55': { '9F02': '000000001000', '5F2A': '0978' }, '127': { '2': 'KEY' } };
    const packed = await run(['pack', '--dialect=demo-card'], JSON.stringify(fields));
    expect(packed.code).toBe(0);
    const unpacked = await run(['unpack', '-d', 'demo-card'], packed.out.toLowerCase());
    expect(unpacked.code).toBe(0);
    expect(JSON.parse(unpacked.out)).toEqual(fields);
    const again = await run(['pack', '--dialect', 'demo-card'], unpacked.out);
    expect(again.out).toBe(packed.out);
  });

  it('describe masks the PAN', async () => {
    const packed = await run(['pack', '--dialect', 'iso87-ascii'], JSON.stringify({ '0': '0200', '2': PAN, '35': `${PAN}D2812101` }));
    const r = await run(['describe', '--dialect', 'iso87-ascii'], packed.out);
    expect(r.code).toBe(0);
    expect(r.out).toContain('400000******0002');
    expect(r.out).toContain('[wiped]');
    expect(r.out).not.toContain(PAN);
  });

  it('errors name the field and offset, never the value, and exit non-zero', async () => {
    const bad = `${PAN.slice(0, 12)}ABCD`;
    const r = await run(['pack', '--dialect', 'iso87-ascii'], JSON.stringify({ '0': '0200', '2': bad }));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('INVALID_CHARACTER at field 2, offset 20');
    expect(r.err).not.toContain(bad);
    expect(r.err).not.toContain(PAN.slice(0, 12));

    const cut = await run(['unpack', '--dialect', 'iso87-ascii'], ECHO_HEX.slice(0, -4));
    expect(cut.code).toBe(1);
    expect(cut.err).toContain('TRUNCATED at field 70, offset 52');
  });

  it('rejects input that is not JSON or hex without echoing it', async () => {
    const j = await run(['pack', '--dialect', 'iso87-ascii'], `{"0":"0200","2":"${PAN}"`);
    expect(j.code).toBe(1);
    expect(j.err).toContain('not valid JSON');
    expect(j.err).not.toContain(PAN);
    const h = await run(['unpack', '--dialect', 'iso87-ascii'], 'zz');
    expect(h.code).toBe(1);
    expect(h.err).toContain('not a hex frame');
  });

  it('usage errors exit 2; unknown dialects exit 1', async () => {
    expect((await run([], '')).code).toBe(2);
    expect((await run(['pack'], '{}')).err).toContain('missing --dialect');
    expect((await run(['frobnicate', '--dialect', 'iso87-ascii'], '')).code).toBe(2);
    expect((await run(['pack', '--verbose', '--dialect', 'iso87-ascii'], '')).code).toBe(2);
    const nf = await run(['pack', '--dialect', 'no-such'], '{}');
    expect(nf.code).toBe(1);
    expect(nf.err).toContain('DIALECT_NOT_FOUND');
    const help = await run(['--help'], '');
    expect(help.code).toBe(0);
    expect(help.out).toContain('usage: railyard iso8583');
  });
});

describe('railyard iso8583 keeps EMV tag order through JSON text', () => {
  it('packs tags in the order written and prints them back in wire order', async () => {
    // "82" is integer-like: plain JSON.parse/stringify would move it first and change the frame.
    const text = '{"0":"0100","3":"000000","55":{"9F26":"0102030405060708","82":"1980","9F02":"000000001000","95":"0000000000"}}';
    const packed = await run(['pack', '--dialect', 'demo-card'], text);
    expect(packed.code).toBe(0);
    const tlv = '9F26080102030405060708' + '82021980' + '9F0206000000001000' + '95050000000000';
    expect(packed.out.trim().endsWith(tlv)).toBe(true);
    const unpacked = await run(['unpack', '--dialect', 'demo-card'], packed.out);
    expect(unpacked.out.indexOf('"9F26"')).toBeLessThan(unpacked.out.indexOf('"82"'));
    expect(unpacked.out.indexOf('"9F02"')).toBeLessThan(unpacked.out.indexOf('"95"'));
    expect((await run(['pack', '--dialect', 'demo-card'], unpacked.out)).out).toBe(packed.out);
  });
});
