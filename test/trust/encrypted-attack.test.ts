/**
 * The padding-oracle attack of issue 12, run against every envelope format `payment_method.encrypted`
 * accepts: a captured envelope is tampered with bit flips in every part (header, encrypted key,
 * IV/nonce, ciphertext, tag) and every answer must be the same one, so the attacker learns nothing.
 * With JWE and AuthEnvelopedData the tamper must be caught before plaintext exists: the one module
 * that turns decrypted bytes into a payment method (src/api/clear-method.ts) is watched and must
 * never be called for a tampered envelope.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfigFile, ConfigError } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { MemoryNotifier } from '../../src/notify/notifier.js';
import { createRailyard, type Railyard } from '../../src/server.js';
import { parseAuthEnvelopedDataDer, parseEnvelopedDataDer } from '../../src/trust/enveloped-data.js';
import { encryptAuthEnveloped, encryptJwe, TrustedCertificate, type PublicJwk } from '../../src/trust/index.js';
import { createTestPki, openssl, type TestPki } from './pki.js';

const watch = vi.hoisted(() => ({ parsed: 0 }));
vi.mock('../../src/api/clear-method.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/api/clear-method.js')>();
  return {
    ...real,
    parseClearMethod: (clear: Uint8Array) => {
      watch.parsed++;
      return real.parseClearMethod(clear);
    },
  };
});

const KEYS = {
  modern: 'sk_test_enc_modern_0123456789abcdef',
  legacy: 'sk_test_enc_legacy_0123456789abcdef',
  limited: 'sk_test_enc_limited_0123456789abcde',
  other: 'sk_test_enc_other_0123456789abcdefg',
};
const CARD = '4242424242424242';
const IBAN = 'DE89370400440532013000';
const cardJson = (over: Record<string, unknown> = {}) => JSON.stringify({ type: 'card', card: { number: CARD, exp_month: 12, exp_year: 2034, ...over } });

let pki: TestPki;
let dir: string;
let main: Railyard;
let limited: Railyard;
const logs: string[] = [];
let seq = 0;

function writeConfig(name: string, merchants: [string, string, string][], extraSecurity: string[]): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    [
      `data_dir: ./data-${name}`,
      'security:',
      `  data_keys: [{ id: k1, key_base64: ${Buffer.alloc(32, 7).toString('base64')} }]`,
      '  active_data_key: k1',
      `  mac_key_base64: ${Buffer.alloc(32, 9).toString('base64')}`,
      `  audit_keys: [{ id: au1, key_base64: ${Buffer.alloc(32, 4).toString('base64')} }]`,
      // a rotation in progress: the RSA key is current, the EC key is the previous one and still decrypts
      '  encryption:',
      `    - { certificate: ${pki.encRsa.cert}, private_key: ${pki.encRsa.key} }`,
      `    - { certificate: ${pki.encEc.cert}, private_key: ${pki.encEc.key} }`,
      ...extraSecurity,
      'merchants:',
      ...merchants.map(
        ([id, key, extra]) => `  - id: ${id}\n    name: Shop ${id}\n    api_keys: [{ key: ${key} }]\n    allow_no_confirmation: true\n    routes: { card: bank, bank_account: bank }\n${extra}`,
      ),
      'connectors:',
      '  - id: bank',
      '    type: sandbox',
      `    settings: { call_timeout_ms: 2000, settle_after_ms: 100, journal_path: ${join(dir, `bank-${name}.jsonl`)} }`,
      'engine: { worker_poll_ms: 20, poll_interval_ms: 100 }',
      '',
    ].join('\n'),
  );
  return path;
}

beforeAll(async () => {
  pki = createTestPki();
  dir = mkdtempSync(join(tmpdir(), 'railyard-enc-attack-'));
  const log = createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }) });
  const mainConfig = loadConfigFile(
    writeConfig('main', [['mch_modern', KEYS.modern, ''], ['mch_legacy', KEYS.legacy, '    legacy_cbc_envelopes: true\n']], ['  encrypted_failure_limit: { max: 100000, window_seconds: 60 }']),
    { env: { PORT: '0' } },
  );
  main = await createRailyard(mainConfig, { log, notifier: new MemoryNotifier(() => Date.now()) });
  const limitedConfig = loadConfigFile(
    writeConfig('limited', [['mch_limited', KEYS.limited, '    legacy_cbc_envelopes: true\n'], ['mch_other', KEYS.other, '']], ['  encrypted_failure_limit: { max: 5, window_seconds: 600 }']),
    { env: { PORT: '0' } },
  );
  limited = await createRailyard(limitedConfig, { log, notifier: new MemoryNotifier(() => Date.now()) });
}, 60_000);

afterAll(async () => {
  await main?.close();
  await limited?.close();
  pki?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  watch.parsed = 0;
});

interface Answer {
  status: number;
  body: any;
  headers: Record<string, string>;
  ms: number;
}

async function call(app: Railyard, method: string, path: string, key: string, body?: unknown, idempotencyKey?: string): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['idempotency-key'] = idempotencyKey ?? `idem-${++seq}`;
  }
  const started = performance.now();
  const res = await app.app.fetch(new Request(`http://railyard.test${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }));
  const text = await res.text();
  const ms = performance.now() - started;
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, headers: Object.fromEntries(res.headers), ms };
}

const order = (encrypted: string) => ({
  amount: 1999,
  currency: 'EUR',
  order_id: `enc-${Date.now()}-${++seq}`,
  payment_method: { type: 'encrypted', encrypted },
  customer: { email: 'shopper@example.test' },
  confirmation: 'none',
});

const payEncrypted = (app: Railyard, key: string, encrypted: string) => call(app, 'POST', '/v1/payments', key, order(encrypted));

/** The answer without what differs per request (request id, its header): what an attacker compares. */
const fingerprint = (a: Answer): string => {
  const { request_id: _rid, ...body } = a.body as Record<string, unknown>;
  const { 'x-request-id': _h, ...headers } = a.headers;
  return JSON.stringify({ status: a.status, body, headers });
};

