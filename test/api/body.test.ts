import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../../src/api/body.js';

/** readBody on Node's real HTTP server (the API tests call app.fetch, which takes hono's own path). */
describe('readBody over a real HTTP server', () => {
  let server: ServerType;
  let base: string;

  beforeAll(async () => {
    const app = new Hono();
    app.use('*', readBody(1_000, (c) => c.json({ code: 'body_too_large' }, 413)));
    app.post('/echo', async (c) => {
      const raw = new Uint8Array(await c.req.arrayBuffer());
      let json: unknown = null;
      try {
        json = await c.req.json();
      } catch {
        return c.json({ code: 'invalid_json' }, 400);
      }
      return c.json({ sha256: createHash('sha256').update(raw).digest('hex'), json });
    });
    app.post('/raw', async (c) => c.json({ sha256: createHash('sha256').update(new Uint8Array(await c.req.arrayBuffer())).digest('hex') }));
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

  it('hands the exact bytes and the parsed JSON to the handler', async () => {
    const text = '{ "amount": 1999,  "name": "Zoë" }';
    const r = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ sha256: sha(text), json: { amount: 1999, name: 'Zoë' } });
  });

  it('JSON behind a byte order mark parses, as fetch decodes it', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":2}')]);
    const r = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body });
    expect(await r.json()).toEqual({ sha256: sha(body), json: { a: 2 } });
  });

  it('malformed JSON still reaches the handler as bytes, and parsing them fails there', async () => {
    const r = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"amount": ' });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ code: 'invalid_json' });
  });

  it('a body that is not JSON is read as bytes only', async () => {
    const body = Buffer.from([0, 1, 2, 250, 251]);
    const r = await fetch(`${base}/raw`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
    expect(await r.json()).toEqual({ sha256: sha(body) });
  });

  it('413 when the declared length is over the limit', async () => {
    const r = await fetch(`${base}/raw`, { method: 'POST', body: 'x'.repeat(1_001) });
    expect(r.status).toBe(413);
  });

  it('413 when a chunked body (no length declared) grows past the limit', async () => {
    const chunks = [Buffer.alloc(600, 97), Buffer.alloc(600, 98)];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const r = await fetch(`${base}/raw`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(r.status).toBe(413);
  });

  it('a chunked body within the limit is read whole', async () => {
    const parts = ['{"a":', '1}'];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = parts.shift();
        if (next) controller.enqueue(new TextEncoder().encode(next));
        else controller.close();
      },
    });
    const r = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(await r.json()).toEqual({ sha256: sha('{"a":1}'), json: { a: 1 } });
  });
});
