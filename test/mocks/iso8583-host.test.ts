import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FRAMING, DEMO_MAC, DEMO_MAC_KEY_NAME, HOST_TEST_CARDS, startIso8583Host, type Iso8583Host } from '../../mocks/iso8583-host/index.js';
import { loadDialect, type FieldMap } from '../../src/iso8583/index.js';
import { FrameDecoder, IsoLink, LinkOutcomeUnknownError, encodeFrame, type UnmatchedReply } from '../../src/iso8583/link/index.js';
import { createDialectMac, createMessageMac } from '../../src/iso8583/mac.js';

const dialect = loadDialect('demo-card');
// The dialect decides what is MACed (its 0800/370 inquiries too); the key comes from here.
const mac = createDialectMac(dialect, { [DEMO_MAC_KEY_NAME]: DEMO_MAC.keyHex });
let host: Iso8583Host;
let link: IsoLink;
const unmatched: UnmatchedReply[] = [];
let seq = 0;

beforeAll(async () => {
  host = await startIso8583Host({ port: 0, lateReplyMs: 150, stallMs: 300 });
});
afterAll(async () => {
  await host.close();
});

const newLink = async (): Promise<IsoLink> => {
  const l = new IsoLink({
    host: '127.0.0.1',
    port: host.port,
    dialect,
    framing: DEMO_FRAMING,
    mac,
    requestTimeoutMs: 500,
    echoIntervalMs: 0,
    reconnect: { initialMs: 20, maxMs: 50 },
    networkFields: { '41': 'TERM0001' },
    onUnmatched: (r) => unmatched.push(r),
  });
  l.start();
  await l.ready(2_000);
  return l;
};

afterEach(async () => {
  host.reset();
  await link?.close();
  unmatched.length = 0;
});

const at = '1127101500';
interface Txn {
  mti?: string;
  pan?: string;
  amount?: number;
  proc?: string;
  original?: FieldMap;
  ref?: string;
  pay?: string;
}
const txn = (t: Txn = {}): FieldMap => {
  const stan = String(++seq).padStart(6, '0');
  return {
    '0': t.mti ?? '0100',
    '2': t.pan ?? HOST_TEST_CARDS.approved,
    '3': t.proc ?? '000000',
    '4': String(t.amount ?? 1_000).padStart(12, '0'),
    '7': at,
    '11': stan,
    '32': '470011',
    '41': 'TERM0001',
    '49': '978',
    ...(t.original ? { '90': t.original } : {}),
    '127': { '2': t.ref ?? `ref_${stan}`, '4': t.pay ?? `pay_${stan}` },
  };
};
const originalOf = (f: FieldMap): FieldMap => ({ '1': String(f['0']), '2': String(f['11']), '3': String(f['7']), '4': '00000470011', '5': '00000000000' });