async function settled(app: Railyard, key: string, id: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const r = await call(app, 'GET', `/v1/payments/${id}`, key);
    if (!['processing', 'authorized'].includes(r.body.status)) return r.body.status;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`payment ${id} did not settle`);
}

/** Pays and waits for the bank: the envelope's content reached the bank message. */
async function expectPays(app: Railyard, key: string, encrypted: string, last4: string): Promise<void> {
  const r = await payEncrypted(app, key, encrypted);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect(r.body.payment_method.last4).toBe(last4);
  expect(await settled(app, key, r.body.id)).toBe('succeeded');
}

function opensslEncrypt(data: string, cert: string, cipher: '-aes-256-gcm' | '-aes-256-cbc', extra: string[] = []): Buffer {
  const input = pki.path(`plain-${++seq}.json`);
  writeFileSync(input, data);
  try {
    return openssl(['cms', '-encrypt', '-binary', cipher, '-outform', 'DER', '-in', input, '-recip', cert, ...extra]);
  } finally {
    rmSync(input);
  }
}
const OAEP = ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256'];

const flip = (buf: Buffer, at: number, mask: number): Buffer => {
  const out = Buffer.from(buf);
  out[at]! ^= mask;
  return out;
};

/** Offsets of a few bytes spread over a part of the envelope: first, middle, last. */
const spread = (start: number, length: number): number[] => [...new Set([start, start + Math.floor(length / 2), start + length - 1])];
const offsetIn = (whole: Buffer, part: Buffer): number => part.byteOffset - whole.byteOffset;

/**
 * Every byte of the envelope flipped (bit 0x01), each labelled with the part it falls in, plus the
 * top bit (0x80) at a few offsets of each named part: header and structure, encrypted key, IV,
 * ciphertext, tag.
 */
function tamperedDer(envelope: Buffer, classes: Record<string, [number, number]>): [string, Buffer][] {
  const label = (at: number) => Object.entries(classes).find(([, [start, length]]) => at >= start && at < start + length)?.[0] ?? 'header/structure';
  const out: [string, Buffer][] = [];
  for (let at = 0; at < envelope.length; at++) out.push([`${label(at)}@${at}^1`, flip(envelope, at, 0x01)]);
  for (const [name, [start, length]] of Object.entries(classes)) for (const at of spread(start, length)) out.push([`${name}@${at}^128`, flip(envelope, at, 0x80)]);
  const labels = new Set(out.map(([n]) => n.split('@')[0]));
  for (const name of ['header/structure', ...Object.keys(classes)]) expect(labels, name).toContain(name);
  return out;
}

