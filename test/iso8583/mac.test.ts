import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadDialect } from '../../src/iso8583/index.js';
import { MacError, aesCmac, createMessageMac, macFieldOf, retailMac } from '../../src/iso8583/mac.js';

const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

describe('AES-CMAC (NIST SP 800-38B / RFC 4493 examples)', () => {
  const k128 = h('2b7e1516 28aed2a6 abf71588 09cf4f3c');
  const k256 = h('603deb10 15ca71be 2b73aef0 857d7781 1f352c07 3b6108d7 2d9810a3 0914dff4');
  const m = h(
    '6bc1bee2 2e409f96 e93d7e11 7393172a ae2d8a57 1e03ac9c 9eb76fac 45af8e51 30c81c46 a35ce411 e5fbc119 1a0a52ef f69f2445 df4f9b17 ad2b417b e66c3710',
  );
  const cases: [string, Uint8Array, number, string][] = [
    ['AES-128, empty message', k128, 0, 'bb1d6929e95937287fa37d129b756746'],
    ['AES-128, 16 bytes', k128, 16, '070a16b46b4d4144f79bdd9dd04a287c'],
    ['AES-128, 40 bytes', k128, 40, 'dfa66747de9ae63030ca32611497c827'],
    ['AES-128, 64 bytes', k128, 64, '51f0bebf7e3b9d92fc49741779363cfe'],
    ['AES-256, empty message', k256, 0, '028962f61b7bf89efc6b551f4667d983'],
    ['AES-256, 16 bytes', k256, 16, '28a7023f452e8f82bd4bf28d8c37c35c'],
  ];
  for (const [name, key, len, tag] of cases) {
    it(name, () => expect(hex(aesCmac(key, m.subarray(0, len)))).toBe(tag.toUpperCase()));
  }
  it('refuses keys of other sizes', () => expect(() => aesCmac(new Uint8Array(10), m)).toThrow(MacError));
});

describe('ISO 9797-1 MAC Algorithm 3 (retail MAC)', () => {
  // Single DES, computed here on its own: a DES block is 3DES-EDE with K||K||K.
  const des = (k: Uint8Array, b: Uint8Array, decrypt = false): Uint8Array => {
    const key = Buffer.concat([k, k, k]);
    const c = decrypt ? createDecipheriv('des-ede3', key, null) : createCipheriv('des-ede3', key, null);
    c.setAutoPadding(false);
    return c.update(b);
  };

  it('the single-DES building block matches the published DES vectors', () => {
    expect(hex(des(h('0101010101010101'), h('0000000000000000')))).toBe('8CA64DE9C1B123A7');
    expect(hex(des(h('133457799BBCDFF1'), h('0123456789ABCDEF')))).toBe('85E813540F0AB405');
  });

  it('matches the ANSI X9.19 example ("Now is the time for all ")', () => {
    expect(hex(retailMac(h('0123456789ABCDEF FEDCBA9876543210'), Buffer.from('Now is the time for all ')))).toBe('A1C72E74EA3FA9B6');
  });

  it('equals CBC-MAC under K1, then decrypt K2, then encrypt K1, step by step', () => {
    const key = h('0123456789ABCDEF FEDCBA9876543210');
    const k1 = key.subarray(0, 8);
    const k2 = key.subarray(8);
    const data = Buffer.from('0200 ISO 8583 retail MAC over an odd length!');
    // padding method 1: zeros up to a multiple of 8
    const padded = new Uint8Array(Math.ceil(data.length / 8) * 8);
    padded.set(data);
    let hBlock: Uint8Array = new Uint8Array(8);
    for (let i = 0; i < padded.length; i += 8) {
      const x = padded.slice(i, i + 8).map((b, j) => b ^ (hBlock[j] ?? 0));
      hBlock = des(k1, x);
    }
    const expected = des(k1, des(k2, hBlock, true));
    expect(hex(retailMac(key, data))).toBe(hex(expected));
  });

  it('with K1 = K2 it reduces to the plain CBC-MAC (Algorithm 1)', () => {
    const k = h('133457799BBCDFF1');
    const data = h('0123456789ABCDEF 0011223344556677');
    const a1 = des(k, h('0011223344556677').map((b, i) => b ^ (des(k, data.subarray(0, 8))[i] ?? 0)));
    expect(hex(retailMac(Buffer.concat([k, k]), data))).toBe(hex(a1));
  });

  it('padding method 2 differs from method 1 and pads a whole block on aligned data', () => {
    const key = h('0123456789ABCDEF FEDCBA9876543210');
    const data = h('0011223344556677');
    expect(hex(retailMac(key, data, 2))).not.toBe(hex(retailMac(key, data, 1)));
    expect(hex(retailMac(key, data, 2))).toBe(hex(retailMac(key, h('0011223344556677 8000000000000000'), 1)));
  });

  it('refuses a key that is not double length', () => expect(() => retailMac(new Uint8Array(8), new Uint8Array(8))).toThrow(MacError));
});

