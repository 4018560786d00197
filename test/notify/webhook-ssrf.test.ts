/**
 * SSRF through webhook endpoints (issue 12). Network rule: nothing here connects outside loopback.
 * Refused classes are shown with a fake resolver (the refusal happens before any socket); the
 * "public" address a fake name resolves to is only ever checked, never connected to.
 */
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../mocks/webhook-receiver/index.js';
import { resolveConfig, sandboxConfig } from '../../src/config.js';
import { DestinationPolicy, DestinationRefused, type ResolvedAddress, type Resolver } from '../../src/notify/webhooks/destination.js';
import { MAX_RESPONSE_BODY_BYTES, postWebhook } from '../../src/notify/webhooks/send.js';
import { generateSecret } from '../../src/notify/webhooks/signature.js';
import { notifyHarness, type NotifyHarness } from './helpers.js';

/** A public address (example.com's): checked by the policy, never dialled by these tests. */
const PUBLIC = '93.184.215.14';

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });

/** A resolver from a table; records every name it was asked. */
function fakeResolver(table: Record<string, ResolvedAddress[] | Error>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const r = async (name: string): Promise<ResolvedAddress[]> => {
    asked.push(name);
    const answer = table[name];
    if (answer instanceof Error) throw answer;
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return answer;
  };
  return Object.assign(r, { asked });
}

const refusal = async (policy: DestinationPolicy, url: string): Promise<DestinationRefused> => {
  try {
    await policy.check(url);
  } catch (err) {
    if (err instanceof DestinationRefused) return err;
    throw err;
  }
  throw new Error(`${url} was not refused`);
};