async function answersTo(app: Railyard, key: string, envelopes: [string, string][]): Promise<Map<string, string[]>> {
  const byAnswer = new Map<string, string[]>();
  // small parallel batches: the legacy answers wait out their time floor
  for (let i = 0; i < envelopes.length; i += 16) {
    const batch = envelopes.slice(i, i + 16);
    const answers = await Promise.all(batch.map(([, e]) => payEncrypted(app, key, e)));
    answers.forEach((a, j) => {
      const f = fingerprint(a);
      byAnswer.set(f, [...(byAnswer.get(f) ?? []), batch[j]![0]]);
    });
  }
  return byAnswer;
}

async function jwks(app: Railyard): Promise<PublicJwk[]> {
  const r = await call(app, 'GET', '/v1/encryption-keys', KEYS.modern);
  expect(r.status).toBe(200);
  return r.body.keys;
}

describe('publishing the keys (rotation: two keys at once)', () => {
  it('JWKS lists both keys with kid, use and alg, current first; the PEM endpoint has both certificates in the same order', async () => {
    const r = await call(main, 'GET', '/v1/encryption-keys', KEYS.modern);
    expect(r.headers['content-type']).toContain('application/jwk-set+json');
    const keys: PublicJwk[] = r.body.keys;
    expect(keys.map((k) => [k.kty, k.use, k.alg])).toEqual([
      ['RSA', 'enc', 'RSA-OAEP-256'],
      ['EC', 'enc', 'ECDH-ES+A256KW'],
    ]);
    expect(new Set(keys.map((k) => k.kid)).size).toBe(2);
    for (const k of keys) expect(k.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(keys)).not.toMatch(/"(d|p|q|dp|dq|qi)":/);
    const pem = await call(main, 'GET', '/v1/encryption-certificate', KEYS.modern);
    const certs = TrustedCertificate.fromPem(pem.body);
    expect(certs.map((c) => c.fingerprint)).toEqual([pki.encRsa.cert, pki.encEc.cert].map((p) => TrustedCertificate.fromPem(pki.read(p))[0]!.fingerprint));
    expect(keys.map((k) => Buffer.from(k.x5c[0]!, 'base64').toString('base64'))).toEqual(certs.map((c) => c.x509.raw.toString('base64')));
    expect((await main.app.app.request('/v1/encryption-keys')).status).toBe(401);
  });

  it('the OpenAPI document describes the JWKS route and the accepted formats', async () => {
    const doc: any = await (await main.app.fetch(new Request('http://railyard.test/openapi.json'))).json();
    expect(doc.paths['/v1/encryption-keys'].get.responses['200'].content).toHaveProperty(['application/jwk-set+json']);
    expect(JSON.stringify(doc.components.schemas.PaymentMethodInput)).toMatch(/JWE compact serialization.*AuthEnvelopedData/);
    expect(doc.paths['/v1/payments'].post.responses).toHaveProperty('429');
  });
});

