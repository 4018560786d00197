import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unverifiedContent } from '../../connectors/demo-sepa/enveloped.js';
import { toPain001, type BankAccount, type Parties } from '../../connectors/demo-sepa/mapping.js';
import { BANK_TEST_IBANS, startIso20022Bank, type Iso20022Bank } from '../../mocks/iso20022-bank/index.js';
import type { FlowRequest } from '../../src/connector/types.js';
import { Secret } from '../../src/domain/secret.js';
import { build, newMessageId, parseAs } from '../../src/iso20022/index.js';
import { credentialFromPem, type Credential } from '../../src/trust/keys.js';
import { TrustedCertificate } from '../../src/trust/certificate.js';
import { createSelfSignedSigningCertificate } from '../../src/trust/self-signed.js';
import { signEnveloped } from '../../src/trust/sign.js';
import { SignatureVerifier } from '../../src/trust/verify.js';
import { xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';

// Messages go through the XSD gate where the official schemas are present; a clone alone runs the
// same exchanges with the gate off, as the sandbox does.
xsdGateOffWithoutSharedXsd();

/** The simulated bank in the enveloped profile: DER CMS SignedData with the XML inside, both ways. */
const CMS = 'application/pkcs7-mime; smime-type=signed-data';
const parties: Parties = { creditor: { name: 'Demo Shop', iban: 'DE75512108001245126199' }, bankBic: 'SIMBDEFFXXX' };
let seq = 0;
const pain001 = (iban: string): { xml: string; e2e: string } => {
  const account: BankAccount = { type: 'bank_account', iban: new Secret(iban), name: 'Max Mustermann' };
  const n = ++seq;
  const req: FlowRequest = {
    paymentId: `pay_env${n}`,
    reference: `ref-env${n}-${Date.now()}`,
    amount: 1_000,
    currency: 'EUR',
    method: account,
    orderId: `order-${n}`,
    merchant: { id: 'm', name: 'Demo Shop' },
    customer: { email: 'c@example.test' },
  };
  return { xml: build('pain.001.001.09', toPain001(req, account, parties, { messageId: newMessageId(), now: Date.now() })), e2e: req.reference };
};

let bank: Iso20022Bank;
let railyard: Credential;
let stranger: Credential;
let bankVerifier: SignatureVerifier;
const pushes: Array<{ contentType: string; body: Buffer }> = [];
let callback: Server;

beforeAll(async () => {
  const [r, b, s] = await Promise.all(['Railyard Test', 'Demo Bank Signing', 'Someone Else'].map((cn) => createSelfSignedSigningCertificate(cn)));
  railyard = credentialFromPem(r!.certificatePem, r!.privateKeyPem, { purpose: 'sign' });
  stranger = credentialFromPem(s!.certificatePem, s!.privateKeyPem, { purpose: 'sign' });
  bankVerifier = new SignatureVerifier(TrustedCertificate.fromPem(b!.certificatePem, 'bank'));
  callback = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      pushes.push({ contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
      res.end('ok');
    });
  });
  await new Promise<void>((done) => callback.listen(0, '127.0.0.1', () => done()));
  bank = await startIso20022Bank({
    port: 0,
    host: '127.0.0.1',
    settleAfterMs: 200,
    signatureMode: 'enveloped',
    signer: credentialFromPem(b!.certificatePem, b!.privateKeyPem, { purpose: 'sign' }),
    requestVerifier: new SignatureVerifier(TrustedCertificate.fromPem(r!.certificatePem, 'railyard')),
    callbackUrl: `http://127.0.0.1:${(callback.address() as AddressInfo).port}/inbound`,
  });
});

afterAll(async () => {
  await bank?.close();
  await new Promise<void>((done) => callback.close(() => done()));
});

const post = async (body: Uint8Array | string, contentType = CMS) => {
  const res = await fetch(`${bank.url}/payments`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, contentType: res.headers.get('content-type'), body: new Uint8Array(await res.arrayBuffer()) };
};

describe('iso20022-bank, enveloped', () => {
  it('verifies an enveloped request, executes its content, and answers with an enveloped pain.002', async () => {
    const before = { ...bank.signatureChecks };
    const { xml, e2e } = pain001(BANK_TEST_IBANS.verified.iban);
    const r = await post(await signEnveloped(Buffer.from(xml), railyard));
    expect(r.status).toBe(200);
    expect(r.contentType).toBe(CMS);
    expect(bank.signatureChecks).toEqual({ ...before, verified: before.verified + 1 });
    const v = await bankVerifier.verifyEnveloped(r.body);
    expect(v.certificate.subject).toBe('CN=Demo Bank Signing');
    const reply = parseAs('pain.002.001.10', Buffer.from(v.content).toString('utf8'));
    expect(reply.payments[0]?.transactions[0]).toMatchObject({ originalEndToEndId: e2e, status: 'ACSC' });
  });

  it('counts an envelope by someone else as failed and plain XML as missing, as the detached mode does', async () => {
    const before = { ...bank.signatureChecks };
    expect((await post(await signEnveloped(Buffer.from(pain001(BANK_TEST_IBANS.verified.iban).xml), stranger))).status).toBe(200);
    expect((await post(pain001(BANK_TEST_IBANS.verified.iban).xml, 'application/xml')).status).toBe(200);
    expect(bank.signatureChecks).toEqual({ verified: before.verified, failed: before.failed + 1, missing: before.missing + 1 });
    expect((await post(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).status).toBe(400);
  });

  it('bad_signature: the envelope no longer covers its (still readable) content', async () => {
    bank.inject('bad_signature', 'transfer');
    const { xml, e2e } = pain001(BANK_TEST_IBANS.verified.iban);
    const r = await post(await signEnveloped(Buffer.from(xml), railyard));
    await expect(bankVerifier.verifyEnveloped(r.body)).rejects.toMatchObject({ code: 'invalid' });
    const content = unverifiedContent(r.body) ?? '';
    expect(parseAs('pain.002.001.10', content).payments[0]?.transactions[0]?.originalEndToEndId).toBe(e2e);
  });

  it('pushes status reports enveloped', async () => {
    const { xml, e2e } = pain001(BANK_TEST_IBANS.pendingThenAccepted);
    await post(await signEnveloped(Buffer.from(xml), railyard));
    const end = Date.now() + 5_000;
    while (pushes.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    await bank.pushesSettled();
    const push = pushes.at(-1);
    expect(push?.contentType).toBe(CMS);
    const v = await bankVerifier.verifyEnveloped(push?.body ?? new Uint8Array());
    const report = parseAs('pain.002.001.10', Buffer.from(v.content).toString('utf8'));
    expect(report.payments[0]?.transactions[0]).toMatchObject({ originalEndToEndId: e2e, status: 'ACSC' });
  });
});
