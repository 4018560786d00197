import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BANK_TEST_IBANS, startIso20022Bank, type Iso20022Bank } from '../../mocks/iso20022-bank/index.js';
import { createHarness, type Harness } from '../../src/connector/testing.js';
import type { FlowRequest } from '../../src/connector/types.js';
import { JumpableClock, ManualClock } from '../../src/domain/clock.js';
import { Secret } from '../../src/domain/secret.js';
import { build, parseAs, type Pain002v10 } from '../../src/iso20022/index.js';
import { MockTransport, replyWith, type SignRequest } from '../../src/iso20022/transport/index.js';
import { loadCertificates, loadCredential } from '../../src/trust/keys.js';
import { signEnveloped } from '../../src/trust/sign.js';
import { SignatureVerifier } from '../../src/trust/verify.js';
import { createTestPki, openssl, opensslSign, type TestPki } from '../../test/trust/pki.js';
import { CMS_CONTENT_TYPE, envelopingSigner } from './enveloped.js';
import { REQUEST_SIGNATURE_HEADER } from './evidence.js';
import { createDemoSepaConnector, demoSepaConnector, readSettings } from './index.js';
import { toBankId } from './mapping.js';
import { partialAcceptanceXml } from '../../test/support/partial-acceptance.js';
import { xsdGateOffWithoutSharedXsd } from '../../test/support/shared-reference.js';

// Messages are built (and the simulator checks what it receives) with the XSD gate on where the
// official schemas are present; a clone alone runs the same flows with the gate off, as the sandbox does.
xsdGateOffWithoutSharedXsd();

/**
 * The enveloped profile: Railyard sends one DER CMS SignedData with the XML inside, the bank
 * answers and pushes the same way, and only the content the bank's signature covers completes a
 * payment. The PKI is the openssl-made test CA: Railyard signs as `rsa`, the bank as `ec256`.
 */
let pki: TestPki;
let sim: Iso20022Bank;
let h: Harness | undefined;
const CMS = { 'content-type': CMS_CONTENT_TYPE };

beforeAll(async () => {
  pki = createTestPki();
  sim = await startIso20022Bank({
    port: 0,
    host: '127.0.0.1',
    settleAfterMs: 300,
    signatureMode: 'enveloped',
    signer: loadCredential(pki.ec256.cert, pki.ec256.key, { purpose: 'sign' }),
    requestVerifier: new SignatureVerifier(loadCertificates([pki.ca])),
  });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  pki?.cleanup();
});

/** Railyard's side of the profile; `bankCertificates` is what it trusts for the bank's signatures. */
const settings = (bankCertificates: string[] = [pki.ca]) => ({
  signatureMode: 'enveloped',
  signingCertificate: pki.rsa.cert,
  signingKey: pki.rsa.key,
  bankCertificates,
});

describe('demo-sepa enveloped, through the engine against the simulated bank', () => {
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await sim.clearFaults();
  });

  const start = async (bankCertificates?: string[]) => {
    h = await createHarness({
      newConnector: createDemoSepaConnector,
      realTime: true,
      settings: { baseUrl: sim.url, callTimeoutMs: 1_000, ...settings(bankCertificates) },
      policy: { retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 }, pollIntervalMs: 100 },
    });
    return h;
  };
  const pay = (harness: Harness) =>
    harness.pay({ confirmation: 'none', payment_method: { type: 'bank_account', bank_account: { iban: BANK_TEST_IBANS.verified.iban, name: BANK_TEST_IBANS.verified.name } } });

  it("succeeds, the bank verifying Railyard's envelopes and the bank's kept as evidence", async () => {
    const harness = await start();
    const before = { ...sim.signatureChecks };
    const p = await harness.settle((await pay(harness)).id, { maxMs: 15_000 });
    expect(p.status).toBe('succeeded');
    expect(sim.signatureChecks.verified).toBeGreaterThan(before.verified);
    expect(sim.signatureChecks).toMatchObject({ failed: before.failed, missing: before.missing });
    const history = await harness.store.listHistory(p.id);
    const transfer = JSON.stringify(history.find((r) => JSON.stringify(r.data).includes('"flow":"transfer"'))?.data);
    expect(transfer).toContain('"integrity":"verified"');
    expect(transfer).toContain('"bank_signer":"O=Test Merchant, CN=merchant-ec256"');
    expect(transfer).toContain('"bank_signature_form":"enveloped"');
    expect(transfer).toMatch(/"bank_signature_sha256":"[0-9a-f]{64}"/);
    expect(transfer).toMatch(/"body_sha256":"[0-9a-f]{64}"/);
    expect(transfer).toMatch(/"bank_signed_at":"\d{4}-/);
    // the envelope holds the message in clear: it is named by hash, never copied into the timeline
    expect(transfer).not.toContain(BANK_TEST_IBANS.verified.iban);
  });

  it('a reply signed by a certificate Railyard does not trust goes to manual review', async () => {
    const harness = await start([pki.stranger.cert]);
    const p = await harness.settle((await pay(harness)).id, { maxMs: 15_000 });
    expect(p.status).toBe('requires_review');
    expect(p.snapshot.context.failure).toMatchObject({ code: 'integrity_failed' });
  });

  it('a tampered reply (the content changed after signing) goes to manual review', async () => {
    const harness = await start();
    sim.inject('bad_signature', 'transfer');
    const p = await harness.settle((await pay(harness)).id, { maxMs: 15_000 });
    expect(p.status).toBe('requires_review');
    expect(p.snapshot.context.failure).toMatchObject({ code: 'integrity_failed' });
  });
});