describe('MACs on packed messages', () => {
  const dialect = loadDialect('demo-card');
  const request = { '0': '0100', '2': '4242424242424242', '3': '000000', '4': '000000001000', '11': '000042', '41': 'TERM0001', '49': '978' };

  for (const algorithm of ['retail-3des', 'aes-cmac'] as const) {
    it(`${algorithm}: sign then verify; any flipped byte fails`, () => {
      const mac = createMessageMac({ algorithm, keyHex: '0123456789ABCDEFFEDCBA9876543210' });
      const bytes = dialect.pack(mac.withPlaceholder(request));
      mac.sign(bytes);
      const fields = dialect.unpack(bytes);
      expect(fields['64']).not.toBe('0000000000000000');
      expect(mac.verify(bytes, fields)).toBe(true);
      for (let i = 0; i < bytes.length; i++) {
        const t = Uint8Array.from(bytes);
        t[i] = (t[i] ?? 0) ^ 0x01;
        let f;
        try {
          f = dialect.unpack(t);
        } catch {
          continue; // the codec refuses it: not an approval either
        }
        expect(mac.verify(t, f), `byte ${i}`).toBe(false);
      }
    });
  }

  it('one configured key gives the same MAC for the same bytes, whatever came before (chained cipher state)', () => {
    for (const algorithm of ['retail-3des', 'aes-cmac'] as const) {
      const mac = createMessageMac({ algorithm, keyHex: '0123456789ABCDEFFEDCBA9876543210' });
      const a = dialect.pack(mac.withPlaceholder(request));
      const b = dialect.pack(mac.withPlaceholder({ ...request, '4': '000000009999' }));
      mac.sign(a);
      const first = hex(a);
      mac.sign(b);
      const again = dialect.pack(mac.withPlaceholder(request));
      mac.sign(again);
      expect(hex(again)).toBe(first);
      const fresh = createMessageMac({ algorithm, keyHex: '0123456789ABCDEFFEDCBA9876543210' });
      const c = dialect.pack(fresh.withPlaceholder(request));
      fresh.sign(c);
      expect(hex(c)).toBe(first);
      // and the message-level MAC is the algorithm's MAC of the bytes before the MAC field
      const body = a.subarray(0, a.length - 8);
      const direct = algorithm === 'retail-3des' ? retailMac(h('0123456789ABCDEFFEDCBA9876543210'), body) : aesCmac(h('0123456789ABCDEFFEDCBA9876543210'), body).subarray(0, 8);
      expect(hex(a.subarray(a.length - 8))).toBe(hex(direct));
    }
  });

  it('the MAC is DE128 when the secondary bitmap is present, DE64 otherwise', () => {
    expect(macFieldOf(request)).toBe('64');
    const mac = createMessageMac({ algorithm: 'aes-cmac', keyHex: '2b7e151628aed2a6abf7158809cf4f3c' });
    const withSecondary = mac.withPlaceholder({ ...request, '64': 'FFFFFFFFFFFFFFFF', '90': { '1': '0100', '2': '000041', '3': '1127101010', '4': '00000470011', '5': '00000000000' } });
    expect(withSecondary['64']).toBeUndefined();
    expect(withSecondary['128']).toBe('0000000000000000');
    const bytes = dialect.pack(withSecondary);
    mac.sign(bytes);
    expect(mac.verify(bytes, dialect.unpack(bytes))).toBe(true);
  });

  it('a message without a MAC field, or with another key, does not verify', () => {
    const a = createMessageMac({ algorithm: 'aes-cmac', keyHex: '2b7e151628aed2a6abf7158809cf4f3c' });
    const b = createMessageMac({ algorithm: 'aes-cmac', keyHex: '2b7e151628aed2a6abf7158809cf4f3d' });
    const plain = dialect.pack(request);
    expect(a.verify(plain, dialect.unpack(plain))).toBe(false);
    const bytes = dialect.pack(a.withPlaceholder(request));
    a.sign(bytes);
    expect(b.verify(bytes, dialect.unpack(bytes))).toBe(false);
  });

  it('refuses to sign a message that does not end with the zeroed MAC field', () => {
    const mac = createMessageMac({ algorithm: 'aes-cmac', keyHex: '2b7e151628aed2a6abf7158809cf4f3c' });
    expect(() => mac.sign(dialect.pack(request))).toThrow(/last field/);
  });

  it('bad keys fail at configuration time', () => {
    expect(() => createMessageMac({ algorithm: 'retail-3des', keyHex: 'zz' })).toThrow(MacError);
    expect(() => createMessageMac({ algorithm: 'retail-3des', keyHex: '0123456789ABCDEF' })).toThrow(/16-byte/);
    expect(() => createMessageMac({ algorithm: 'aes-cmac', keyHex: '0011' })).toThrow(/AES-CMAC/);
  });
});