describe('accepted formats pay', () => {
  it('jose-made JWE to either key (RSA-OAEP-256 and ECDH-ES+A256KW, A256GCM) pays, card and bank account', async () => {
    const [rsa, ec] = await jwks(main);
    await expectPays(main, KEYS.modern, await encryptJwe(Buffer.from(cardJson()), rsa!), '4242');
    await expectPays(main, KEYS.modern, await encryptJwe(Buffer.from(JSON.stringify({ type: 'bank_account', bank_account: { iban: IBAN, name: 'Max Mustermann' } })), ec!), '3000');
  });

  it('OpenSSL-made AuthEnvelopedData (AES-256-GCM) to either key pays; so does Railyard-made', async () => {
    await expectPays(main, KEYS.modern, opensslEncrypt(cardJson(), pki.encRsa.cert, '-aes-256-gcm', OAEP).toString('base64'), '4242');
    // EC key, and base64 wrapped in lines as the `base64` tool prints it
    await expectPays(main, KEYS.modern, opensslEncrypt(cardJson(), pki.encEc.cert, '-aes-256-gcm').toString('base64').replace(/.{76}/g, '$&\n'), '4242');
    const ours = await encryptAuthEnveloped(Buffer.from(cardJson()), TrustedCertificate.fromPem(pki.read(pki.encRsa.cert))[0]!);
    await expectPays(main, KEYS.modern, Buffer.from(ours).toString('base64'), '4242');
  });

  it('authenticated content that is not a valid method is named (only the key holder could have made it)', async () => {
    const [rsa] = await jwks(main);
    const r = await payEncrypted(main, KEYS.modern, await encryptJwe(Buffer.from(cardJson({ exp_month: 13 })), rsa!));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'parameter_invalid', param: 'payment_method.encrypted' });
    expect(r.body.detail).toContain('card.exp_month');
  });

  it('legacy CBC EnvelopedData is refused, before any decryption, unless the merchant is configured for it', async () => {
    const cbc = opensslEncrypt(cardJson(), pki.encRsa.cert, '-aes-256-cbc', OAEP).toString('base64');
    const r = await payEncrypted(main, KEYS.modern, cbc);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'encrypted_format_not_accepted', param: 'payment_method.encrypted' });
    expect(watch.parsed).toBe(0);
    await expectPays(main, KEYS.legacy, cbc, '4242');
  });
});

