import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxConfig, type RailyardConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { StartupError, startRailyard, type RunningRailyard } from '../src/server.js';

const KEY = 'sk_sandbox_railyard';
const auth = { authorization: `Bearer ${KEY}` };

const dirs: string[] = [];
const running: RunningRailyard[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sandbox = (): RailyardConfig => {
  const dir = mkdtempSync(join(tmpdir(), 'railyard-server-'));
  dirs.push(dir);
  return sandboxConfig({ RAILYARD_DATA_DIR: dir, PORT: '0' });
};

const start = async (config: RailyardConfig = sandbox()): Promise<RunningRailyard> => {
  const r = await startRailyard(config, { log: silentLogger() });
  running.push(r);
  return r;
};

describe('startRailyard (sandbox)', () => {
  it('serves /healthz on a free port', async () => {
    const r = await start();
    expect(r.port).toBeGreaterThan(0);
    expect(r.url).toBe(`http://127.0.0.1:${r.port}`);
    const res = await fetch(`${r.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('takes a test card from creation to success through the sandbox inbox', async () => {
    const r = await start();
    const created = await fetch(`${r.url}/v1/payments`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'server-test-1' },
      body: JSON.stringify({
        amount: 1250,
        currency: 'EUR',
        order_id: 'server-test-1',
        payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2035 } },
        customer: { email: 'c@example.com' },
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    let otp: string | undefined;
    for (let i = 0; i < 100 && !otp; i++) {
      const inbox = (await (await fetch(`${r.url}/sandbox/notifications?payment_id=${id}`, { headers: auth })).json()) as { data: { otp?: string }[] };
      otp = inbox.data.find((n) => n.otp)?.otp;
      if (!otp) await new Promise((res) => setTimeout(res, 100));
    }
    expect(otp).toMatch(/^\d+$/);
    const confirmed = await fetch(`${r.url}/v1/payments/${id}/confirm`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ otp }),
    });
    expect(confirmed.status).toBeLessThan(300);
    let status = '';
    for (let i = 0; i < 150 && status !== 'succeeded'; i++) {
      status = ((await (await fetch(`${r.url}/v1/payments/${id}`, { headers: auth })).json()) as { status: string }).status;
      if (status !== 'succeeded') await new Promise((res) => setTimeout(res, 100));
    }
    expect(status).toBe('succeeded');
  });

  it('stops gracefully: the port is released and stop() can be called again', async () => {
    const r = await start();
    await r.stop();
    await r.stop();
    await expect(fetch(`${r.url}/healthz`)).rejects.toThrow();
  });

  it('lets a request in flight finish during stop, and closes idle keep-alive connections', async () => {
    const r = await start();
    // An idle keep-alive connection must not hold the stop until it times out.
    expect((await fetch(`${r.url}/healthz`)).status).toBe(200);
    // A request whose body is still arriving when stop() begins is really in flight.
    const body = JSON.stringify({
      amount: 500,
      currency: 'EUR',
      order_id: 'in-flight-1',
      payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2035 } },
      customer: { email: 'c@example.com' },
      confirmation: 'none',
    });
    const req = request(`${r.url}/v1/payments`, {
      method: 'POST',
      agent: false,
      headers: { ...auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'idempotency-key': 'in-flight-1' },
    });
    const response = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 10));
    await new Promise((res) => setTimeout(res, 100));
    const stopped = r.stop();
    await new Promise((res) => setTimeout(res, 100));
    req.end(body.slice(10));
    expect(await response).toBe(201);
    await stopped;
    await expect(fetch(`${r.url}/healthz`)).rejects.toThrow();
  });

  it('fails with a clear StartupError when the port is taken, and releases what it opened', async () => {
    const blocker = createServer();
    await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', res));
    const port = (blocker.address() as { port: number }).port;
    try {
      const config = sandbox();
      const err = await startRailyard({ ...config, server: { ...config.server, port } }, { log: silentLogger() }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StartupError);
      expect((err as Error).message).toBe(`cannot listen on 127.0.0.1:${port}: address already in use`);
      // the store was closed: the same data directory opens again
      const again = await start({ ...config, server: { ...config.server, port: 0 } });
      expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
    } finally {
      blocker.close();
    }
  });
});