describe('webhook destinations (no sockets)', () => {
  const resolver = fakeResolver({
    localhost: [v4('127.0.0.1'), v6('::1')],
    'loopback.attacker.test': [v4('127.0.0.1')],
    'metadata.attacker.test': [v4('169.254.169.254')],
    'v6.attacker.test': [v6('fd00:ec2::254')],
    'mapped.attacker.test': [v6('::ffff:10.0.0.1')],
    'mixed.attacker.test': [v4(PUBLIC), v4('10.1.2.3')],
    'shop.example.test': [v4(PUBLIC)],
    'hang.test': new Error('never used'),
  });
  const policy = new DestinationPolicy({ resolver, resolveTimeoutMs: 200 });

  const literals: [string, string][] = [
    ['http://127.0.0.1:8080/', 'loopback'],
    ['http://127.1.2.3/', 'loopback'],
    ['http://[::1]:8080/', 'loopback'],
    ['http://2130706433/', 'loopback'], // decimal form of 127.0.0.1, normalised by the URL parser
    ['http://0x7f.0.0.1/', 'loopback'],
    ['http://0/', 'unspecified'],
    ['http://0.0.0.0:8080/', 'unspecified'],
    ['http://169.254.169.254/latest/meta-data/', 'link_local'],
    ['http://10.0.0.1/', 'private'],
    ['http://172.20.0.1/', 'private'],
    ['http://192.168.0.1/', 'private'],
    ['http://100.64.1.1/', 'shared'],
    ['http://100.100.100.200/', 'shared'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://198.51.100.1/', 'documentation'],
    ['http://198.18.0.1/', 'benchmarking'],
    ['http://[fe80::1]/', 'link_local'],
    ['http://[fc00::1]/', 'unique_local'],
    ['http://[fd00:ec2::254]/', 'metadata'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[::ffff:127.0.0.1]/', 'ipv4_embedded'],
    ['http://[::ffff:a9fe:a9fe]/', 'ipv4_embedded'],
    ['http://[::127.0.0.1]/', 'ipv4_embedded'],
    ['http://[64:ff9b::7f00:1]/', 'ipv4_embedded'],
    ['http://[2002:7f00:1::]/', 'ipv4_embedded'],
    ['ftp://93.184.215.14/', 'bad_url'],
    [`http://user:pw@${PUBLIC}/`, 'bad_url'],
  ];

  it.each(literals)('refuses %s (%s) without asking DNS', async (url, why) => {
    const before = resolver.asked.length;
    expect((await refusal(policy, url)).reason).toBe(why);
    expect(resolver.asked.length).toBe(before);
  });

  it('refuses names that resolve inside, including localhost and a name answering one public and one private address', async () => {
    expect((await refusal(policy, 'http://localhost:8080/v1/payments')).reason).toBe('loopback');
    expect((await refusal(policy, 'https://loopback.attacker.test/hook')).reason).toBe('loopback');
    expect((await refusal(policy, 'https://metadata.attacker.test/')).reason).toBe('link_local');
    expect((await refusal(policy, 'https://v6.attacker.test/')).reason).toBe('metadata');
    expect((await refusal(policy, 'https://mapped.attacker.test/')).reason).toBe('ipv4_embedded');
    expect((await refusal(policy, 'https://mixed.attacker.test/')).reason).toBe('private');
    expect((await refusal(policy, 'https://nxdomain.test/')).reason).toBe('unresolvable');
  });

  it('gives up on a lookup that does not answer', async () => {
    const slow = new DestinationPolicy({ resolver: () => new Promise(() => undefined), resolveTimeoutMs: 50 });
    expect((await refusal(slow, 'https://slow.test/')).reason).toBe('unresolvable');
  });

  it('answers every refusal with the same words (no map of the inside)', async () => {
    const messages = new Set<string>();
    for (const url of ['http://127.0.0.1/', 'https://nxdomain.test/', 'https://metadata.attacker.test/', 'http://[::1]/']) messages.add((await refusal(policy, url)).message);
    expect([...messages]).toEqual(['url must be an http(s) URL of a publicly reachable host']);
  });

  it('allows a public name and returns the address it checked', async () => {
    expect(await policy.check('https://shop.example.test/hooks')).toMatchObject({ address: PUBLIC, family: 4 });
  });

  it('allows private destinations only from the allow-list, by address and port or by name and port', async () => {
    const allowing = new DestinationPolicy({ resolver, allowPrivate: ['127.0.0.1:9000', 'localhost:4000', '[::1]:9001'] });
    await expect(allowing.check('http://127.0.0.1:9000/x')).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(allowing.check('http://localhost:4000/x')).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(allowing.check('http://[0:0::1]:9001/x')).resolves.toMatchObject({ address: '::1' });
    expect((await refusal(allowing, 'http://127.0.0.1:9001/x')).reason).toBe('loopback');
    expect((await refusal(allowing, 'http://localhost:8080/x')).reason).toBe('loopback');
    expect((await refusal(allowing, 'http://169.254.169.254:9000/x')).reason).toBe('link_local');
  });
});

describe('webhook endpoints API refuses inside URLs', () => {
  let h: NotifyHarness | undefined;
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await h?.close();
    await receiver?.close();
    h = undefined;
    receiver = undefined;
  });

  it('422 url_not_allowed naming url, one answer for every class; nothing is stored', async () => {
    h = await notifyHarness({ allowPrivate: [], resolver: fakeResolver({ localhost: [v4('127.0.0.1')], 'rebind.attacker.test': [v4('127.0.0.1')] }) });
    const urls = [
      'http://127.0.0.1:8080/',
      'http://[::1]:8080/',
      'http://localhost:8080/v1/payments',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:127.0.0.1]:8080/',
      'http://[fd00::1]/',
      'https://rebind.attacker.test/hook',
      'https://does-not-exist.test/',
    ];
    const details = new Set<string>();
    for (const url of urls) {
      const r = await h.call('POST', '/v1/webhook-endpoints', { url });
      expect(r.status, url).toBe(422);
      expect(r.body).toMatchObject({ code: 'url_not_allowed', param: 'url' });
      expect(r.body.detail).not.toContain('127.0.0.1');
      details.add(r.body.detail);
    }
    expect(details.size).toBe(1);
    expect((await h.call('GET', '/v1/webhook-endpoints')).body.data).toEqual([]);
  });

  it('checks again at delivery: a name that later resolves to 127.0.0.1 gets nothing, and the failure says nothing about the port', async () => {
    receiver = await startWebhookReceiver({ secrets: [generateSecret()] });
    const port = new URL(receiver.url).port;
    const table: Record<string, ResolvedAddress[]> = { 'shop.attacker.test': [v4(PUBLIC)] };
    h = await notifyHarness({ allowPrivate: [], resolver: fakeResolver(table) });
    const created = await h.call('POST', '/v1/webhook-endpoints', { url: `http://shop.attacker.test:${port}/webhooks` });
    expect(created.status).toBe(201);
    // DNS rebinding: the name now points at the receiver on loopback (before any delivery is made)
    table['shop.attacker.test'] = [v4('127.0.0.1')];
    const p = await h.settle((await h.pay()).id);
    expect(p.status).toBe('succeeded');
    await h.engine.drain();
    await h.webhooks.worker.idle();
    expect(receiver.received).toEqual([]);
    const events = (await h.call('GET', '/v1/events')).body.data as { id: string }[];
    expect(events.length).toBeGreaterThan(0);
    const tried = [];
    for (const e of events) tried.push(...(await h.store.listWebhookDeliveries(e.id)).filter((d) => d.attempts > 0));
    expect(tried.length).toBeGreaterThan(0);
    for (const d of tried) expect(d).toMatchObject({ lastStatusCode: null, lastError: 'destination_refused' });
    const [endpoint] = (await h.call('GET', '/v1/webhook-endpoints')).body.data;
    expect(endpoint.consecutive_failures).toBeGreaterThan(0);
  }, 30_000);
});

