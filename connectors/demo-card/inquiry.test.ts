import { afterEach, describe, expect, it } from 'vitest';
import { runConnectorConformance, type ConformanceBank, type Harness } from '../../src/connector/testing.js';
import { newId } from '../../src/domain/ids.js';
import { Secret } from '../../src/domain/secret.js';
import { loadDialect } from '../../src/iso8583/index.js';
import { HOST_TEST_CARDS } from '../../mocks/iso8583-host/index.js';
import { createDemoCardConnector, type DemoCardConnector } from './index.js';
import { card, hostBank, kinds, payAndSettle, policy, settingsFor, useHost, cardHarness } from './test-host.js';
import { buildInquiry, readInquiryReply, STATUS_INQUIRY_CODE } from './inquiry.js';
import { stanOf, transmissionOf, type MappingConfig } from './mapping.js';

const host = useHost();
const settings = (extra: Record<string, unknown> = {}) => settingsFor(host(), { inquiry: true, ...extra });

const cfg: MappingConfig = { terminalId: 'RLYD0001', acquirerId: '470011', reversalMti: '0400', acceptedReversalCodes: ['00', '25'] };
const at = Date.UTC(2026, 10, 27, 10, 15, 30);

describe('the inquiry message', () => {
  const req = (original?: { flow: 'authorize' | 'transfer'; reference: string }) => ({
    paymentId: 'pay_inq',
    reference: newId('cmd', at),
    amount: 1_250,
    currency: 'EUR',
    method: { type: 'card' as const, number: new Secret('4242424242424242'), expMonth: 3, expYear: 2031 },
    orderId: 'o',
    merchant: { id: 'm', name: 'M' },
    customer: { email: 'c@example.test' },
    ...(original ? { original } : {}),
  });

  it('is an 0800 with DE70 370 and DE90 naming the original, carrying no card data', () => {
    const original = newId('cmd', at - 5_000);
    const r = req({ flow: 'authorize', reference: original });
    const f = buildInquiry(r, cfg, at);
    expect(f).toMatchObject({ '0': '0800', '70': STATUS_INQUIRY_CODE, '11': stanOf(r.reference), '41': 'RLYD0001', '32': '470011' });
    expect(f['90']).toEqual({ '1': '0100', '2': stanOf(original), '3': transmissionOf(original, 0), '4': '00000470011', '5': '00000000000' });
    expect(f['2']).toBeUndefined();
    const single = buildInquiry(req({ flow: 'transfer', reference: original }), { ...cfg, messageMode: 'single' }, at);
    expect(single['90']).toMatchObject({ '1': '0200' });
    const dialect = loadDialect('demo-card');
    expect(dialect.unpack(dialect.pack(f))).toEqual(f);
    expect(() => buildInquiry(req(), cfg, at)).toThrow(/original/);
  });

  it('reads the 0810: the original\'s DE39, 25 as never executed, R as reversed, no DE90 as a refused inquiry', () => {
    const o90 = { '1': '0100', '2': '000001', '3': '1127101525', '4': '00000470011', '5': '00000000000' };
    const r = (fields: Record<string, unknown>, integrity: 'verified' | 'failed' = 'verified') => ({ fields: { '0': '0810', '70': '370', ...fields }, integrity });
    expect(readInquiryReply('authorize', r({ '39': '00', '90': o90, '4': '000000001250', '49': '978' }))).toMatchObject({ kind: 'ok', confirmed: { amount: 1_250, currency: 'EUR' }, integrity: 'verified' });
    expect(readInquiryReply('authorize', r({ '39': '25', '90': o90 }))).toMatchObject({ kind: 'not_sent', neverReceived: true });
    expect(readInquiryReply('authorize', r({ '39': '51', '90': o90 }))).toMatchObject({ kind: 'declined', code: '51' });
    expect(readInquiryReply('authorize', r({ '39': '00', '90': o90, '44': 'R' }))).toMatchObject({ kind: 'unknown' });
    expect(readInquiryReply('authorize', r({ '39': '96', '90': o90 }))).toMatchObject({ kind: 'unknown' });
    expect(readInquiryReply('authorize', r({ '39': '63' }))).toMatchObject({ kind: 'unknown', retryable: true });
    expect(readInquiryReply('authorize', r({ '39': '00', '90': o90 }, 'failed'))).toMatchObject({ kind: 'unknown', integrity: 'failed' });
  });
});

runConnectorConformance({
  name: 'demo-card with status inquiry (0800/370)',
  newConnector: (env) => createDemoCardConnector({ ...env, mode: 'sandbox', settings: settings() }),
  bank: (c: DemoCardConnector): ConformanceBank => hostBank(host(), c),
  realTime: true,
  policy,
  skip: [{ reason: 'with the status inquiry an unknown outcome is asked about, not reversed', tests: ['bad integrity at reverse'] }],
});

