import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crashAndRestart, freePort, startServer, waitHealthy } from './server-process.js';

/**
 * The README's flow across a crash (issue 11): `npm start` (the default sandbox, on the protocol
 * simulators), create a card payment, read its one-time code from /sandbox/notifications; the
 * process is SIGKILLed while the payment waits for that code; after a restart on the same data the
 * code is still in the inbox (the sandbox's SMTP server journals what it received) and the confirm
 * finishes the payment.
 */
const KEY = 'sk_e2e_inbox_restart_0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'railyard-e2e-inbox-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const start = (port: number): ChildProcess => startServer({ RAILYARD_DATA_DIR: dataDir, PORT: String(port), RAILYARD_SANDBOX_API_KEY: KEY }, children);

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the README flow across SIGKILL', () => {
  it('the one-time code of a waiting payment is read after a restart and the confirm succeeds', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${KEY}` };
    const json = { ...auth, 'content-type': 'application/json' };
    const first = start(port);
    await waitHealthy(base, first);

    const created = await fetch(`${base}/v1/payments`, {
      method: 'POST',
      headers: { ...json, 'idempotency-key': 'readme-restart-1' },
      body: JSON.stringify({
        amount: 1250,
        currency: 'EUR',
        order_id: 'readme-restart-1',
        payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3 } },
        customer: { email: 'customer@example.com' },
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const codeOf = async (): Promise<string | undefined> => {
      const r = await fetch(`${base}/sandbox/notifications?payment_id=${id}`, { headers: auth });
      if (r.status !== 200) return undefined;
      return ((await r.json()) as { data: { kind: string; otp?: string }[] }).data.filter((n) => n.kind === 'otp').at(-1)?.otp;
    };
    const before = await until('the code before the crash', codeOf);
    const waiting = (await (await fetch(`${base}/v1/payments/${id}`, { headers: auth })).json()) as { status: string };
    expect(waiting.status).toBe('requires_confirmation');

    const second = await crashAndRestart(first, () => start(port), base);
    expect(second.exitCode).toBeNull();
    // read at once after the restart: the inbox comes from disk, not from a re-sent mail
    expect(await codeOf()).toBe(before);

    const confirmed = await fetch(`${base}/v1/payments/${id}/confirm`, { method: 'POST', headers: json, body: JSON.stringify({ otp: before }) });
    expect(confirmed.status).toBe(200);
    const final = await until('the payment to succeed', async () => {
      const p = (await (await fetch(`${base}/v1/payments/${id}`, { headers: auth })).json()) as { status: string };
      return p.status === 'succeeded' ? p : undefined;
    });
    expect(final.status).toBe('succeeded');
  }, 120_000);
});
