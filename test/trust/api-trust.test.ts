import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { MemoryNotifier } from '../../src/notify/notifier.js';
import { createRailyard, type Railyard } from '../../src/server.js';
import { encryptAuthEnveloped, encryptEnvelope, TrustedCertificate } from '../../src/trust/index.js';
import { spkiSha256 } from '../../src/trust/order-signature.js';
import { createTestPki, openssl, opensslSign, type TestPki } from './pki.js';

const KEYS = { pin: 'sk_test_trust_pinned_0123456789ab', req: 'sk_test_trust_required_0123456789', opt: 'sk_test_trust_optional_0123456789', off: 'sk_test_trust_off_0123456789abc' };
const CARD = '4242424242424242';
const IBAN = 'DE89370400440532013000';

let pki: TestPki;
let dir: string;
let railyard: Railyard;
const logs: string[] = [];
let seq = 0;

beforeAll(async () => {
  pki = createTestPki();
  dir = mkdtempSync(join(tmpdir(), 'railyard-trust-api-'));
  const merchant = (id: string, key: string, orderSignature: string) =>
    `  - id: ${id}\n    name: Shop ${id}\n    api_keys: [{ key: ${key} }]\n    allow_no_confirmation: true\n    routes: { card: bank, bank_account: bank }\n${orderSignature}`;
  writeFileSync(
    join(dir, 'railyard.yaml'),
    [
      'data_dir: ./data',
      'security:',
      `  data_keys: [{ id: k1, key_base64: ${Buffer.alloc(32, 7).toString('base64')} }]`,
      '  active_data_key: k1',
      `  mac_key_base64: ${Buffer.alloc(32, 9).toString('base64')}`,
      `  audit_keys: [{ id: au1, key_base64: ${Buffer.alloc(32, 4).toString('base64')} }]`,
      `  encryption: { certificate: ${pki.encRsa.cert}, private_key: ${pki.encRsa.key} }`,
      'merchants:',
      merchant(
        'mch_req',
        KEYS.req,
        `    order_signature:\n      policy: required\n      certificates: [${pki.ca}]\n      signers:\n` +
          ['merchant-rsa', 'merchant-pss', 'merchant-ec384'].map((cn) => `        - subject: "O=Test Merchant, CN=${cn}"\n`).join('') +
          `        - public_key_sha256: ${spkiSha256(TrustedCertificate.fromPem(pki.read(pki.ec256.cert))[0]!)}\n`,
      ),
      merchant('mch_pin', KEYS.pin, `    order_signature:\n      policy: required\n      certificates: [${pki.ca}]\n      signers: [{ subject: "O=Test Merchant, CN=merchant-rsa" }]\n`),
      merchant('mch_opt', KEYS.opt, `    order_signature: { policy: optional, certificates: [${pki.rsa.cert}] }\n`),
      merchant('mch_off', KEYS.off, '    order_signature: { policy: "off" }\n'),
      'connectors:',
      '  - id: bank',
      '    type: sandbox',
      `    settings: { call_timeout_ms: 2000, settle_after_ms: 100, journal_path: ${join(dir, 'bank.jsonl')} }`,
      'engine: { worker_poll_ms: 20, poll_interval_ms: 100 }',
      '',
    ].join('\n'),
  );
  const config = loadConfigFile(join(dir, 'railyard.yaml'), { env: { PORT: '0' } });
  const log = createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }) });
  railyard = await createRailyard(config, { log, notifier: new MemoryNotifier(() => Date.now()) });
}, 60_000);