/** A loopback HTTP server for one behaviour; `hits` counts requests. */
async function server(handler: (req: IncomingMessage, res: ServerResponse) => void, host = '127.0.0.1'): Promise<{ port: number; hits: () => number; srv: Server }> {
  let hits = 0;
  const srv = createServer((req, res) => {
    hits++;
    req.resume();
    handler(req, res);
  });
  await new Promise<void>((r) => srv.listen(0, host, r));
  return { port: (srv.address() as AddressInfo).port, hits: () => hits, srv };
}

describe('a webhook POST on loopback receivers (allowed by the allow-list)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });
  const post = (url: string, policy: DestinationPolicy, timeoutMs = 2_000) => postWebhook({ url, destinations: policy, timeoutMs, headers: { 'content-type': 'application/json' }, body: '{}' });

  it('connects to the address it checked: no second resolution of the name', async () => {
    // The receiver listens on 127.0.0.3 only. The URL says "localhost", which the OS would resolve
    // to 127.0.0.1 (nothing listens there on this port): only the pinned address can reach it.
    const target = await server((_q, res) => res.writeHead(204).end(), '127.0.0.3');
    servers.push(target.srv);
    const resolver = fakeResolver({ localhost: [v4('127.0.0.3')] });
    const policy = new DestinationPolicy({ resolver, allowPrivate: [`127.0.0.3:${target.port}`] });
    expect(await post(`http://localhost:${target.port}/hook`, policy)).toEqual({ ok: true, statusCode: 204, error: null });
    expect(target.hits()).toBe(1);
    expect(resolver.asked).toEqual(['localhost']);
  });

  it('follows no redirect, not even to an allowed address', async () => {
    const inside = await server((_q, res) => res.writeHead(200).end('secret'));
    const redirecting = await server((_q, res) => res.writeHead(302, { location: `http://127.0.0.1:${inside.port}/v1/payments` }).end());
    servers.push(inside.srv, redirecting.srv);
    const policy = new DestinationPolicy({ allowPrivate: [`127.0.0.1:${redirecting.port}`, `127.0.0.1:${inside.port}`] });
    expect(await post(`http://127.0.0.1:${redirecting.port}/hook`, policy)).toEqual({ ok: false, statusCode: 302, error: 'HTTP 302' });
    expect(redirecting.hits()).toBe(1);
    expect(inside.hits()).toBe(0);
  });

  it('reads at most a capped amount of an endless answer', async () => {
    let written = 0;
    let closed = false;
    const chunk = Buffer.alloc(16 * 1024, 97);
    const endless = await server((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.on('close', () => (closed = true));
      const pump = (): void => {
        while (!closed && res.write(chunk)) written += chunk.length;
        if (!closed) res.once('drain', pump);
      };
      pump();
    });
    servers.push(endless.srv);
    const policy = new DestinationPolicy({ allowPrivate: [`127.0.0.1:${endless.port}`] });
    const started = Date.now();
    expect(await post(`http://127.0.0.1:${endless.port}/`, policy)).toMatchObject({ ok: true, statusCode: 200 });
    expect(Date.now() - started).toBeLessThan(1_500);
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(true);
    // what the server managed to push before the cut: socket buffers plus the cap, far from endless
    expect(written).toBeLessThan(MAX_RESPONSE_BODY_BYTES + 8 * 1_048_576);
  });

  it('gives a receiver that never answers, or trickles its answer, one deadline', async () => {
    const silent = await server(() => undefined);
    const trickle = await server((_q, res) => {
      res.writeHead(200);
      const t = setInterval(() => res.write('.'), 20);
      res.on('close', () => clearInterval(t));
    });
    servers.push(silent.srv, trickle.srv);
    const policy = new DestinationPolicy({ allowPrivate: ['127.0.0.1'] });
    let started = Date.now();
    expect(await post(`http://127.0.0.1:${silent.port}/`, policy, 300)).toEqual({ ok: false, statusCode: null, error: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1_500);
    started = Date.now();
    await post(`http://127.0.0.1:${trickle.port}/`, policy, 300);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('refuses an oversized header block', async () => {
    const big = await server((_q, res) => res.writeHead(200, { 'x-filler': 'a'.repeat(64 * 1024) }).end());
    servers.push(big.srv);
    const policy = new DestinationPolicy({ allowPrivate: [`127.0.0.1:${big.port}`] });
    expect(await post(`http://127.0.0.1:${big.port}/`, policy)).toEqual({ ok: false, statusCode: null, error: 'no_response' });
  });

  it('never dials a refused address: the answer is the same whether a port is open or closed', async () => {
    const open = await server((_q, res) => res.writeHead(200).end());
    servers.push(open.srv);
    const policy = new DestinationPolicy();
    const a = await post(`http://127.0.0.1:${open.port}/`, policy);
    const b = await post('http://127.0.0.1:1/', policy);
    expect(a).toEqual({ ok: false, statusCode: null, error: 'destination_refused' });
    expect(b).toEqual(a);
    expect(open.hits()).toBe(0);
  });
});

describe('webhook allow-list configuration', () => {
  const base = {
    security: { data_keys: [{ id: 'k1', key_base64: Buffer.alloc(32, 1).toString('base64') }], active_data_key: 'k1', mac_key_base64: Buffer.alloc(32, 2).toString('base64'), audit_keys: [{ id: 'au1', key_base64: Buffer.alloc(32, 4).toString('base64') }] },
    merchants: [{ id: 'shop', name: 'Shop', api_keys: [{ sha256: 'a'.repeat(64) }] }],
    connectors: [{ id: 'sandbox', type: 'sandbox' }],
  };

  it('production has no private destination unless listed; entries are checked', () => {
    expect(resolveConfig(base, { env: {} }).webhooks).toBeUndefined();
    expect(resolveConfig({ ...base, webhooks: { allow_private: ['10.0.0.8:8443'] } }, { env: {} }).webhooks).toEqual({ allowPrivate: ['10.0.0.8:8443'] });
    expect(() => resolveConfig({ ...base, webhooks: { allow_private: ['http://10.0.0.8/'] } }, { env: {} })).toThrow(/webhooks\.allow_private\[0\]: must be host:port/);
  });

  it("the sandbox allows exactly its own receiver's host and port (and RAILYARD_WEBHOOKS_ALLOW_PRIVATE)", () => {
    const dir = `/tmp/railyard-ssrf-${process.pid}-${Date.now()}`;
    expect(sandboxConfig({ RAILYARD_DATA_DIR: dir }).webhooks).toBeUndefined();
    const c = sandboxConfig({ RAILYARD_DATA_DIR: dir, RAILYARD_SANDBOX_WEBHOOK_URL: 'http://127.0.0.1:4567/hooks', RAILYARD_WEBHOOKS_ALLOW_PRIVATE: '[::1]:3000' });
    expect(c.webhooks).toEqual({ allowPrivate: ['127.0.0.1:4567', '[::1]:3000'] });
    expect(() => sandboxConfig({ RAILYARD_DATA_DIR: dir, RAILYARD_WEBHOOKS_ALLOW_PRIVATE: 'nope:' })).toThrow(/RAILYARD_WEBHOOKS_ALLOW_PRIVATE/);
    rmSync(dir, { recursive: true, force: true });
  });
});
