import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createRailyard, startRailyard, type Railyard, type RunningRailyard } from '../../src/server.js';

let dir: string;
let railyard: Railyard;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'railyard-body-auth-'));
  railyard = await createRailyard(sandboxConfig({ RAILYARD_DATA_DIR: dir, RAILYARD_SANDBOX_RAILS: 'inprocess' }), { log: createLogger({ level: 'silent' }), startWorkers: false });
}, 60_000);
afterAll(async () => {
  await railyard?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A body that records whether anyone read it. */
function watchedBody(bytes: number): { stream: ReadableStream<Uint8Array>; pulled: () => boolean } {
  let pulled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled = true;
      controller.enqueue(new Uint8Array(bytes).fill(0x20));
      controller.close();
    },
  }, { highWaterMark: 0 }); // nothing is pulled until a reader asks
  return { stream, pulled: () => pulled };
}

const post = (path: string, key: string | null, body: ReadableStream<Uint8Array>) =>
  railyard.app.fetch(
    new Request(`http://railyard.test${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body,
      duplex: 'half',
    } as RequestInit),
  );

describe('request bodies are read after authentication', () => {
  it('no key or a wrong key: 401 without reading the body (even one past the size limit)', async () => {
    for (const key of [null, 'sk_wrong_key_0123456789']) {
      const b = watchedBody(2 * 1024 * 1024);
      const r = await post('/v1/payments', key, b.stream);
      expect(r.status).toBe(401);
      expect(b.pulled()).toBe(false);
    }
  });

  it('a push to a connector that takes none: 404 without reading the body', async () => {
    const b = watchedBody(1024);
    const r = await post('/v1/connectors/no-such-bank/inbound', null, b.stream);
    expect(r.status).toBe(404);
    expect(b.pulled()).toBe(false);
  });

  it('an authenticated caller still gets its body read and limited', async () => {
    const b = watchedBody(2 * 1024 * 1024);
    const r = await post('/v1/payments', 'sk_sandbox_railyard', b.stream);
    expect(r.status).toBe(413);
    expect(b.pulled()).toBe(true);
  });
});

describe('over real HTTP (the Node body reader)', () => {
  let running: RunningRailyard;
  let httpDir: string;
  beforeAll(async () => {
    httpDir = mkdtempSync(join(tmpdir(), 'railyard-body-auth-http-'));
    running = await startRailyard(sandboxConfig({ RAILYARD_DATA_DIR: httpDir, RAILYARD_SANDBOX_RAILS: 'inprocess', PORT: '0' }), { log: createLogger({ level: 'silent' }), startWorkers: false });
  }, 60_000);
  afterAll(async () => {
    await running?.stop();
    rmSync(httpDir, { recursive: true, force: true });
  });

  it('refuses an unauthenticated 2 MB POST with 401 (not 413: it was never read)', async () => {
    const r = await fetch(`${running.url}/v1/payments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk_wrong_key_0123456789' }, body: Buffer.alloc(2 * 1024 * 1024, 0x20) });
    expect(r.status).toBe(401);
    const ok = await fetch(`${running.url}/v1/payments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk_sandbox_railyard' }, body: Buffer.alloc(2 * 1024 * 1024, 0x20) });
    expect(ok.status).toBe(413);
  });
});