describe('the padding-oracle attack learns nothing', () => {
  let undecryptable: string;

  beforeAll(async () => {
    // the reference answer: an envelope that is not for Railyard at all
    const stranger = opensslEncrypt(cardJson(), pki.stranger.cert, '-aes-256-gcm').toString('base64');
    undecryptable = fingerprint(await payEncrypted(main, KEYS.modern, stranger));
    expect(JSON.parse(undecryptable)).toMatchObject({ status: 422, body: { code: 'encrypted_payload_undecryptable', param: 'payment_method.encrypted' } });
  });

  const expectOneAnswer = (answers: Map<string, string[]>, expected: string) => {
    const odd = [...answers].filter(([a]) => a !== expected).map(([a, names]) => `${names.join(', ')} -> ${a.slice(0, 60)}`);
    expect(odd, `tampers answered differently: ${odd.join('; ')}`).toEqual([]);
    expect([...answers.keys()]).toEqual([expected]);
  };

  it.each(['RSA-OAEP-256', 'ECDH-ES+A256KW'])('JWE (%s): every tampered part gets the one answer, and no plaintext ever exists', async (alg) => {
    const jwk = (await jwks(main)).find((k) => k.alg === alg)!;
    const captured = await encryptJwe(Buffer.from(cardJson()), jwk);
    const parts = captured.split('.');
    expect(parts).toHaveLength(5);
    const names = ['header', 'encrypted key', 'IV', 'ciphertext', 'tag'];
    const tampered: [string, string][] = [];
    parts.forEach((part, i) => {
      const bytes = Buffer.from(part, 'base64url');
      for (let at = 0; at < bytes.length; at++) {
        for (const mask of spread(0, bytes.length).includes(at) ? [0x01, 0x80] : [0x01]) {
          const copy = [...parts];
          copy[i] = flip(bytes, at, mask).toString('base64url');
          tampered.push([`${names[i]}@${at}^${mask}`, copy.join('.')]);
        }
      }
    });
    // raw character swaps of the compact text too (may break its syntax: still the same answer)
    for (const at of [0, captured.indexOf('.') + 3, captured.length - 2]) tampered.push([`char@${at}`, captured.slice(0, at) + (captured[at] === 'A' ? 'B' : 'A') + captured.slice(at + 1)]);
    expect(tampered.length).toBeGreaterThan(300);
    watch.parsed = 0;
    expectOneAnswer(await answersTo(main, KEYS.modern, tampered), undecryptable);
    expect(watch.parsed).toBe(0);
    // and the captured one itself still pays: the attacker's envelope was a real one
    await expectPays(main, KEYS.modern, captured, '4242');
    expect(watch.parsed).toBe(1);
  });

  it.each([
    ['RSA-OAEP', () => pki.encRsa.cert, OAEP],
    ['ECDH', () => pki.encEc.cert, []],
  ] as const)('AuthEnvelopedData from OpenSSL (%s): every tampered part gets the one answer, and no plaintext ever exists', async (_n, cert, extra) => {
    const captured = opensslEncrypt(cardJson(), cert(), '-aes-256-gcm', [...extra]);
    const p = parseAuthEnvelopedDataDer(captured);
    const nonce = p.contentAlgorithm.params!.value.subarray(2, 14);
    expect(nonce).toHaveLength(12);
    const r = p.recipients[0]!;
    const key = r.kind === 'ktri' ? r.encryptedKey : r.keys[0]!.encryptedKey;
    const classes: Record<string, [number, number]> = {
      'encrypted key': [offsetIn(captured, key), key.length],
      IV: [offsetIn(captured, nonce), nonce.length],
      ciphertext: [offsetIn(captured, p.encryptedContent), p.encryptedContent.length],
      tag: [offsetIn(captured, p.mac), p.mac.length],
    };
    if (r.kind === 'kari') classes['ephemeral key'] = [offsetIn(captured, r.originatorKey), r.originatorKey.length];
    const tampered = tamperedDer(captured, classes).map(([n, b]) => [n, b.toString('base64')] as [string, string]);
    // also cut short and lengthened envelopes
    tampered.push(['truncated', captured.subarray(0, captured.length - 1).toString('base64')], ['extended', Buffer.concat([captured, Buffer.from([0])]).toString('base64')]);
    watch.parsed = 0;
    expectOneAnswer(await answersTo(main, KEYS.modern, tampered), undecryptable);
    expect(watch.parsed).toBe(0);
    await expectPays(main, KEYS.modern, captured.toString('base64'), '4242');
  });

  it('legacy CBC (merchant configured for it): tampers, the classic padding probe over 256 values, and every content failure get one answer, after the time floor', async () => {
    const captured = opensslEncrypt(cardJson(), pki.encRsa.cert, '-aes-256-cbc', OAEP);
    const p = parseEnvelopedDataDer(captured);
    const iv = p.contentAlgorithm.params!.value;
    const r = p.recipients[0]!;
    const key = r.kind === 'ktri' ? r.encryptedKey : Buffer.alloc(0);
    const ct = offsetIn(captured, p.encryptedContent);
    const tampered = tamperedDer(captured, {
      'encrypted key': [offsetIn(captured, key), key.length],
      IV: [offsetIn(captured, iv), iv.length],
      ciphertext: [ct, p.encryptedContent.length],
    }).map(([n, b]) => [n, b.toString('base64')] as [string, string]);
    // the attack itself: every value of the last byte of the block before the last one; exactly
    // one (or two) of them gives valid padding, which a vulnerable server told apart
    const probeAt = ct + p.encryptedContent.length - 17;
    for (let v = 0; v < 256; v++) {
      const b = Buffer.from(captured);
      b[probeAt] = v;
      if (v !== captured[probeAt]) tampered.push([`probe ${v}`, b.toString('base64')]);
    }
    // well-made envelopes whose content fails at each later step
    const cbc = (data: string, cert = pki.encRsa.cert) => opensslEncrypt(data, cert, '-aes-256-cbc', cert === pki.encRsa.cert ? OAEP : []).toString('base64');
    tampered.push(
      ['not json', cbc('card 4242424242424242 12/34')],
      ['json, not a method', cbc('{"type":"card"}')],
      ['schema', cbc(cardJson({ exp_month: 13 }))],
      ['luhn', cbc(cardJson({ number: '4242424242424241' }))],
      ['expired', cbc(cardJson({ exp_year: 2020 }))],
      ['iban check digits', cbc(JSON.stringify({ type: 'bank_account', bank_account: { iban: 'DE88370400440532013000', name: 'Max Mustermann' } }))],
      ['not for us', cbc(cardJson(), pki.stranger.cert)],
      ['truncated', captured.subarray(0, captured.length - 16).toString('base64')],
    );
    const answers = await answersTo(main, KEYS.legacy, tampered);
    expectOneAnswer(answers, undecryptable);
    // the time floor: no failure answered sooner than it (measured on a few sequentially)
    for (const [n, e] of tampered.slice(-8)) {
      const a = await payEncrypted(main, KEYS.legacy, e);
      expect(a.ms, `${n}: ${JSON.stringify(a.body)}`).toBeGreaterThanOrEqual(28);
    }
  });
});