describe('the simulated card host', () => {
  it('signs on, answers echoes, and keeps per-reference books', async () => {
    const before = host.networkMessages.signOn;
    link = await newLink();
    expect(host.networkMessages.signOn).toBe(before + 1);
    const a = txn({ pay: 'pay_books' });
    const r = await link.request(a);
    expect(r.fields).toMatchObject({ '0': '0110', '39': '00', '11': a['11'], '41': 'TERM0001' });
    expect(r.integrity).toBe('verified');
    expect(r.fields['38']).toMatch(/^\d{6}$/);
    expect(host.ledger.entries('pay_books')).toMatchObject([{ kind: 'authorize', approved: true, amount: 1_000, currency: 'EUR', last4: '4242' }]);
    expect(JSON.stringify(host.ledger.entries())).not.toContain(HOST_TEST_CARDS.approved);
  });

  it('verifies (amount 0), authorises, completes, refunds within the completed amount, and reverses', async () => {
    link = await newLink();
    const pay = 'pay_cycle';
    expect((await link.request(txn({ amount: 0, pay }))).fields['39']).toBe('00');
    const a = txn({ amount: 5_000, pay });
    await link.request(a);
    const c = txn({ mti: '0220', amount: 5_000, pay, original: originalOf(a) });
    expect((await link.request(c)).fields).toMatchObject({ '0': '0230', '39': '00' });
    expect((await link.request(txn({ mti: '0200', proc: '200000', amount: 3_000, pay, original: originalOf(c) }))).fields['39']).toBe('00');
    expect((await link.request(txn({ mti: '0200', proc: '200000', amount: 2_001, pay, original: originalOf(c) }))).fields['39']).toBe('13');
    expect(host.ledger.entries(pay).map((e) => `${e.kind}:${e.responseCode}`)).toEqual(['verify:00', 'authorize:00', 'complete:00', 'refund:00', 'refund:13']);

    const b = txn({ amount: 700, pay: 'pay_rev' });
    await link.request(b);
    expect((await link.request(txn({ mti: '0400', amount: 700, pay: 'pay_rev', original: originalOf(b) }))).fields).toMatchObject({ '0': '0410', '39': '00' });
    expect(host.ledger.get(String((b['127'] as FieldMap)['2']))?.reversed).toBe(true);
    // a reversal of something the host never saw: 25, nothing to undo
    const ghost = originalOf(txn());
    expect((await link.request(txn({ mti: '0400', original: ghost }))).fields['39']).toBe('25');
  });

  it('takes 0200 financial requests (processing code 00): completed at once, reversible, refundable', async () => {
    link = await newLink();
    const pay = 'pay_single';
    const p = txn({ mti: '0200', amount: 4_000, pay });
    expect((await link.request(p)).fields).toMatchObject({ '0': '0210', '39': '00', '4': '000000004000' });
    expect(host.ledger.entries(pay)).toMatchObject([{ kind: 'purchase', mti: '0200', approved: true, completed: true, reversed: false }]);
    const refund = txn({ mti: '0200', proc: '200000', amount: 1_500, pay, original: originalOf(p) });
    expect((await link.request(refund)).fields['39']).toBe('00');
    expect(host.ledger.get(String((p['127'] as FieldMap)['2']))?.refunded).toBe(1_500);
    // an unsupported processing code is refused, not executed
    expect((await link.request(txn({ mti: '0200', proc: '310000', pay: 'pay_balance' }))).fields['39']).toBe('12');
    expect(host.ledger.entries('pay_balance')).toEqual([]);

    const q = txn({ mti: '0200', amount: 800, pay: 'pay_single_rev' });
    await link.request(q);
    const before = host.ledger.summary();
    expect((await link.request(txn({ mti: '0400', amount: 800, original: originalOf(q) }))).fields['39']).toBe('00');
    expect(host.ledger.get(String((q['127'] as FieldMap)['2']))?.reversed).toBe(true);
    expect(host.ledger.summary().completed).toBe(before.completed - 800);

    expect((await link.request(txn({ mti: '0200', pan: HOST_TEST_CARDS.declinedInsufficientFunds }))).fields['39']).toBe('51');
    const lost = txn({ mti: '0200', pan: HOST_TEST_CARDS.noReply });
    await expect(link.request(lost, { timeoutMs: 150 })).rejects.toMatchObject({ reason: 'timeout' });
    expect(host.ledger.get(String((lost['127'] as FieldMap)['2']))).toBeUndefined();
    const late = txn({ mti: '0200', pan: HOST_TEST_CARDS.lateReply });
    await expect(link.request(late, { timeoutMs: 50 })).rejects.toMatchObject({ reason: 'timeout' });
    await expect.poll(() => unmatched.length).toBe(1);
    expect(unmatched[0]).toMatchObject({ fields: { '0': '0210', '39': '00', '11': late['11'] } });
  });

  it('answers status inquiries (0800/370) under MAC from its books, and keeps "not found" true', async () => {
    link = await newLink();
    const inquiry = (original: FieldMap): FieldMap => ({ '0': '0800', '7': at, '11': String(++seq).padStart(6, '0'), '32': '470011', '41': 'TERM0001', '70': '370', '90': original });
    const a = txn({ amount: 2_500, pay: 'pay_inq' });
    await link.request(a);
    const found = await link.request(inquiry(originalOf(a)));
    expect(found.integrity).toBe('verified');
    expect(found.fields).toMatchObject({ '0': '0810', '39': '00', '70': '370', '4': '000000002500', '49': '978', '90': originalOf(a) });
    expect(found.fields['44']).toBeUndefined();

    const d = txn({ pan: HOST_TEST_CARDS.declinedInsufficientFunds });
    await link.request(d);
    expect((await link.request(inquiry(originalOf(d)))).fields['39']).toBe('51');

    await link.request(txn({ mti: '0400', original: originalOf(a) }));
    expect((await link.request(inquiry(originalOf(a)))).fields).toMatchObject({ '39': '00', '44': 'R' });

    // never seen: 25, and the original is refused if it turns up afterwards
    const ghost = txn({ pay: 'pay_ghost' });
    expect((await link.request(inquiry(originalOf(ghost)))).fields).toMatchObject({ '39': '25', '90': originalOf(ghost) });
    expect((await link.request(ghost)).fields['39']).toBe('12');
    expect(host.ledger.entries('pay_ghost')).toEqual([]);
    // ...while the acquirer's repeat (0101, same STAN and DE7) after that answer runs, once: a later
    // copy of it, or of the original, is answered from the books
    const repeat = { ...ghost, '0': '0101' };
    expect((await link.request(repeat)).fields['39']).toBe('00');
    expect((await link.request(repeat)).fields['39']).toBe('00');
    expect((await link.request(ghost)).fields['39']).toBe('00');
    expect(host.ledger.entries('pay_ghost').map((e) => [e.kind, e.mti, e.responseCode])).toEqual([['authorize', '0101', '00']]);

    // a wrongly MACed inquiry is refused (63) without DE90: it says nothing about the original
    const wrong = createMessageMac({ algorithm: 'retail-3des', keyHex: '00112233445566778899AABBCCDDEEFF' }, { field: '64-or-128', messages: [], networkCodes: ['370'] });
    const s = connect(host.port, '127.0.0.1');
    const decoder = new FrameDecoder(DEMO_FRAMING);
    const got = new Promise<FieldMap>((resolve) => s.on('data', (c: Buffer) => decoder.push(c).forEach((f) => resolve(dialect.unpack(f.message)))));
    const bytes = dialect.pack(wrong.withPlaceholder(inquiry(originalOf(a))));
    wrong.sign(bytes);
    s.write(encodeFrame(DEMO_FRAMING, bytes));
    const refused = await got;
    s.destroy();
    expect(refused).toMatchObject({ '0': '0810', '39': '63' });
    expect(refused['90']).toBeUndefined();
  });

  it('honours the card test values', async () => {
    link = await newLink();
    const code = async (pan: string, amount = 1_000) => (await link.request(txn({ pan, amount }))).fields['39'];
    expect(await code(HOST_TEST_CARDS.declinedDoNotHonour, 0)).toBe('05');
    expect(await code(HOST_TEST_CARDS.declinedInsufficientFunds, 0)).toBe('00');
    expect(await code(HOST_TEST_CARDS.declinedInsufficientFunds)).toBe('51');
    expect(await code('4000000000000003')).toBe('14'); // not Luhn-valid

    const lost = txn({ pan: HOST_TEST_CARDS.noReply });
    await expect(link.request(lost, { timeoutMs: 200 })).rejects.toBeInstanceOf(LinkOutcomeUnknownError);
    expect(host.ledger.received(String((lost['127'] as FieldMap)['2']))).toBe(1);
    expect(host.ledger.get(String((lost['127'] as FieldMap)['2']))).toBeUndefined();
    // ...but it answers the reversal
    expect((await link.request(txn({ mti: '0400', pan: HOST_TEST_CARDS.noReply, original: originalOf(lost) }))).fields['39']).toBe('25');

    const late = txn({ pan: HOST_TEST_CARDS.lateReply });
    await expect(link.request(late, { timeoutMs: 50 })).rejects.toMatchObject({ reason: 'timeout' });
    await expect.poll(() => unmatched.length).toBe(1);
    expect(unmatched[0]).toMatchObject({ duplicate: false, fields: { '39': '00', '11': late['11'] }, integrity: 'verified' });

    const bad = await link.request(txn({ pan: HOST_TEST_CARDS.badMac }));
    expect(bad.fields['39']).toBe('00');
    expect(bad.integrity).toBe('failed');
  });

  it('answers a repeated reference from its books without acting twice', async () => {
    link = await newLink();
    const first = txn({ ref: 'ref_repeat', amount: 900 });
    await link.request(first);
    const again = await link.request({ ...txn({ ref: 'ref_repeat', amount: 900 }), '0': '0100' });
    expect(again.fields['39']).toBe('00');
    expect(host.ledger.entries().filter((e) => e.reference === 'ref_repeat')).toHaveLength(1);
    expect(host.ledger.received('ref_repeat')).toBe(2);
  });

  it('refuses a request whose MAC is wrong (63), without acting on it', async () => {
    link = await newLink();
    const wrong = createMessageMac({ algorithm: 'retail-3des', keyHex: '00112233445566778899AABBCCDDEEFF' });
    const s = connect(host.port, '127.0.0.1');
    const decoder = new FrameDecoder(DEMO_FRAMING);
    const got = new Promise<FieldMap>((resolve) => s.on('data', (c: Buffer) => decoder.push(c).forEach((f) => resolve(dialect.unpack(f.message)))));
    const t = txn({ ref: 'ref_badmac' });
    const bytes = dialect.pack(wrong.withPlaceholder(t));
    wrong.sign(bytes);
    s.write(encodeFrame(DEMO_FRAMING, bytes));
    expect((await got)['39']).toBe('63');
    s.destroy();
    expect(host.ledger.get('ref_badmac')).toBeUndefined();
  });

  describe('faults on command', () => {
    it('answer twice: the second answer is a duplicate', async () => {
      link = await newLink();
      host.inject('answer_twice', 'authorize');
      await link.request(txn());
      await expect.poll(() => unmatched.length).toBe(1);
      expect(unmatched[0]?.duplicate).toBe(true);
    });

    it('garbage frame: the reply cannot be read, the request times out', async () => {
      link = await newLink();
      host.inject('garbage_frame');
      const t = txn();
      await expect(link.request(t, { timeoutMs: 150 })).rejects.toMatchObject({ reason: 'timeout' });
      expect(host.ledger.get(String((t['127'] as FieldMap)['2']))?.approved).toBe(true);
    });

    it('drop the connection: the request in flight is outcome unknown, the link comes back', async () => {
      link = await newLink();
      host.inject('drop_connection', 'authorize');
      await expect(link.request(txn())).rejects.toMatchObject({ name: 'LinkOutcomeUnknownError', reason: 'link_lost' });
      await link.ready(2_000);
      expect((await link.request(txn())).fields['39']).toBe('00');
    });

    it('stall: nothing is answered for a while, echoes included', async () => {
      link = await newLink();
      host.inject('stall');
      await expect(link.request(txn(), { timeoutMs: 100 })).rejects.toMatchObject({ reason: 'timeout' });
      await expect(link.request(txn(), { timeoutMs: 100 })).rejects.toMatchObject({ reason: 'timeout' });
      await new Promise((r) => setTimeout(r, 200));
      expect((await link.request(txn())).fields['39']).toBe('00');
    });

    it('refused connections: the link cannot come up until reset', async () => {
      link = await newLink();
      host.dropConnections({ refuse: true });
      await expect.poll(() => link.state).not.toBe('ready');
      await expect(link.ready(150)).rejects.toMatchObject({ reason: 'not_ready' });
      host.reset();
      await link.ready(2_000);
    });

    it('a TPDU on the way in comes back with source and destination swapped', async () => {
      const tpduHost = await startIso8583Host({ port: 0, framing: { header: 'ascii4', tpdu: true }, mac: false });
      try {
        const s = connect(tpduHost.port, '127.0.0.1');
        const framing = { header: 'ascii4' as const, tpdu: true };
        const decoder = new FrameDecoder(framing);
        const got = new Promise<Uint8Array>((resolve) => s.on('data', (c: Buffer) => decoder.push(c).forEach((f) => resolve(f.tpdu ?? new Uint8Array()))));
        s.write(encodeFrame(framing, dialect.pack({ '0': '0800', '7': at, '11': '000001', '70': '301' }), Uint8Array.of(0x60, 0x00, 0x01, 0x00, 0x02)));
        expect(Buffer.from(await got).toString('hex')).toBe('6000020001');
        s.destroy();
      } finally {
        await tpduHost.close();
      }
    });
  });

  it('the summary adds up what stands authorised, completed, reversed and refunded', () => {
    const s = host.ledger.summary();
    expect(s.completed).toBeGreaterThanOrEqual(5_000);
    expect(s.refunded).toBeGreaterThanOrEqual(3_000);
    expect(s.reversed).toBeGreaterThanOrEqual(700);
    expect(s.authorised).toBeGreaterThan(0);
  });
});
