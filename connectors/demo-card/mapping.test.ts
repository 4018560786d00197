import { describe, expect, it } from 'vitest';
import type { FlowRequest } from '../../src/connector/types.js';
import { newId } from '../../src/domain/ids.js';
import { Secret } from '../../src/domain/secret.js';
import { loadDialect } from '../../src/iso8583/index.js';
import { classifyCode } from './codes.js';
import { buildRequest, MappingError, readReply, stanOf, transmissionOf, type MappingConfig } from './mapping.js';
import { createDialectMac } from '../../src/iso8583/mac.js';
import { DEMO_NETWORK_KEY_NAME, DEMO_NETWORK_MAC, readSettings } from './settings.js';

const cfg: MappingConfig = { terminalId: 'RLYD0001', acquirerId: '470011', reversalMti: '0400', acceptedReversalCodes: ['00', '25'] };
const dialect = loadDialect('demo-card');
const at = Date.UTC(2026, 10, 27, 10, 15, 30);

const request = (o: Partial<FlowRequest> = {}): FlowRequest => ({
  paymentId: 'pay_01JDEMO',
  reference: newId('cmd', at),
  amount: 1_250,
  currency: 'EUR',
  method: { type: 'card', number: new Secret('4242424242424242'), expMonth: 3, expYear: 2031 },
  orderId: 'order-1',
  merchant: { id: 'mch_conformance', name: 'Conformance Shop' },
  customer: { email: 'c@example.test' },
  ...o,
});

describe('STAN and DE7 from the reference', () => {
  it('are deterministic, six digits, and DE7 is the reference time', () => {
    const ref = newId('cmd', at);
    expect(stanOf(ref)).toMatch(/^\d{6}$/);
    expect(stanOf(ref)).toBe(stanOf(ref));
    expect(stanOf(newId('cmd', at))).not.toBe(stanOf(ref));
    expect(transmissionOf(ref, 0)).toBe('1127101530');
    expect(transmissionOf('not-a-ulid', at)).toBe('1127101530');
  });

  it('spread evenly enough: 10,000 references give over 9,900 distinct STANs', () => {
    const stans = new Set(Array.from({ length: 10_000 }, () => stanOf(newId('cmd'))));
    expect(stans.size).toBeGreaterThan(9_900);
  });
});

describe('requests', () => {
  it('verify is an 0100 for amount 0 that packs in the dialect', () => {
    const req = request();
    const f = buildRequest('verify', req, cfg, at);
    expect(f).toMatchObject({ '0': '0100', '3': '000000', '4': '000000000000', '11': stanOf(req.reference), '14': '3103', '41': 'RLYD0001', '49': '978' });
    expect(f['127']).toEqual({ '2': req.reference, '4': 'pay_01JDEMO' });
    expect(dialect.unpack(dialect.pack(f))).toEqual(f);
  });

  it('authorize 0100 with the amount, transfer 0220 pointing at the authorisation', () => {
    const auth = request();
    expect(buildRequest('authorize', auth, cfg, at)['4']).toBe('000000001250');
    const t = buildRequest('transfer', request(), cfg, at, auth.reference);
    expect(t['0']).toBe('0220');
    expect(t['90']).toEqual({ '1': '0100', '2': stanOf(auth.reference), '3': transmissionOf(auth.reference, 0), '4': '00000470011', '5': '00000000000' });
    expect(buildRequest('transfer', request(), cfg, at)['90']).toBeUndefined();
  });

  it('reverse uses the dialect reversal MTI and DE90 of the original; refund is 0200/20 against the transfer', () => {
    const original = newId('cmd', at - 5_000);
    const r = buildRequest('reverse', request({ original: { flow: 'authorize', reference: original } }), { ...cfg, reversalMti: '0420' }, at);
    expect(r['0']).toBe('0420');
    expect(r['90']).toMatchObject({ '1': '0100', '2': stanOf(original), '3': '1127101525' });
    const refund = buildRequest('refund', request({ amount: 300, original: { flow: 'transfer', reference: original } }), cfg, at);
    expect(refund).toMatchObject({ '0': '0200', '3': '200000', '4': '000000000300', '90': { '1': '0220' } });
    expect(() => buildRequest('reverse', request(), cfg, at)).toThrow(MappingError);
  });

  it('a reversal sent again is a repeat: 0401, or 0421 for advices, still naming the same original', () => {
    const original = newId('cmd', at - 5_000);
    const again = buildRequest('reverse', request({ original: { flow: 'authorize', reference: original }, repeat: true }), cfg, at);
    expect(again['0']).toBe('0401');
    expect(again['90']).toMatchObject({ '2': stanOf(original) });
    const advice = buildRequest('reverse', request({ original: { flow: 'authorize', reference: original }, repeat: true }), { ...cfg, reversalMti: '0420' }, at);
    expect(advice['0']).toBe('0421');
  });

  it('single-message mode: the transfer is an 0200 (processing code 00) with no DE90; its reversal names an 0200', () => {
    const single: MappingConfig = { ...cfg, messageMode: 'single' };
    const t = buildRequest('transfer', request(), single, at, newId('cmd', at));
    expect(t).toMatchObject({ '0': '0200', '3': '000000', '4': '000000001250' });
    expect(t['90']).toBeUndefined();
    const original = newId('cmd', at - 5_000);
    expect(buildRequest('reverse', request({ original: { flow: 'transfer', reference: original } }), single, at)['90']).toMatchObject({ '1': '0200', '2': stanOf(original) });
    expect(buildRequest('refund', request({ original: { flow: 'transfer', reference: original } }), single, at)).toMatchObject({ '0': '0200', '3': '200000', '90': { '1': '0200' } });
  });

  it('refuses what the network cannot carry', () => {
    expect(() => buildRequest('verify', request({ method: { type: 'bank_account', iban: new Secret('DE89370400440532013000'), name: 'M' } }), cfg, at)).toThrow(/cards only/);
    expect(() => buildRequest('verify', request({ currency: 'XAU' }), cfg, at)).toThrow(/currency/);
  });

  it('merchant texts are cut and made printable for ans fields', () => {
    const f = buildRequest('verify', request({ merchant: { id: 'a-very-long-merchant-identifier', name: 'Café Ünïcode' } }), cfg, at);
    expect(f['42']).toBe('a-very-long-mer');
    expect(String(f['43'])).toMatch(/^Caf\? \?n\?code {28}$/);
  });
});

