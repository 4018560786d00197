import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpTransport, MockTransport, replyWith, type BankTransport } from '../../src/iso20022/transport/index.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A loopback server whose behaviour each test sets, counting what actually arrived. */
function loopback(create: (h: (req: IncomingMessage, res: ServerResponse) => void) => Server) {
  let handler: Handler = (_req, _body, res) => res.end('ok');
  const received: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
  const server = create((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, body, res);
    });
  });
  return {
    server,
    received,
    set: (h: Handler) => (handler = h),
    listen: () => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port))),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

describe('http transport', () => {
  const srv = loopback((h) => createHttpServer(h));
  let port = 0;
  let transport: BankTransport;
  beforeAll(async () => {
    port = await srv.listen();
  });
  afterEach(async () => {
    await transport?.close();
    srv.received.length = 0;
  });
  afterAll(() => srv.close());

  it('posts the body to base URL + path and returns the reply as it is', async () => {
    srv.set((_req, body, res) => {
      res.writeHead(202, { 'content-type': 'application/xml', 'x-bank-ref': 'B-1' });
      res.end(`<echo>${body}</echo>`);
    });
    transport = createHttpTransport({ baseUrl: `http://127.0.0.1:${port}/api/`, headers: { 'x-api-key': 'k1' } });
    const r = await transport.send({ path: '/payments', body: '<Document/>' });
    expect(r).toMatchObject({ kind: 'reply', status: 202, body: '<echo><Document/></echo>', headers: { 'x-bank-ref': 'B-1' } });
    expect(srv.received).toHaveLength(1);
    expect(srv.received[0]).toMatchObject({ method: 'POST', url: '/api/payments', body: '<Document/>' });
    expect(srv.received[0]?.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(srv.received[0]?.headers['x-api-key']).toBe('k1');
  });

  it('passes error statuses through for the connector to read', async () => {
    srv.set((_req, _body, res) => {
      res.writeHead(503);
      res.end('busy');
    });
    transport = createHttpTransport({ baseUrl: `http://127.0.0.1:${port}` });
    expect(await transport.send({ path: '/x', body: 'a' })).toMatchObject({ kind: 'reply', status: 503, body: 'busy' });
  });

  it('signs the exact body bytes and sends the headers the hook returns', async () => {
    srv.set((_req, _body, res) => res.end('ok'));
    const seen: string[] = [];
    transport = createHttpTransport({
      baseUrl: `http://127.0.0.1:${port}`,
      sign: async (body, headers) => {
        seen.push(Buffer.from(body).toString('utf8'));
        return { ...headers, 'x-signature': `sig:${body.byteLength}` };
      },
    });
    await transport.send({ path: '/p', body: 'Müller' });
    expect(seen).toEqual(['Müller']);
    expect(srv.received[0]?.headers['x-signature']).toBe(`sig:${Buffer.byteLength('Müller')}`);
  });

  it('an enveloping hook replaces the body and its content-type; the POST still goes once', async () => {
    srv.set((_req, _body, res) => res.end('ok'));
    transport = createHttpTransport({
      baseUrl: `http://127.0.0.1:${port}`,
      sign: async (body, headers) => ({
        headers: { ...headers, 'content-type': 'application/pkcs7-mime; smime-type=signed-data' },
        body: Buffer.from(`wrapped(${Buffer.from(body).toString('utf8')})`),
      }),
    });
    expect(await transport.send({ path: '/payments', body: '<Document/>' })).toMatchObject({ kind: 'reply', status: 200 });
    expect(srv.received).toHaveLength(1);
    expect(srv.received[0]?.body).toBe('wrapped(<Document/>)');
    expect(srv.received[0]?.headers['content-type']).toBe('application/pkcs7-mime; smime-type=signed-data');
    expect(srv.received[0]?.headers['content-length']).toBe(String(Buffer.byteLength('wrapped(<Document/>)')));
  });

  it('keeps the exact bytes of a binary reply beside its UTF-8 reading', async () => {
    const der = Buffer.from([0x30, 0x82, 0x01, 0xff, 0x00, 0xc3, 0x28]);
    srv.set((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/pkcs7-mime' });
      res.end(der);
    });
    transport = createHttpTransport({ baseUrl: `http://127.0.0.1:${port}` });
    const r = await transport.send({ path: '/p', body: 'x' });
    expect(r.kind === 'reply' && r.raw !== undefined && Buffer.from(r.raw).equals(der)).toBe(true);
    expect(r.kind === 'reply' && Buffer.from(r.body, 'utf8').equals(der)).toBe(false);
  });

  it('a failing signing hook is not_sent and nothing reaches the bank', async () => {
    transport = createHttpTransport({
      baseUrl: `http://127.0.0.1:${port}`,
      sign: async () => {
        throw new Error('HSM offline');
      },
    });
    expect(await transport.send({ path: '/p', body: 'x' })).toMatchObject({ kind: 'not_sent', reason: expect.stringContaining('HSM offline') });
    expect(srv.received).toHaveLength(0);
  });

  it('a refused connection is not_sent', async () => {
    const closed = loopback((h) => createHttpServer(h));
    const deadPort = await closed.listen();
    await closed.close();
    transport = createHttpTransport({ baseUrl: `http://127.0.0.1:${deadPort}` });
    expect(await transport.send({ path: '/p', body: 'x' })).toMatchObject({ kind: 'not_sent', code: 'ECONNREFUSED' });
  });

  it('a timeout after sending is unknown, and the POST is not retried', async () => {
    srv.set(() => undefined); // never answers
    transport = createHttpTransport({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 150 });
    const started = Date.now();
    const r = await transport.send({ path: '/p', body: 'pay' });
    expect(r).toMatchObject({ kind: 'unknown', code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(srv.received).toHaveLength(1);
  });

  it('a per-request timeout overrides the default', async () => {
    srv.set((_req, _body, res) => setTimeout(() => res.end('late'), 300));
    transport = createHttpTransport({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 50 });
    expect(await transport.send({ path: '/p', body: 'x', timeoutMs: 2_000 })).toMatchObject({ kind: 'reply', body: 'late' });
  });

  it('a connection reset after the request was written is unknown, sent once', async () => {
    srv.set((req) => req.socket.destroy());
    transport = createHttpTransport({ baseUrl: `http://127.0.0.1:${port}` });
    expect(await transport.send({ path: '/p', body: 'pay' })).toMatchObject({ kind: 'unknown' });
    await new Promise((r) => setTimeout(r, 100));
    expect(srv.received).toHaveLength(1);
  });

  it('the caller aborting is unknown', async () => {
    srv.set(() => undefined);
    transport = createHttpTransport({ baseUrl: `http://127.0.0.1:${port}` });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('shutdown')), 50);
    expect(await transport.send({ path: '/p', body: 'x', signal: ac.signal })).toMatchObject({ kind: 'unknown', code: 'aborted' });
  });

  it('an oversized reply is unknown, not truncated', async () => {
    srv.set((_req, _body, res) => res.end('x'.repeat(5_000)));
    transport = createHttpTransport({ baseUrl: `http://127.0.0.1:${port}`, maxReplyBytes: 1_000 });
    expect(await transport.send({ path: '/p', body: 'x' })).toMatchObject({ kind: 'unknown' });
  });
});

describe('http transport with mutual TLS', () => {
  let dir = '';
  const pem = (name: string) => readFileSync(join(dir, name), 'utf8');
  let srv: ReturnType<typeof loopback>;
  let port = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'railyard-mtls-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test Bank CA');
    for (const [name, ext] of [['server', 'subjectAltName=IP:127.0.0.1'], ['client', 'extendedKeyUsage=clientAuth']] as const) {
      writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
      ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
    }
    srv = loopback((h) => createHttpsServer({ key: pem('server.key'), cert: pem('server.pem'), ca: pem('ca.pem'), requestCert: true, rejectUnauthorized: true }, h));
    srv.set((req, _body, res) => res.end(`hello ${(req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '?'}`));
    port = await srv.listen();
  });
  afterAll(async () => {
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('presents the client certificate and checks the bank against the given CA', async () => {
    const t = createHttpTransport({ baseUrl: `https://127.0.0.1:${port}`, tls: { key: pem('client.key'), cert: pem('client.pem'), ca: pem('ca.pem') } });
    try {
      expect(await t.send({ path: '/p', body: 'x' })).toMatchObject({ kind: 'reply', status: 200, body: 'hello client' });
    } finally {
      await t.close();
    }
  });

  it('an untrusted bank certificate is not_sent: nothing left the client', async () => {
    const before = srv.received.length;
    const t = createHttpTransport({ baseUrl: `https://127.0.0.1:${port}`, tls: { key: pem('client.key'), cert: pem('client.pem') } });
    try {
      expect(await t.send({ path: '/p', body: 'x' })).toMatchObject({ kind: 'not_sent' });
      expect(srv.received.length).toBe(before);
    } finally {
      await t.close();
    }
  });

  it('without a client certificate the bank never reads the request', async () => {
    const before = srv.received.length;
    const t = createHttpTransport({ baseUrl: `https://127.0.0.1:${port}`, tls: { ca: pem('ca.pem') } });
    try {
      const r = await t.send({ path: '/p', body: 'x' });
      expect(r.kind).not.toBe('reply');
      expect(srv.received.length).toBe(before);
    } finally {
      await t.close();
    }
  });
});

