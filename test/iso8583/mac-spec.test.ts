import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDialect, DialectError, loadDialect, type FieldMap } from '../../src/iso8583/index.js';
import { schemaDir } from '../../src/iso8583/loader.js';
import { IsoLink, encodeFrame } from '../../src/iso8583/link/index.js';
import { createDialectMac, MacError } from '../../src/iso8583/mac.js';
import { answer, networkAware, startPeer } from './link-peer.js';

const KEY_3DES = '0123456789ABCDEFFEDCBA9876543210';
const KEY_AES = '2b7e151628aed2a6abf7158809cf4f3c';
const base = JSON.parse(readFileSync(`${schemaDir()}/iso87-ascii.json`, 'utf8')) as Record<string, unknown>;
const withMac = (mac: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ ...base, name: 'mac-test', mac, ...extra });

const issuesOf = (doc: unknown): string[] => {
  try {
    createDialect(doc);
  } catch (e) {
    if (e instanceof DialectError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
};

const auth: FieldMap = { '0': '0100', '3': '000000', '4': '000000001000', '7': '1127101500', '11': '000042', '41': 'TERM0001' };

describe('the dialect says which messages carry a MAC, where and how', () => {
  it('demo-card: 01xx/02xx/04xx and the 0800/370 inquiry, not sign-on or echo; DE64, or DE128 past the primary bitmap', () => {
    const d = loadDialect('demo-card');
    expect(d.definition.mac).toMatchObject({ key: 'demo-network', algorithm: 'retail-3des', field: '64-or-128' });
    const mac = createDialectMac(d, { 'demo-network': KEY_3DES });
    if (!mac) throw new Error('demo-card defines a MAC');
    for (const mti of ['0100', '0110', '0200', '0220', '0230', '0400', '0401', '0410', '0420']) expect(mac.covers({ '0': mti }), mti).toBe(true);
    for (const mti of ['0300', '0500', '0600']) expect(mac.covers({ '0': mti }), mti).toBe(false);
    expect(mac.covers({ '0': '0800', '70': '001' })).toBe(false);
    expect(mac.covers({ '0': '0810', '70': '301' })).toBe(false);
    expect(mac.covers({ '0': '0800', '70': '370' })).toBe(true);
    expect(mac.covers({ '0': '0810', '70': '370' })).toBe(true);
    expect(Object.keys(mac.withPlaceholder(auth))).toContain('64');
    expect(Object.keys(mac.withPlaceholder({ ...auth, '90': { '1': '0100', '2': '000001', '3': '1127101500', '4': '00000470011', '5': '00000000000' } }))).toContain('128');
  });

  it('field 128 and aes-cmac: the MAC goes in DE128 even without other secondary fields, and verifies', () => {
    const d = createDialect(withMac({ key: 'k1', algorithm: 'aes-cmac', field: '128', messages: ['02x0'] }));
    const mac = createDialectMac(d, { k1: KEY_AES });
    if (!mac) throw new Error('defined');
    expect(mac.algorithm).toBe('aes-cmac');
    expect(mac.covers({ '0': '0200' })).toBe(true);
    expect(mac.covers({ '0': '0100' })).toBe(false);
    const fields = mac.withPlaceholder({ ...auth, '0': '0200' });
    expect(fields['128']).toBe('0000000000000000');
    expect(fields['64']).toBeUndefined();
    const bytes = d.pack(fields);
    mac.sign(bytes);
    const back = d.unpack(bytes);
    expect(mac.verify(bytes, back)).toBe(true);
    bytes[5] = (bytes[5] ?? 0) ^ 1;
    expect(mac.verify(bytes, back)).toBe(false);
  });

  it('field 64 only: a message with fields above 64 cannot be MACed, and says so', () => {
    const d = createDialect(withMac({ key: 'k1', algorithm: 'retail-3des', field: '64', messages: ['xxxx'] }));
    const mac = createDialectMac(d, { k1: KEY_3DES });
    if (!mac) throw new Error('defined');
    const bytes = d.pack(mac.withPlaceholder({ ...auth, '70': '001' }));
    expect(() => mac.sign(bytes)).toThrow(MacError);
  });

  it('padding method 2 changes the MAC; the key material comes from configuration by name only', () => {
    const one = createDialectMac(createDialect(withMac({ key: 'k1', algorithm: 'retail-3des', field: '64', messages: ['01xx'] })), { k1: KEY_3DES });
    const two = createDialectMac(createDialect(withMac({ key: 'k1', algorithm: 'retail-3des', padding: 2, field: '64', messages: ['01xx'] }), 'two'), { k1: KEY_3DES });
    const d = loadDialect('iso87-ascii');
    const a = d.pack(one?.withPlaceholder(auth) ?? {});
    const b = Uint8Array.from(a);
    one?.sign(a);
    two?.sign(b);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(() => createDialectMac(loadDialect('demo-card'), {})).toThrow(/"demo-network" is not in the configuration/);
    expect(() => createDialectMac(loadDialect('demo-card'), {}, { algorithm: 'aes-cmac', keyHex: KEY_AES })).toThrow(/not the dialect's retail-3des/);
    expect(createDialectMac(loadDialect('iso87-ascii'), { k1: KEY_3DES })).toBeUndefined();
  });

  it('the link MACs exactly what the dialect says, and checks the reply to a MACed request', async () => {
    const d = loadDialect('demo-card');
    const mac = createDialectMac(d, { 'demo-network': KEY_3DES });
    if (!mac) throw new Error('defined');
    const peer = await startPeer(
      networkAware((msg, p, s) => {
        const bytes = d.pack(mac.withPlaceholder(answer(msg)));
        mac.sign(bytes);
        p.raw(encodeFrame({ header: 'binary2' }, bytes), s);
      }),
    );
    const link = new IsoLink({ host: '127.0.0.1', port: peer.port, dialect: d, framing: { header: 'binary2' }, echoIntervalMs: 0, networkFields: { '41': 'TERM0001' }, mac });
    try {
      link.start();
      await link.ready(2_000);
      expect((await link.request(auth)).integrity).toBe('verified');
      // 0800/370 is MACed; the peer's networkAware answers 0800s without a MAC, so the reply fails its check
      const inquiry = await link.request({ '0': '0800', '7': '1127101500', '11': '000043', '41': 'TERM0001', '70': '370' });
      expect(inquiry.integrity).toBe('failed');
      const sent = peer.received;
      expect(sent.find((m) => m['70'] === '001')?.['64']).toBeUndefined();
      expect(sent.find((m) => m['0'] === '0100')?.['64']).toMatch(/^[0-9A-F]{16}$/);
      // DE70 needs the secondary bitmap, so the inquiry's MAC is in DE128
      expect(sent.find((m) => m['70'] === '370')?.['128']).toMatch(/^[0-9A-F]{16}$/);
    } finally {
      await link.close();
      await peer.close();
    }
  });
});

describe('a bad MAC spec fails at load, naming the field', () => {
  it('unknown algorithm, field or MTI pattern: schema errors at their paths', () => {
    expect(issuesOf(withMac({ key: 'k', algorithm: 'md5', field: '64', messages: ['01xx'] }))).toEqual([expect.stringMatching(/^mac\.algorithm: must be one of/)]);
    expect(issuesOf(withMac({ key: 'k', algorithm: 'aes-cmac', field: '65', messages: ['01xx'] }))).toEqual([expect.stringMatching(/^mac\.field: must be one of/)]);
    expect(issuesOf(withMac({ key: 'k', algorithm: 'aes-cmac', field: '64', messages: ['01*x'] }))).toEqual([expect.stringMatching(/^mac\.messages\.0:/)]);
    expect(issuesOf(withMac({ key: 'k', algorithm: 'aes-cmac', field: '64', messages: ['01xx'], networkCodes: ['37'] }))).toEqual([expect.stringMatching(/^mac\.networkCodes\.0:/)]);
    expect(issuesOf(withMac({ algorithm: 'aes-cmac', field: '64', messages: ['01xx'] }))).toEqual(['mac.key: is required']);
  });

  it('key material in the dialect is refused', () => {
    expect(issuesOf(withMac({ key: 'k', keyHex: KEY_AES, algorithm: 'aes-cmac', field: '64', messages: ['01xx'] }))).toEqual([expect.stringMatching(/^mac(\.keyHex)?: .*keyHex|^mac\.keyHex/)]);
  });

  it('a MAC field that is not 8 fixed binary bytes, MTIs of another version, padding for CMAC', () => {
    const fields = { ...(base.fields as Record<string, unknown>), '128': { name: 'MAC', type: 'ans', length: 8, encoding: 'ascii' } };
    expect(issuesOf(withMac({ key: 'k', algorithm: 'aes-cmac', field: '128', messages: ['01xx'] }, { fields }))).toEqual([expect.stringMatching(/^mac\.field: .*fields\.128/)]);
    expect(issuesOf(withMac({ key: 'k', algorithm: 'aes-cmac', field: '64-or-128', messages: ['01xx'] }, { fields }))).toEqual([expect.stringMatching(/^mac\.field: .*DE128/)]);
    expect(issuesOf(withMac({ key: 'k', algorithm: 'aes-cmac', field: '64', messages: ['01xx', '1100'] }))).toEqual([expect.stringMatching(/^mac\.messages\.1: .*1987/)]);
    expect(issuesOf(withMac({ key: 'k', algorithm: 'aes-cmac', field: '64', messages: ['08xx'] }))).toEqual([expect.stringMatching(/^mac\.messages\.0: .*networkCodes/)]);
    expect(issuesOf(withMac({ key: 'k', algorithm: 'aes-cmac', padding: 2, field: '64', messages: ['01xx'] }))).toEqual([expect.stringMatching(/^mac\.padding:/)]);
  });
});
