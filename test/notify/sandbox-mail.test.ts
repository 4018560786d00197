/**
 * The sandbox's customer mail runs the real path (issue 12): SmtpNotifier -> SMTP -> the capture
 * server from mocks/smtp running in process on loopback, journaled in the data directory, and
 * GET /sandbox/notifications reads what that server received.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { SANDBOX_MAIL_JOURNAL, SmtpSandboxInbox } from '../../src/notify/sandbox-inbox.js';
import { startRailyard, type RunningRailyard } from '../../src/server.js';

const KEY = 'sk_sandbox_mail_test_0123456789';
const auth = { authorization: `Bearer ${KEY}` };

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface View {
  payment_id: string;
  kind: string;
  otp?: string;
  status?: string;
  amount: number;
  currency: string;
  to: string;
}

describe('sandbox customer mail', () => {
  let dir: string;
  let running: RunningRailyard | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'railyard-sandbox-mail-'));
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (): Promise<RunningRailyard> =>
    (running = await startRailyard(sandboxConfig({ RAILYARD_DATA_DIR: dir, PORT: '0', RAILYARD_SANDBOX_RAILS: 'inprocess', RAILYARD_SANDBOX_API_KEY: KEY }), { log: silentLogger() }));

  const inbox = async (r: RunningRailyard, paymentId?: string): Promise<View[]> =>
    ((await (await fetch(`${r.url}/sandbox/notifications${paymentId ? `?payment_id=${paymentId}` : ''}`, { headers: auth })).json()) as { data: View[] }).data;

  it('a payment: code mailed over SMTP to the capture server, read back from /sandbox/notifications, confirmed; survives a restart', async () => {
    let r = await start();
    expect(r.railyard.sandboxNotifier).toBeInstanceOf(SmtpSandboxInbox);
    const created = await fetch(`${r.url}/v1/payments`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'sandbox-mail-1' },
      body: JSON.stringify({
        amount: 1250,
        currency: 'EUR',
        order_id: 'sandbox-mail-1',
        payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2035 } },
        customer: { email: 'buyer@example.test' },
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const code = await until('the code in the inbox', async () => (await inbox(r, id)).find((n) => n.kind === 'otp'));
    expect(code).toMatchObject({ payment_id: id, kind: 'otp', to: 'buyer@example.test', amount: 1250, currency: 'EUR' });
    expect(code.otp).toMatch(/^\d{6}$/);

    // the inbox is what arrived by SMTP: the journal holds the MIME message as the server received it
    const journal = join(dir, SANDBOX_MAIL_JOURNAL);
    expect(statSync(journal).mode & 0o777).toBe(0o600);
    const lines = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { raw: string; to: string[] });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.to).toEqual(['buyer@example.test']);
    expect(lines[0]?.raw).toMatch(/^X-Railyard-Payment: pay_/m);
    expect(lines[0]?.raw).toMatch(/MIME-Version: 1\.0/);

    // scoped: another merchant sees nothing of this payment
    expect(await r.railyard.sandboxNotifier?.list('mch_other', id)).toEqual([]);
    expect((await r.railyard.sandboxNotifier?.list('mch_other')) ?? []).toEqual([]);

    // a graceful restart on the same data: the code is still readable
    await r.stop();
    running = undefined;
    r = await start();
    expect((await inbox(r, id)).find((n) => n.kind === 'otp')?.otp).toBe(code.otp);

    const confirmed = await fetch(`${r.url}/v1/payments/${id}/confirm`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ otp: code.otp }) });
    expect(confirmed.status).toBe(200);
    const result = await until('the result mail', async () => (await inbox(r, id)).find((n) => n.kind === 'result' && n.status === 'succeeded'));
    expect(result).toMatchObject({ payment_id: id, amount: 1250, currency: 'EUR' });
    expect((await inbox(r)).map((n) => n.payment_id)).toContain(id);
  }, 60_000);
});
