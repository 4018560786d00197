import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpCapture, type SmtpCapture } from '../../mocks/smtp/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../mocks/webhook-receiver/index.js';
import { resolveConfig, SANDBOX_MERCHANT_ID, sandboxConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { generateSecret } from '../../src/notify/webhooks/signature.js';
import { createRailyard, startRailyard } from '../../src/server.js';

const auth = { authorization: 'Bearer sk_sandbox_railyard' };

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('server wiring: sandbox webhook endpoint and SMTP', () => {
  let dir: string;
  let capture: SmtpCapture;
  let receiver: WebhookReceiver;
  const secret = generateSecret();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'railyard-notify-'));
    capture = await startSmtpCapture();
    receiver = await startWebhookReceiver({ secrets: [secret] });
  });
  afterEach(async () => {
    await capture.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = (hookSecret = secret) => ({ RAILYARD_DATA_DIR: dir, PORT: '0', RAILYARD_SANDBOX_WEBHOOK_URL: receiver.url, RAILYARD_SANDBOX_WEBHOOK_SECRET: hookSecret });

  it('runs a sandbox payment to the end: code by email, every event to the webhook, verified', async () => {
    const config = { ...sandboxConfig(env()), notifications: { smtp: { host: capture.host, port: capture.port, secure: false, requireTLS: false, from: 'payments@railyard.test' } } };
    const r = await startRailyard(config, { log: silentLogger() });
    try {
      const created = await fetch(`${r.url}/v1/payments`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'notify-wiring-1' },
        body: JSON.stringify({
          amount: 4200,
          currency: 'EUR',
          order_id: 'notify-wiring-1',
          payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2035 } },
          customer: { email: 'buyer@example.test' },
        }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const codeMail = await until('the code email', () => capture.to('buyer@example.test')[0]);
      expect(codeMail.subject).toBe('Your confirmation code for Sandbox Shop');
      const otp = /^\s+(\d{6})$/m.exec(codeMail.text)?.[1];
      // the sandbox inbox still shows the same code
      const inbox = (await (await fetch(`${r.url}/sandbox/notifications?payment_id=${id}`, { headers: auth })).json()) as { data: { otp?: string }[] };
      expect(inbox.data.find((n) => n.otp)?.otp).toBe(otp);
      const confirmed = await fetch(`${r.url}/v1/payments/${id}/confirm`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ otp }) });
      expect(confirmed.status).toBeLessThan(300);
      await until('payment.succeeded webhook', () => receiver.accepted().find((d) => (d.event as { type?: string } | undefined)?.type === 'payment.succeeded'));
      await until('the result email', () => capture.to('buyer@example.test')[1]);
      expect(capture.to('buyer@example.test')[1]?.subject).toBe('Your payment to Sandbox Shop was approved');
      expect(receiver.received.every((d) => d.verifiedWith.length === 1)).toBe(true);
      // the sandbox merchant asks for non-repudiation: each body also carries Railyard's CMS signature
      expect(receiver.received.every((d) => typeof d.nonRepudiation === 'string' && d.nonRepudiation.length > 100)).toBe(true);
      const types = receiver.accepted().map((d) => (d.event as { type: string }).type);
      expect(types).toEqual(['payment.requires_confirmation', 'payment.authorized', 'payment.succeeded']);
    } finally {
      await r.stop();
    }
  }, 40_000);

  it('refreshes the sandbox endpoint\'s secret at the next start instead of adding an endpoint', async () => {
    const first = await createRailyard(sandboxConfig(env()), { log: silentLogger(), startWorkers: false });
    const [endpoint] = await first.store.listWebhookEndpoints(SANDBOX_MERCHANT_ID);
    await first.close();
    const next = generateSecret();
    const second = await createRailyard(sandboxConfig(env(next)), { log: silentLogger(), startWorkers: false });
    try {
      const endpoints = await second.store.listWebhookEndpoints(SANDBOX_MERCHANT_ID);
      expect(endpoints.map((e) => e.id)).toEqual([endpoint?.id]);
      expect(endpoints[0]?.url).toBe(receiver.url);
      expect(endpoints[0]?.secrets).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('reads notifications.smtp from the configuration file', () => {
    const base = {
      security: { data_keys: [{ id: 'k1', key_base64: Buffer.alloc(32, 1).toString('base64') }], active_data_key: 'k1', mac_key_base64: Buffer.alloc(32, 2).toString('base64'), audit_keys: [{ id: 'au1', key_base64: Buffer.alloc(32, 4).toString('base64') }] },
      merchants: [{ id: 'shop', name: 'Shop', api_keys: [{ sha256: 'a'.repeat(64) }] }],
      connectors: [{ id: 'sandbox', type: 'sandbox' }],
    };
    expect(resolveConfig(base, { env: {} }).notifications).toBeUndefined();
    const withSmtp = resolveConfig({ ...base, notifications: { smtp: { host: 'mail.example', port: 587, from: 'p@example.com' } } }, { env: {} });
    expect(withSmtp.notifications).toEqual({ smtp: { host: 'mail.example', port: 587, secure: false, requireTLS: true, from: 'p@example.com' } });
    expect(() => resolveConfig({ ...base, notifications: { smtp: { host: 'mail.example', port: 0, from: 'p@example.com' } } }, { env: {} })).toThrow(/notifications\.smtp\.port/);
  });
});