const REF = 'cmd_01JDKQ7V4X9M2N3P4Q5R6S7T8V';
const req: FlowRequest = {
  paymentId: 'pay_01JDKQ7V4X9M2N3P4Q5R6S7T8W',
  reference: REF,
  amount: 1_999,
  currency: 'EUR',
  method: { type: 'bank_account', iban: new Secret('DE89370400440532013000'), name: 'Jörg Müller' },
  orderId: 'order-7',
  merchant: { id: 'm', name: 'Shop' },
  customer: { email: 'c@example.test' },
};
const ctx = { clock: new ManualClock(), signal: new AbortController().signal };
const pain002 = (status: string, reason?: string): string =>
  build('pain.002.001.10', {
    groupHeader: { messageId: 'S1', creationDateTime: '2026-11-27T10:00:00Z' },
    originalGroup: { originalMessageId: 'M1', originalMessageNameId: 'pain.001.001.09', groupStatus: 'PART' },
    payments: [{ originalPaymentInformationId: 'P1', transactions: [{ originalEndToEndId: toBankId(REF), status, ...(reason ? { statusReasons: [{ reason: { code: reason } }] } : {}) }] }],
  } satisfies Pain002v10);

/** The XML as it was before signing, and the connector on a mock transport signing like the HTTP one. */
const onMock = (reply: () => Promise<ReturnType<typeof replyWith>>) => {
  const sent: Buffer[] = [];
  const enveloping = envelopingSigner(loadCredential(pki.rsa.cert, pki.rsa.key, { purpose: 'sign' }));
  const sign: SignRequest = (body, headers) => {
    sent.push(Buffer.from(body));
    return enveloping(body, headers);
  };
  const transport = new MockTransport(() => reply(), { sign });
  const env = { clock: new ManualClock(), settings: { baseUrl: 'http://127.0.0.1:9', callTimeoutMs: 500, ...settings() }, report: () => undefined };
  return { sent, transport, connector: demoSepaConnector(env, transport, readSettings(env.settings)) };
};

/** The bank's side made by OpenSSL: `openssl cms -sign -nodetach`, DER. */
const opensslEnveloped = (xml: string, leaf = pki.ec256): Buffer => opensslSign(pki, leaf, Buffer.from(xml, 'utf8'), ['-nodetach']);

describe('demo-sepa enveloped, interoperating with OpenSSL', () => {
  it('what Railyard sends verifies with openssl cms -verify and yields the exact XML; the reply is read from the envelope', async () => {
    const { sent, transport, connector } = onMock(async () => replyWith(opensslEnveloped(pain002('ACSC')), 200, CMS));
    const out = await connector.flows.transfer?.(req, ctx);
    const [request] = transport.requests;
    expect(request?.contentType).toBe('application/pkcs7-mime; smime-type=signed-data');
    expect(request?.headers?.[REQUEST_SIGNATURE_HEADER]).toBeUndefined();
    expect(request?.body).toBeInstanceOf(Uint8Array);
    writeFileSync(pki.path('railyard-request.p7m'), request?.body ?? '');
    openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'railyard-request.p7m', '-CAfile', pki.ca, '-purpose', 'any', '-out', 'railyard-request.xml'], { cwd: pki.dir });
    const content = readFileSync(pki.path('railyard-request.xml'));
    expect(sent).toHaveLength(1);
    expect(content.equals(sent[0] ?? Buffer.alloc(0))).toBe(true);
    expect(parseAs('pain.001.001.09', content.toString('utf8')).paymentInformation[0]?.transactions[0]?.endToEndId).toBe(toBankId(REF));

    expect(out).toMatchObject({ kind: 'ok', integrity: 'verified', evidence: { bank_signer: 'O=Test Merchant, CN=merchant-ec256', bank_signature_form: 'enveloped' } });
  });

  it('a reply not enveloped by the bank: neither an approval nor a decline, unknown with integrity failed', async () => {
    const stranger = (xml: string) => opensslEnveloped(xml, pki.stranger);
    const tampered = (xml: string) => {
      const der = opensslEnveloped(xml);
      const at = der.indexOf(Buffer.from('<GrpSts>PART</GrpSts>'));
      expect(at).toBeGreaterThan(0);
      der.write('PAR ', at + '<GrpSts>'.length); // same length: still DER, still readable XML, no longer signed
      return der;
    };
    const plain = (xml: string) => Buffer.from(xml, 'utf8');
    for (const wrap of [stranger, tampered, plain]) {
      const approved = await onMock(async () => replyWith(wrap(pain002('ACSC')), 200, CMS)).connector.flows.transfer?.(req, ctx);
      expect(approved).toMatchObject({ kind: 'unknown', integrity: 'failed' });
      const declined = await onMock(async () => replyWith(wrap(pain002('RJCT', 'AM04')), 200, CMS)).connector.flows.transfer?.(req, ctx);
      expect(declined).toMatchObject({ kind: 'unknown', integrity: 'failed' });
    }
    // properly enveloped, the same decline stands
    const declined = await onMock(async () => replyWith(opensslEnveloped(pain002('RJCT', 'AM04')), 200, CMS)).connector.flows.transfer?.(req, ctx);
    expect(declined).toMatchObject({ kind: 'declined', code: 'AM04' });
    // neither CMS nor XML: nothing can be read, the bank will be asked
    const garbage = await onMock(async () => replyWith(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), 200, CMS)).connector.flows.transfer?.(req, ctx);
    expect(garbage).toMatchObject({ kind: 'unknown', retryable: true });
  });
});