describe('replies', () => {
  const reply = (fields: Record<string, string>, integrity: 'verified' | 'failed' | 'not_applicable' = 'verified') => ({ fields: { '0': '0110', ...fields }, integrity });

  it('00 is ok with what the host confirms', () => {
    expect(readReply('authorize', reply({ '39': '00', '4': '000000001250', '49': '978', '37': '123456789012' }), cfg)).toMatchObject({
      kind: 'ok',
      bankReference: '123456789012',
      confirmed: { amount: 1_250, currency: 'EUR' },
      integrity: 'verified',
    });
  });

  it('listed declines are declined; unknown codes are unknown, never approved', () => {
    expect(readReply('authorize', reply({ '39': '51' }), cfg)).toEqual({ kind: 'declined', code: '51', reason: 'Insufficient funds' });
    expect(readReply('authorize', reply({ '39': 'Z9' }), cfg).kind).toBe('unknown');
    expect(readReply('authorize', reply({ '39': '96' }), cfg).kind).toBe('unknown');
    expect(readReply('authorize', reply({}), cfg).kind).toBe('unknown');
    expect(classifyCode('XX').class).toBe('unknown');
  });

  it('a bad MAC is never an answer: unknown with integrity failed, on every flow, whatever DE39 says', () => {
    for (const flow of ['verify', 'authorize', 'transfer', 'refund', 'reverse'] as const) {
      for (const de39 of ['00', '05', '25', '63']) {
        const o = readReply(flow, reply({ '39': de39 }, 'failed'), cfg);
        expect(o, `${flow} ${de39}`).toMatchObject({ kind: 'unknown', retryable: true, integrity: 'failed', evidence: { de39, mac: 'failed' } });
      }
    }
  });

  it('a reversal answered with an accepted code is done', () => {
    expect(readReply('reverse', reply({ '0': '0410', '39': '25' }), cfg).kind).toBe('ok');
    expect(readReply('reverse', reply({ '0': '0410', '39': '12' }), cfg).kind).toBe('declined');
    expect(readReply('reverse', reply({ '0': '0410', '39': '96' }), cfg).kind).toBe('unknown');
  });
});