describe('an unknown outcome is asked about instead of reversed', () => {
  let h: Harness;
  let connector: DemoCardConnector;
  const start = async (extra: Record<string, unknown> = {}) => {
    ({ h, connector } = await cardHarness(settings(extra)));
  };
  afterEach(() => h.close());

  const run = (number: string) => payAndSettle(h, host(), number);

  it('declares inquiry only when the setting is on', async () => {
    await start();
    expect(connector.capabilities.methods.card?.inquiry).toBe(true);
    expect(connector.capabilities.flows).toContain('inquire');
    const off = createDemoCardConnector({ clock: h.clock, mode: 'sandbox', settings: settings({ inquiry: false }), report: () => undefined });
    expect(off.capabilities.methods.card?.inquiry).toBe(false);
    expect(off.flows.inquire).toBeUndefined();
  });

  it('approved at the host, reply lost: the inquiry finds the approval, the payment completes', async () => {
    await start();
    const before = host().networkMessages.inquiry;
    host().inject('lose_reply', 'authorize');
    const { p, flows, books } = await run(HOST_TEST_CARDS.approved);
    expect(p.status).toBe('succeeded');
    expect(flows).toEqual(['verify', 'authorize', 'inquire', 'transfer']);
    expect(host().networkMessages.inquiry).toBe(before + 1);
    expect(kinds(books)).toEqual(['verify:00', 'authorize:00', 'complete:00']);
    expect(books.find((e) => e.kind === 'authorize')).toMatchObject({ completed: true, reversed: false, amount: p.amount });
    expect(books.every((e) => host().ledger.received(e.reference) === 1)).toBe(true);
  });

  it('never reached the host (...0119): not found, sent again as a repeat under its STAN a bounded number of times, then failed; nothing authorised', async () => {
    await start();
    const { p, flows, books } = await run(HOST_TEST_CARDS.noReply);
    expect(p.status).toBe('failed');
    expect(p.snapshot.context.failure).toMatchObject({ code: 'bank_never_received' });
    expect(flows).toEqual(['verify', 'authorize', 'inquire', 'authorize', 'inquire', 'authorize', 'inquire']);
    const auths = (await h.store.listCommands(p.id)).filter((c) => c.name === 'authorize');
    expect(new Set(auths.map((c) => c.reference)).size).toBe(1);
    expect(kinds(books)).toEqual(['verify:00']);
    expect(books.some((e) => e.kind === 'authorize' && e.approved)).toBe(false);
  });

  it('approved request lost on the way (never reached the host): the inquiry says not found, the repeat (0101) is approved, the payment completes once', async () => {
    await start();
    host().inject('no_reply', 'authorize');
    const { p, flows, books } = await run(HOST_TEST_CARDS.approved);
    expect(p.status).toBe('succeeded');
    // (under load a repeat may time out too and be asked about again: the count may grow, never the references)
    expect(flows.slice(0, 4)).toEqual(['verify', 'authorize', 'inquire', 'authorize']);
    expect(flows.at(-1)).toBe('transfer');
    const auths = (await h.store.listCommands(p.id)).filter((c) => c.name === 'authorize');
    expect(new Set(auths.map((c) => c.reference)).size).toBe(1);
    expect(kinds(books)).toEqual(['verify:00', 'authorize:00', 'complete:00']);
    expect(books.find((e) => e.kind === 'authorize')).toMatchObject({ mti: '0101', completed: true, reversed: false });
  });

  it('...0259 (late approval): the inquiry finds it approved and the payment completes; the late reply changes nothing', async () => {
    await start();
    const { p, flows, books } = await run(HOST_TEST_CARDS.lateReply);
    expect(p.status).toBe('succeeded');
    expect(flows).not.toContain('reverse');
    expect(kinds(books)).toEqual(['verify:00', 'authorize:00', 'complete:00']);
    expect(books.find((e) => e.kind === 'authorize')).toMatchObject({ completed: true, reversed: false });
  });

  it('single-message mode: a lost 0200 reply is resolved by the inquiry, completed once at the host', async () => {
    await start({ messageMode: 'single' });
    host().inject('lose_reply', 'purchase');
    const { p, flows, books } = await run(HOST_TEST_CARDS.approved);
    expect(p.status).toBe('succeeded');
    expect(flows).toEqual(['verify', 'transfer', 'inquire']);
    expect(kinds(books)).toEqual(['verify:00', 'purchase:00']);
    expect(host().ledger.summary().authorised).toBe(0);
  });
});