afterAll(async () => {
  await railyard?.close();
  pki?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const order = (over: Record<string, unknown> = {}) => ({
  amount: 1999,
  currency: 'EUR',
  order_id: `trust-${Date.now()}-${++seq}`,
  payment_method: { type: 'card', card: { number: CARD, exp_month: 12, exp_year: 2035 } },
  customer: { email: 'shopper@example.test' },
  confirmation: 'none',
  ...over,
});

async function call(method: string, path: string, key: string | null, opts: { raw?: string | Buffer; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (key) headers.authorization = `Bearer ${key}`;
  if (opts.raw !== undefined) {
    headers['content-type'] = 'application/json';
    headers['idempotency-key'] ??= `idem-${++seq}`;
  }
  const res = await railyard.app.fetch(new Request(`http://railyard.test${path}`, { method, headers, ...(opts.raw !== undefined ? { body: opts.raw } : {}) }));
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

const pay = (key: string, raw: string | Buffer, signature?: Buffer | string) =>
  call('POST', '/v1/payments', key, {
    raw,
    ...(signature !== undefined ? { headers: { 'railyard-order-signature': typeof signature === 'string' ? signature : signature.toString('base64') } } : {}),
  });

async function settled(key: string, id: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const r = await call('GET', `/v1/payments/${id}`, key);
    if (!['processing', 'authorized'].includes(r.body.status)) return r.body;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`payment ${id} did not settle`);
}

describe('signed orders (Railyard-Order-Signature)', () => {
  it('required: an order signed by openssl with a certificate from the registered CA is accepted and its signer kept in the timeline', async () => {
    // odd spacing on purpose: the signature covers the exact bytes, not a re-serialisation
    const raw = JSON.stringify(order(), null, 1);
    const sig = opensslSign(pki, pki.rsa, Buffer.from(raw));
    const r = await pay(KEYS.req, raw, sig);
    expect(r.status).toBe(201);
    const timeline = await call('GET', `/v1/payments/${r.body.id}/events`, KEYS.req);
    const note = timeline.body.data.find((e: any) => e.kind === 'note' && e.data?.type === 'ORDER_SIGNATURE');
    const cert = TrustedCertificate.fromPem(pki.read(pki.rsa.cert))[0]!;
    expect(note.data.signer).toEqual({ subject: cert.subject, serial: cert.serial, issuer: 'CN=Railyard Test CA', certificate_sha256: cert.fingerprint });
    expect(Math.abs(Date.parse(note.data.signing_time) - Date.now())).toBeLessThan(120_000);
  });

  it.each([
    ['ECDSA P-256', () => pki.ec256, []],
    ['ECDSA P-384', () => pki.ec384, []],
    ['RSA-PSS', () => pki.pss, ['-keyopt', 'rsa_padding_mode:pss']],
  ] as const)('required: %s signatures verify', async (_n, leaf, extra) => {
    const raw = JSON.stringify(order());
    expect((await pay(KEYS.req, raw, opensslSign(pki, leaf(), Buffer.from(raw), [...extra]))).status).toBe(201);
  });

  it('refusals: missing, malformed, untrusted, expired, over another body, tampered body', async () => {
    const raw = JSON.stringify(order());
    const expectProblem = (r: Awaited<ReturnType<typeof pay>>, code: string) => {
      expect(r.status).toBe(401);
      expect(r.headers.get('content-type')).toBe('application/problem+json');
      expect(r.body).toMatchObject({ code, param: 'Railyard-Order-Signature', status: 401 });
    };
    expectProblem(await pay(KEYS.req, raw), 'order_signature_missing');
    expectProblem(await pay(KEYS.req, raw, '%%% not base64'), 'order_signature_malformed');
    expectProblem(await pay(KEYS.req, raw, Buffer.from('not a cms structure at all')), 'order_signature_malformed');
    expectProblem(await pay(KEYS.req, raw, opensslSign(pki, pki.stranger, Buffer.from(raw))), 'order_signature_untrusted');
    expectProblem(await pay(KEYS.req, raw, opensslSign(pki, pki.expired, Buffer.from(raw))), 'order_signature_expired');
    expectProblem(await pay(KEYS.req, raw, opensslSign(pki, pki.rsa, Buffer.from(JSON.stringify(order())))), 'order_signature_invalid');
    const tampered = raw.replace('"amount":1999', '"amount":9999');
    expectProblem(await pay(KEYS.req, tampered, opensslSign(pki, pki.rsa, Buffer.from(raw))), 'order_signature_invalid');
  });

  it('the signature is checked before the body is validated, and the validator reads the same bytes', async () => {
    const raw = JSON.stringify({ ...order(), amount: -5 });
    expect((await pay(KEYS.req, raw)).body.code).toBe('order_signature_missing');
    const r = await pay(KEYS.req, raw, opensslSign(pki, pki.ec256, Buffer.from(raw)));
    expect(r.status).toBe(400);
    expect(r.body.param).toBe('amount');
  });

  it('optional: unsigned orders pass without a note; a sent signature is checked against the pinned certificate', async () => {
    const raw = JSON.stringify(order());
    const unsigned = await pay(KEYS.opt, raw);
    expect(unsigned.status).toBe(201);
    const timeline = await call('GET', `/v1/payments/${unsigned.body.id}/events`, KEYS.opt);
    expect(timeline.body.data.some((e: any) => e.data?.type === 'ORDER_SIGNATURE')).toBe(false);
    // ec256 is from the same CA, but this merchant registered only its RSA certificate
    const raw2 = JSON.stringify(order());
    expect((await pay(KEYS.opt, raw2, opensslSign(pki, pki.ec256, Buffer.from(raw2)))).body.code).toBe('order_signature_untrusted');
    expect((await pay(KEYS.opt, raw2, opensslSign(pki, pki.rsa, Buffer.from(raw2)))).status).toBe(201);
  });

  it('off (no signing certificate): a sent signature is refused as unexpected, never ignored; no header passes', async () => {
    const raw = JSON.stringify(order());
    const random = await pay(KEYS.off, raw, Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 37) & 0xff)));
    expect(random.status).toBe(401);
    expect(random.body).toMatchObject({ code: 'order_signature_unexpected', param: 'Railyard-Order-Signature' });
    // even a valid signature: this merchant registered nothing to check it against
    expect((await pay(KEYS.off, raw, opensslSign(pki, pki.rsa, Buffer.from(raw)))).body.code).toBe('order_signature_unexpected');
    expect((await pay(KEYS.off, raw)).status).toBe(201);
  });

  it('a certificate from the merchant\'s CA signs for it only when it is one of its pinned signers', async () => {
    const raw = JSON.stringify(order());
    expect((await pay(KEYS.pin, raw, opensslSign(pki, pki.rsa, Buffer.from(raw)))).status).toBe(201);
    // ec256 is valid and issued by the same CA, but it is not this merchant's signer
    const other = await pay(KEYS.pin, JSON.stringify(order()), opensslSign(pki, pki.ec256, Buffer.from(raw)));
    expect(other.status).toBe(401);
    const raw2 = JSON.stringify(order());
    const r = await pay(KEYS.pin, raw2, opensslSign(pki, pki.ec256, Buffer.from(raw2)));
    expect(r.body).toMatchObject({ code: 'order_signature_untrusted' });
    expect(r.body.detail).toContain('not registered for this merchant');
  });

  it('a deeply nested DER (20,000 x 30 80) is a quick 401, not a stack overflow', async () => {
    const raw = JSON.stringify(order());
    const nested = Buffer.alloc(40_000);
    for (let i = 0; i < nested.length; i += 2) (nested[i] = 0x30), (nested[i + 1] = 0x80);
    const started = performance.now();
    for (const key of [KEYS.req, KEYS.opt]) {
      const r = await pay(key, raw, nested);
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('order_signature_malformed');
    }
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('card fingerprints', () => {
  it('are keyed per merchant: the same card gives each merchant its own fingerprint, stable within one merchant', async () => {
    const a1 = await pay(KEYS.off, JSON.stringify(order()));
    const a2 = await pay(KEYS.off, JSON.stringify(order()));
    const b = await pay(KEYS.opt, JSON.stringify(order()));
    expect([a1.status, a2.status, b.status]).toEqual([201, 201, 201]);
    expect(a1.body.payment_method.fingerprint).toBe(a2.body.payment_method.fingerprint);
    expect(b.body.payment_method.fingerprint).not.toBe(a1.body.payment_method.fingerprint);
  });
});

describe('encrypted account data', () => {
  it('publishes the encryption certificate to authenticated callers', async () => {
    const r = await call('GET', '/v1/encryption-certificate', KEYS.off);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/x-pem-file');
    expect(TrustedCertificate.fromPem(r.text)[0]!.fingerprint).toBe(TrustedCertificate.fromPem(pki.read(pki.encRsa.cert))[0]!.fingerprint);
    expect((await call('GET', '/v1/encryption-certificate', null)).status).toBe(401);
  });

  it('full flows: a card encrypted by openssl and a bank account encrypted by Railyard, nothing in clear at rest or in the logs', async () => {
    const published = TrustedCertificate.fromPem((await call('GET', '/v1/encryption-certificate', KEYS.off)).text)[0]!;
    const cardJson = JSON.stringify({ type: 'card', card: { number: CARD, exp_month: 11, exp_year: 2034 } });
    writeFileSync(pki.path('enc-card.json'), cardJson);
    // AuthEnvelopedData (AES-GCM): CBC EnvelopedData is refused unless a merchant is configured for it
    const fromOpenssl = openssl(['cms', '-encrypt', '-binary', '-aes-256-gcm', '-outform', 'DER', '-in', pki.path('enc-card.json'), '-recip', pki.encRsa.cert,
      '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256']);
    rmSync(pki.path('enc-card.json'));
    const fromRailyard = await encryptAuthEnveloped(Buffer.from(JSON.stringify({ type: 'bank_account', bank_account: { iban: IBAN, name: 'Max Mustermann' } })), published);

    const card = await pay(KEYS.off, JSON.stringify(order({ payment_method: { type: 'encrypted', encrypted: fromOpenssl.toString('base64') } })));
    expect(card.status).toBe(201);
    expect(card.body.payment_method).toMatchObject({ type: 'card', last4: '4242', exp_month: 11, exp_year: 2034 });
    const bank = await pay(KEYS.off, JSON.stringify(order({ payment_method: { type: 'encrypted', encrypted: Buffer.from(fromRailyard).toString('base64') } })));
    expect(bank.status).toBe(201);
    expect(bank.body.payment_method).toMatchObject({ type: 'bank_account', last4: '3000', holder_name: 'Max Mustermann' });
    expect((await settled(KEYS.off, card.body.id)).status).toBe('succeeded');
    expect((await settled(KEYS.off, bank.body.id)).status).toBe('succeeded');

    const dataDir = join(dir, 'data');
    const dbFiles = readdirSync(dataDir).filter((f) => f.startsWith('railyard.db'));
    expect(dbFiles).toEqual(expect.arrayContaining(['railyard.db', 'railyard.db-wal']));
    const scan = () => {
      for (const f of dbFiles.filter((x) => readdirSync(dataDir).includes(x))) {
        const bytes = readFileSync(join(dataDir, f));
        expect(bytes.includes(CARD), `${f} holds the card number`).toBe(false);
        expect(bytes.includes(IBAN), `${f} holds the IBAN`).toBe(false);
        expect(bytes.includes(Buffer.from(CARD, 'utf16le')), `${f} holds the card number (UTF-16)`).toBe(false);
      }
    };
    scan();
    const joined = logs.join('');
    expect(joined.length).toBeGreaterThan(0);
    expect(joined).not.toContain(CARD);
    expect(joined).not.toContain(IBAN);
  });

  it('refuses payloads that are not envelopes or not for us with one answer, and names the field of an invalid (authenticated) method', async () => {
    const bad = async (encrypted: string) => (await pay(KEYS.off, JSON.stringify(order({ payment_method: { type: 'encrypted', encrypted } })))).body;
    const undecryptable = { status: 422, code: 'encrypted_payload_undecryptable', param: 'payment_method.encrypted' };
    expect(await bad('***')).toMatchObject(undecryptable);
    expect(await bad(Buffer.from('hello').toString('base64'))).toMatchObject(undecryptable);
    writeFileSync(pki.path('other.json'), '{}');
    const toOther = openssl(['cms', '-encrypt', '-binary', '-aes-256-gcm', '-outform', 'DER', '-in', pki.path('other.json'), '-recip', pki.stranger.cert]);
    expect(await bad(toOther.toString('base64'))).toMatchObject(undecryptable);
    const cbc = await encryptEnvelope(Buffer.from('{}'), TrustedCertificate.fromPem(pki.read(pki.encEc.cert))[0]!);
    expect(await bad(Buffer.from(cbc).toString('base64'))).toMatchObject({ status: 422, code: 'encrypted_format_not_accepted', param: 'payment_method.encrypted' });
    const published = TrustedCertificate.fromPem(pki.read(pki.encRsa.cert))[0]!;
    const invalid = await encryptAuthEnveloped(Buffer.from(JSON.stringify({ type: 'card', card: { number: CARD, exp_month: 13, exp_year: 2034 } })), published);
    const r = await bad(Buffer.from(invalid).toString('base64'));
    expect(r).toMatchObject({ status: 400, param: 'payment_method.encrypted' });
    expect(r.detail).toContain('card.exp_month');
    expect(JSON.stringify(r)).not.toContain(CARD);
    const luhn = await encryptAuthEnveloped(Buffer.from(JSON.stringify({ type: 'card', card: { number: '4242424242424241', exp_month: 12, exp_year: 2034 } })), published);
    expect((await bad(Buffer.from(luhn).toString('base64'))).status).toBe(400);
  });
});