describe('repeats are the original with the repeat MTI', () => {
  const mac = createDialectMac(dialect, { [DEMO_NETWORK_KEY_NAME]: DEMO_NETWORK_MAC.keyHex });
  /** Packed and MACed as the link sends it, then unpacked. */
  const onTheWire = (fields: ReturnType<typeof buildRequest>) => {
    if (!mac) throw new Error('the demo-card dialect MACs its messages');
    const bytes = dialect.pack(mac.withPlaceholder(fields));
    mac.sign(bytes);
    const back = dialect.unpack(bytes);
    expect(mac.verify(bytes, back), 'each MAC is computed over its own message').toBe(true);
    return back;
  };
  const macField = (f: Record<string, unknown>) => (f['128'] !== undefined ? '128' : '64');
  const without = (f: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(Object.entries(f).filter(([k]) => !keys.includes(k)));

  const original = { flow: 'authorize' as const, reference: newId('cmd', at - 60_000) };
  const cases = [
    ['reverse', '0400', '0401', { original }],
    ['authorize', '0100', '0101', {}],
    ['transfer', '0220', '0221', {}],
    ['refund', '0200', '0201', { original }],
  ] as const;

  for (const [flow, mti, repeatMti, extra] of cases) {
    it(`${repeatMti} equals its ${mti} byte for byte after unpack, except the MTI and the MAC`, () => {
      const req = request({ reference: newId('cmd', at), ...extra });
      // sent later: without the host profile saying so, nothing time-dependent changes
      const first = onTheWire(buildRequest(flow, req, cfg, at));
      const again = onTheWire(buildRequest(flow, { ...req, repeat: true }, cfg, at + 95_000));
      expect(first['0']).toBe(mti);
      expect(again['0']).toBe(repeatMti);
      expect(again['11']).toBe(first['11']);
      expect(again['7']).toBe(first['7']);
      expect(again[macField(again)]).not.toEqual(first[macField(first)]); // recomputed over the new MTI
      expect(without(again, '0', macField(again))).toEqual(without(first, '0', macField(first)));
    });
  }

  it('DE7 is refreshed on a repeat only where the host profile says so', () => {
    const req = request({ reference: newId('cmd', at), original });
    const refreshing = { ...cfg, repeatRefreshesTransmissionTime: true };
    const first = onTheWire(buildRequest('reverse', req, refreshing, at));
    const again = onTheWire(buildRequest('reverse', { ...req, repeat: true }, refreshing, at + 95_000));
    expect(first['7']).toBe('1127101530');
    expect(again['7']).toBe('1127101705');
    expect(without(again, '0', '7', macField(again))).toEqual(without(first, '0', '7', macField(first)));
  });

  it('the host profile settings are checked and named', () => {
    expect(readSettings({ port: 1 })).toMatchObject({ repeatRefreshesTransmissionTime: false, reversal: {} });
    expect(readSettings({ port: 1, repeatRefreshesTransmissionTime: true, reversal: { maxAttempts: 4, maxAgeMs: 3_600_000, declinedRepeats: 2 } })).toMatchObject({
      repeatRefreshesTransmissionTime: true,
      reversal: { maxAttempts: 4, maxAgeMs: 3_600_000, declinedRepeats: 2 },
    });
    expect(() => readSettings({ port: 1, repeatRefreshesTransmissionTime: 'yes' })).toThrow(/settings.repeatRefreshesTransmissionTime/);
    expect(() => readSettings({ port: 1, reversal: { maxAttempts: 0 } })).toThrow(/settings.reversal.maxAttempts/);
    expect(() => readSettings({ port: 1, reversal: { declinedRepeats: -1 } })).toThrow(/settings.reversal.declinedRepeats/);
    expect(() => readSettings({ port: 1, reversal: 'often' })).toThrow(/settings.reversal/);
  });
});

describe('settings', () => {
  it('need a port, and name the bad key', () => {
    expect(() => readSettings({})).toThrow(/settings.port/);
    expect(() => readSettings({ port: 1, header: 'xml' })).toThrow(/settings.header/);
    expect(() => readSettings({ port: 1, mac: { algorithm: 'md5', keyHex: '00' } })).toThrow(/settings.mac.algorithm/);
    expect(readSettings({ endpoints: [{ port: 1 }, { host: '10.0.0.2', port: 2 }] }).endpoints).toEqual([
      { host: '127.0.0.1', port: 1 },
      { host: '10.0.0.2', port: 2 },
    ]);
    expect(readSettings({ port: 1, mac: false }).mac).toBe(false);
    expect(readSettings({ port: 1 })).toMatchObject({ messageMode: 'dual', inquiry: false });
    expect(readSettings({ port: 1, messageMode: 'single', inquiry: true })).toMatchObject({ messageMode: 'single', inquiry: true });
    expect(() => readSettings({ port: 1, messageMode: 'both' })).toThrow(/settings.messageMode/);
    expect(() => readSettings({ port: 1, inquiry: 'yes' })).toThrow(/settings.inquiry/);
  });
});