describe('pushed status reports in the enveloped profile', () => {
  it('an enveloped push by the bank keeps its outcomes; one by a stranger or tampered decides nothing', async () => {
    // a partial acceptance: one transaction accepted, one rejected (AC01)
    const xml = new TextEncoder().encode(partialAcceptanceXml());
    const connector = createDemoSepaConnector({ clock: new JumpableClock(), settings: { baseUrl: 'http://127.0.0.1:9', ...settings() }, report: () => undefined });
    const plainConnector = createDemoSepaConnector({ clock: new JumpableClock(), settings: { baseUrl: 'http://127.0.0.1:9' }, report: () => undefined });
    const inbound = (c: typeof connector, body: Uint8Array) => c.flows.inbound?.({ body, contentType: CMS_CONTENT_TYPE, headers: CMS }, { clock: new JumpableClock(), signal: new AbortController().signal });
    const bank = loadCredential(pki.ec256.cert, pki.ec256.key, { purpose: 'sign' });
    const plain = await inbound(plainConnector, xml);
    const signed = await inbound(connector, await signEnveloped(xml, bank));
    const strange = await inbound(connector, await signEnveloped(xml, loadCredential(pki.stranger.cert, pki.stranger.key, { purpose: 'sign' })));
    const unsigned = await inbound(connector, xml);
    expect(plain?.reports.length).toBeGreaterThan(1);
    expect(plain?.reports.some((r) => r.outcome.kind === 'declined')).toBe(true);
    expect(signed?.reports.map((r) => r.outcome.kind)).toEqual(plain?.reports.map((r) => r.outcome.kind));
    expect(signed?.reports.every((r) => r.outcome.kind !== 'ok' || r.outcome.integrity === 'verified')).toBe(true);
    // not the bank's: refused whole (401), nothing in it applied
    for (const untrusted of [strange, unsigned]) {
      expect(untrusted?.reports).toEqual([]);
      expect(untrusted?.response?.status).toBe(401);
    }
    // the bank's refusals carry its evidence too
    expect(signed?.reports.filter((r) => r.outcome.kind === 'declined').every((r) => r.outcome.kind === 'declined' && r.outcome.integrity === 'verified' && r.outcome.evidence)).toBe(true);
    const junk = await inbound(connector, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
    expect(junk?.reports).toEqual([]);
    expect(junk?.response?.status).toBe(400);
  });
});

describe('the signatureMode setting', () => {
  it('defaults to detached, takes enveloped with both key pairs, refuses anything else', () => {
    const baseUrl = 'http://127.0.0.1:9';
    expect(readSettings({ baseUrl }).signatureMode).toBe('detached');
    expect(readSettings({ baseUrl, ...settings() }).signatureMode).toBe('enveloped');
    expect(() => readSettings({ baseUrl, ...settings(), signatureMode: 'envelopped' })).toThrow(/settings\.signatureMode: must be detached or enveloped/);
    expect(() => readSettings({ baseUrl, signatureMode: 'enveloped', bankCertificates: [pki.ca] })).toThrow(/settings\.signatureMode: enveloped needs signingCertificate, signingKey and bankCertificates/);
    expect(() => readSettings({ baseUrl, signatureMode: 'enveloped', signingCertificate: pki.rsa.cert, signingKey: pki.rsa.key })).toThrow(/needs/);
  });

  it('has no default bank: a missing or non-URL baseUrl is refused, naming the setting', () => {
    expect(() => readSettings({})).toThrow(/settings\.baseUrl: is required/);
    expect(() => readSettings({ baseUrl: 42 })).toThrow(/settings\.baseUrl: must be an http:\/\/ or https:\/\/ URL/);
    expect(() => readSettings({ baseUrl: 'http://127.0.0.1:9', callTimeout: 5 })).toThrow(/settings\.callTimeout: unknown key/);
  });
});