describe('mock transport', () => {
  it('records requests and answers from the queue, then the handler', async () => {
    const m = new MockTransport(() => replyWith('<handled/>'));
    m.enqueue({ kind: 'unknown', reason: 'scripted timeout' });
    expect(await m.send({ path: '/a', body: new TextEncoder().encode('<one/>') })).toMatchObject({ kind: 'unknown' });
    expect(await m.send({ path: '/b', body: '<two/>' })).toMatchObject({ kind: 'reply', body: '<handled/>' });
    expect(m.requests.map((r) => [r.path, r.bodyText])).toEqual([
      ['/a', '<one/>'],
      ['/b', '<two/>'],
    ]);
    await m.close();
    expect(await m.send({ path: '/c' })).toMatchObject({ kind: 'not_sent' });
  });

  it('applies a signing hook as the HTTP transport does: detached adds headers, enveloping replaces the body', async () => {
    const detached = new MockTransport(() => replyWith('<ok/>'), { sign: async (body, headers) => ({ ...headers, 'x-signature': `sig:${body.byteLength}` }) });
    await detached.send({ path: '/a', body: 'Müller' });
    expect(detached.requests[0]).toMatchObject({ bodyText: 'Müller', headers: { 'x-signature': `sig:${Buffer.byteLength('Müller')}` }, contentType: 'application/xml; charset=utf-8' });

    const enveloping = new MockTransport(() => replyWith('<ok/>'), {
      sign: async (body, headers) => ({ headers: { ...headers, 'content-type': 'application/pkcs7-mime' }, body: Uint8Array.from([0x30, ...body]) }),
    });
    await enveloping.send({ path: '/b', body: '<x/>' });
    const sent = enveloping.requests[0];
    expect(sent?.contentType).toBe('application/pkcs7-mime');
    expect(Buffer.from(sent?.body instanceof Uint8Array ? sent.body : new Uint8Array()).equals(Buffer.from([0x30, ...Buffer.from('<x/>')]))).toBe(true);

    const failing = new MockTransport(() => replyWith('<ok/>'), {
      sign: async () => {
        throw new Error('HSM offline');
      },
    });
    expect(await failing.send({ path: '/c', body: 'x' })).toMatchObject({ kind: 'not_sent', reason: expect.stringContaining('HSM offline') });
    expect(failing.requests).toHaveLength(0);
  });

  it('replyWith keeps a binary body as raw bytes', () => {
    const der = Uint8Array.from([0x30, 0xff, 0x00]);
    const r = replyWith(der);
    expect(r.kind === 'reply' && r.raw).toBe(der);
  });
});
