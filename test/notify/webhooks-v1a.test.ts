import { createPublicKey, sign, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asymmetricSignatures, generateSigningKey, publicKeyOf, signingKeyObject } from '../../src/notify/webhooks/ed25519.js';
import { ROTATION_OVERLAP_MS } from '../../src/notify/webhooks/endpoints.js';
import { generateSecret } from '../../src/notify/webhooks/signature.js';
import { notifyHarness, OTHER_KEY, type NotifyHarness } from './helpers.js';

interface Delivery {
  id: string;
  timestamp: string;
  body: string;
  /** The `webhook-signature` header split into its entries. */
  signatures: string[];
}

/**
 * The merchant's side, written from the spec alone: it knows only the published `whpk_` keys (and,
 * where v1 is on, the `whsec_` secret for the `standardwebhooks` package), never anything of
 * Railyard's code. Answers 200 when some signature verifies, 401 otherwise.
 */
class Receiver {
  readonly received: Delivery[] = [];
  publicKeys: string[] = [];
  secrets: string[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const d: Delivery = {
          id: String(req.headers['webhook-id']),
          timestamp: String(req.headers['webhook-timestamp']),
          body: Buffer.concat(chunks).toString('utf8'),
          signatures: String(req.headers['webhook-signature'] ?? '').split(' ').filter(Boolean),
        };
        this.received.push(d);
        const ok = this.publicKeys.some((k) => this.v1aVerifies(d, k)) || this.secrets.some((s) => this.v1Verifies(d, s));
        res.writeHead(ok ? 200 : 401).end();
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Ed25519 with node:crypto: the `whpk_` body is the raw 32-byte key, wrapped here as SPKI DER. */
  v1aVerifies(d: Delivery, publicKey: string, body = d.body): boolean {
    const raw = Buffer.from(publicKey.slice('whpk_'.length), 'base64');
    const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });
    const content = Buffer.from(`${d.id}.${d.timestamp}.${body}`, 'utf8');
    return d.signatures.some((s) => s.startsWith('v1a,') && verify(null, content, key, Buffer.from(s.slice(4), 'base64')));
  }

  v1Verifies(d: Delivery, secret: string): boolean {
    try {
      new Webhook(secret).verify(d.body, { 'webhook-id': d.id, 'webhook-timestamp': d.timestamp, 'webhook-signature': d.signatures.join(' ') });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}

describe('Ed25519 (v1a) webhook signatures', () => {
  let h: NotifyHarness;
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = new Receiver();
    await receiver.start();
    h = await notifyHarness();
  });
  afterEach(async () => {
    await h.close();
    await receiver.close();
  });

  const deliverOnePayment = async (): Promise<Delivery[]> => {
    receiver.received.splice(0);
    await h.settle((await h.pay({ confirmation: 'none' })).id);
    await h.engine.drain();
    expect(receiver.received.length).toBeGreaterThan(0);
    return [...receiver.received];
  };

  it('an endpoint with v1a only: its public key is published, every delivery verifies with it and nothing else', async () => {
    const created = await h.call('POST', '/v1/webhook-endpoints', { url: receiver.url, signatures: ['v1a'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ signatures: ['v1a'], public_key: expect.stringMatching(/^whpk_[A-Za-z0-9+/]{43}=$/) });
    expect(created.body).not.toHaveProperty('secret');
    const publicKey: string = created.body.public_key;
    expect(created.body.public_keys).toEqual([{ public_key: publicKey, created_at: created.body.created_at, expires_at: null }]);
    // readable later too: the receiver can fetch it any time
    const listed = (await h.call('GET', '/v1/webhook-endpoints')).body.data[0];
    expect(listed).toMatchObject({ public_key: publicKey, signatures: ['v1a'] });

    receiver.publicKeys = [publicKey];
    const got = await deliverOnePayment();
    for (const d of got) {
      expect(d.signatures).toHaveLength(1);
      expect(d.signatures[0]).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
      expect(receiver.v1aVerifies(d, publicKey)).toBe(true);
      // the signature covers the body, and only this key made it
      expect(receiver.v1aVerifies(d, publicKey, d.body.replace('"EUR"', '"USD"'))).toBe(false);
      expect(receiver.v1aVerifies(d, generateSigningKey().publicKey)).toBe(false);
      expect(receiver.v1Verifies(d, generateSecret())).toBe(false);
    }
    const [first] = await h.store.listWebhookDeliveries(got[0]?.id ?? '');
    expect(first).toMatchObject({ status: 'delivered', lastStatusCode: 200 });

    // at rest the secret key is sealed: the stored record holds no trace of it
    const [endpoint] = await h.store.listWebhookEndpoints(h.merchant.id);
    const [secretKey] = h.webhooks.endpoints.signingKeys(endpoint!, h.clock.now()).map((k) => k.reveal());
    expect(secretKey).toMatch(/^whsk_/);
    expect(publicKeyOf(secretKey!)).toBe(publicKey);
    const stored = JSON.stringify(endpoint);
    expect(stored).not.toContain(secretKey!.slice('whsk_'.length, 'whsk_'.length + 40));
    expect(endpoint?.secrets).toEqual([]);
  });

  it('v1 and v1a together: both entries in one header, v1 verified by standardwebhooks, v1a by node:crypto', async () => {
    const secret = generateSecret();
    const created = await h.call('POST', '/v1/webhook-endpoints', { url: receiver.url, secret, signatures: ['v1', 'v1a'] });
    expect(created.body).toMatchObject({ secret, signatures: ['v1', 'v1a'] });
    receiver.secrets = [secret];
    for (const d of await deliverOnePayment()) {
      expect(d.signatures.map((s) => s.split(',')[0])).toEqual(['v1', 'v1a']);
      expect(receiver.v1Verifies(d, secret)).toBe(true);
      expect(receiver.v1aVerifies(d, created.body.public_key)).toBe(true);
    }
  });

  it('turns v1a on for an existing v1 endpoint, then rotates: the old key signs beside the new one until it expires', async () => {
    const secret = generateSecret();
    const created = await h.call('POST', '/v1/webhook-endpoints', { url: receiver.url, secret });
    expect(created.body).toMatchObject({ signatures: ['v1'], public_key: null, public_keys: [] });
    const id: string = created.body.id;

    const enabled = await h.call('POST', `/v1/webhook-endpoints/${id}/rotate-signing-key`);
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ signatures: ['v1', 'v1a'], public_key: expect.stringMatching(/^whpk_/) });
    expect(enabled.body).not.toHaveProperty('secret');
    const oldKey: string = enabled.body.public_key;
    receiver.secrets = [secret];
    for (const d of await deliverOnePayment()) {
      expect(d.signatures.map((s) => s.split(',')[0])).toEqual(['v1', 'v1a']);
      expect(receiver.v1aVerifies(d, oldKey)).toBe(true);
    }

    const rotatedAt = h.clock.now();
    const rotated = await h.call('POST', `/v1/webhook-endpoints/${id}/rotate-signing-key`);
    const newKey: string = rotated.body.public_key;
    expect(newKey).not.toBe(oldKey);
    expect(rotated.body.public_keys).toEqual([
      { public_key: oldKey, created_at: expect.any(String), expires_at: new Date(rotatedAt + ROTATION_OVERLAP_MS).toISOString() },
      { public_key: newKey, created_at: new Date(rotatedAt).toISOString(), expires_at: null },
    ]);
    for (const d of await deliverOnePayment()) {
      const v1a = d.signatures.filter((s) => s.startsWith('v1a,'));
      expect(v1a).toHaveLength(2);
      // each key verifies on its own: a receiver that knows only one of them keeps working
      expect(receiver.v1aVerifies({ ...d, signatures: [v1a[0]!] }, oldKey)).toBe(true);
      expect(receiver.v1aVerifies({ ...d, signatures: [v1a[1]!] }, newKey)).toBe(true);
      expect(receiver.v1aVerifies({ ...d, signatures: [v1a[0]!] }, newKey)).toBe(false);
      expect(receiver.v1Verifies(d, secret)).toBe(true);
    }

    // once the overlap is over only the new key signs, and only it is listed
    await h.advance(ROTATION_OVERLAP_MS + 1);
    for (const d of await deliverOnePayment()) {
      expect(d.signatures.filter((s) => s.startsWith('v1a,'))).toHaveLength(1);
      expect(receiver.v1aVerifies(d, newKey)).toBe(true);
      expect(receiver.v1aVerifies(d, oldKey)).toBe(false);
    }
    expect((await h.call('GET', '/v1/webhook-endpoints')).body.data[0]).toMatchObject({ public_key: newKey, public_keys: [{ public_key: newKey }] });
  });

  it('refuses impossible signature settings and other merchants, and documents the route', async () => {
    const bad = async (body: object) => (await h.call('POST', '/v1/webhook-endpoints', { url: receiver.url, ...body })).status;
    expect(await bad({ signatures: [] })).toBe(400);
    expect(await bad({ signatures: ['v2'] })).toBe(400);
    expect(await bad({ signatures: ['v1a', 'v1a'] })).toBe(400);
    const secretWithoutV1 = await h.call('POST', '/v1/webhook-endpoints', { url: receiver.url, secret: generateSecret(), signatures: ['v1a'] });
    expect(secretWithoutV1).toMatchObject({ status: 400, body: { code: 'invalid_signatures' } });
    expect((await h.call('GET', '/v1/webhook-endpoints')).body.data).toEqual([]);
    const mine = await h.call('POST', '/v1/webhook-endpoints', { url: receiver.url });
    expect((await h.call('POST', `/v1/webhook-endpoints/${mine.body.id}/rotate-signing-key`, undefined, OTHER_KEY)).status).toBe(404);
    expect((await h.call('POST', '/v1/webhook-endpoints/we_01JZZZZZZZZZZZZZZZZZZZZZZZ/rotate-signing-key')).status).toBe(404);
    const spec = (await h.call('GET', '/openapi.json')).body as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toContain('/v1/webhook-endpoints/{id}/rotate-signing-key');
  });
});