describe('undecryptable envelopes are counted per merchant and rate-limited', () => {
  it('past the limit the merchant gets 429 for encrypted submissions, logged as a security event without content; others are not affected', async () => {
    const bad = opensslEncrypt(cardJson(), pki.stranger.cert, '-aes-256-gcm').toString('base64');
    const good = opensslEncrypt(cardJson(), pki.encRsa.cert, '-aes-256-gcm', OAEP).toString('base64');
    const cbcBad = flip(opensslEncrypt(cardJson(), pki.encRsa.cert, '-aes-256-cbc', OAEP), 40, 1).toString('base64');
    const before = logs.length;
    for (let i = 0; i < 5; i++) {
      const r = await payEncrypted(limited, KEYS.limited, i % 2 ? cbcBad : bad);
      expect(r.body.code, JSON.stringify(r.body)).toBe('encrypted_payload_undecryptable');
    }
    const blocked = await payEncrypted(limited, KEYS.limited, good);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ code: 'encrypted_payload_rate_limited', param: 'payment_method.encrypted' });
    expect(blocked.body.retry_after).toBeGreaterThan(500);
    // a 429 is not stored as the answer to its Idempotency-Key: the same request may pass after the window
    const again = order(good);
    expect((await call(limited, 'POST', '/v1/payments', KEYS.limited, again, 'idem-limited-retry')).status).toBe(429);
    const retried = await call(limited, 'POST', '/v1/payments', KEYS.limited, again, 'idem-limited-retry');
    expect(retried.status).toBe(429);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    // clear methods of the same merchant, and other merchants' envelopes, still go through
    const clear = await call(limited, 'POST', '/v1/payments', KEYS.limited, { ...order(''), payment_method: { type: 'card', card: { number: CARD, exp_month: 12, exp_year: 2034 } } });
    expect(clear.status).toBe(201);
    expect((await payEncrypted(limited, KEYS.other, good)).status).toBe(201);
    const logged = logs.slice(before).join('');
    const events = logs.slice(before).filter((l) => l.includes('"security_event":"encrypted_payload_failures"'));
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!)).toMatchObject({ merchant_id: 'mch_limited', failures: 5 });
    for (const secret of [bad, good, cbcBad, CARD, bad.slice(100, 140)]) expect(logged).not.toContain(secret);
  });
});

describe('configuration', () => {
  it('refuses legacy_cbc_envelopes without encryption keys and a malformed key list, naming the key', () => {
    const base = (security: string, merchantExtra: string) => {
      const path = join(dir, `bad-${++seq}.yaml`);
      writeFileSync(
        path,
        [
          'security:',
          `  data_keys: [{ id: k1, key_base64: ${Buffer.alloc(32, 7).toString('base64')} }]`,
          '  active_data_key: k1',
          `  mac_key_base64: ${Buffer.alloc(32, 9).toString('base64')}`,
          `  audit_keys: [{ id: au1, key_base64: ${Buffer.alloc(32, 4).toString('base64')} }]`,
          security,
          'merchants:',
          `  - { id: m1, name: M, api_keys: [{ key: ${KEYS.modern} }]${merchantExtra} }`,
          'connectors: [{ id: bank, type: sandbox }]',
          '',
        ].join('\n'),
      );
      try {
        loadConfigFile(path, { env: {} });
      } catch (err) {
        if (err instanceof ConfigError) return err.issues;
        throw err;
      }
      return [];
    };
    expect(base('', ', legacy_cbc_envelopes: true')).toEqual(['merchants[0].legacy_cbc_envelopes: needs security.encryption']);
    expect(base(`  encryption: [{ certificate: ${pki.encRsa.cert}, private_key: ${pki.encEc.key} }]`, '')[0]).toMatch(/^security\.encryption\[0\]: .*does not belong/);
    expect(base('  encryption: []', '')[0]).toMatch(/^security\.encryption/);
  });
});