describe('whsk_ / whpk_ keys', () => {
  // RFC 8032 section 7.1, test 1: seed, public key, and the signature of the empty message
  const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
  const pub = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
  const sig = 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
  const whsk = (b: Buffer) => `whsk_${b.toString('base64')}`;

  it('reads the 64-byte seed-and-public-key form and a bare 32-byte seed to the same key (RFC 8032 vector)', () => {
    for (const k of [whsk(Buffer.concat([seed, pub])), whsk(seed)]) {
      expect(publicKeyOf(k)).toBe(`whpk_${pub.toString('base64')}`);
      expect(sign(null, Buffer.alloc(0), signingKeyObject(k)).toString('hex')).toBe(sig);
    }
  });

  it('generates 64-byte secret keys whose second half is the public key', () => {
    const { secretKey, publicKey } = generateSigningKey();
    const bytes = Buffer.from(secretKey.slice(5), 'base64');
    expect(bytes).toHaveLength(64);
    expect(`whpk_${bytes.subarray(32).toString('base64')}`).toBe(publicKey);
    expect(publicKeyOf(secretKey)).toBe(publicKey);
  });

  it('signs `${id}.${timestamp}.${body}`, one v1a entry per key', () => {
    const a = generateSigningKey();
    const b = generateSigningKey();
    const entries = asymmetricSignatures('evt_1', 1700000000, '{"x":1}', [a.secretKey, b.secretKey]);
    expect(entries).toHaveLength(2);
    const content = Buffer.from('evt_1.1700000000.{"x":1}');
    const spki = (p: string) => createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(p.slice(5), 'base64')]), format: 'der', type: 'spki' });
    expect(verify(null, content, spki(a.publicKey), Buffer.from(entries[0]!.slice(4), 'base64'))).toBe(true);
    expect(verify(null, content, spki(b.publicKey), Buffer.from(entries[1]!.slice(4), 'base64'))).toBe(true);
  });

  it('refuses malformed keys with a clear message and without echoing them', () => {
    expect(() => signingKeyObject(`whsec_${seed.toString('base64')}`)).toThrow(/must start with whsk_/);
    expect(() => signingKeyObject('whsk_not base64!')).toThrow(/base64/);
    expect(() => signingKeyObject(whsk(seed.subarray(0, 31)))).toThrow(/32-byte seed or 64 bytes/);
    expect(() => signingKeyObject(whsk(Buffer.concat([seed, Buffer.alloc(32)])))).toThrow(/public half does not belong/);
    try {
      signingKeyObject(whsk(Buffer.concat([seed, Buffer.alloc(32)])));
    } catch (err) {
      expect(String(err)).not.toContain(seed.toString('base64').slice(0, 20));
    }
  });
});
