import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../mocks/webhook-receiver/index.js';
import { DISABLE_AFTER_MS, RETRY_DELAYS_MS } from '../../src/notify/webhooks/schedule.js';
import { generateSecret } from '../../src/notify/webhooks/signature.js';
import { notifyHarness, OTHER_KEY, type NotifyHarness } from './helpers.js';

interface Body {
  id: string;
  type: string;
  created_at: string;
  data: { id: string; object: string; status: string; version: number; amount: number; currency: string; payment_method: { last4: string } };
}

const bodies = (r: WebhookReceiver, accepted = true): Body[] => (accepted ? r.accepted() : r.received).map((d) => JSON.parse(d.body) as Body);

describe('webhooks to the gateway', () => {
  let h: NotifyHarness;
  let receiver: WebhookReceiver & { overlaps: number };
  const secret = generateSecret();
  let endpointId: string;

  beforeEach(async () => {
    receiver = await startWebhookReceiver({ secrets: [secret] });
    h = await notifyHarness();
    const created = await h.call('POST', '/v1/webhook-endpoints', { url: receiver.url, secret });
    expect(created.status).toBe(201);
    expect(created.body.secret).toBe(secret);
    endpointId = created.body.id;
  });

  afterEach(async () => {
    await h.close();
    await receiver.close();
  });

  it('delivers every event of a payment, signed and verified by standardwebhooks, in version order', async () => {
    const p = await h.settle((await h.pay()).id);
    expect(p.status).toBe('succeeded');
    await h.engine.drain();
    const got = bodies(receiver);
    expect(got.map((b) => b.type)).toEqual(['payment.requires_confirmation', 'payment.authorized', 'payment.succeeded']);
    expect(receiver.received.every((d) => d.verifiedWith.length === 1 && d.signatures.length === 1)).toBe(true);
    const versions = got.map((b) => b.data.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(3);
    const last = got[2];
    expect(last?.data).toMatchObject({ id: p.id, object: 'payment', status: 'succeeded', amount: 1999, currency: 'EUR', version: p.version });
    expect(last?.data.payment_method.last4).toBe('4242');
    expect(JSON.stringify(got)).not.toContain('4242424242424242');
    // webhook-id is the event id, so receivers can dedupe, and matches GET /v1/events
    const listed = await h.call('GET', `/v1/events?payment_id=${p.id}&limit=10`);
    expect(receiver.received.map((d) => d.webhookId)).toEqual([...listed.body.data].reverse().map((e: { id: string }) => e.id));
    expect(got.map((b) => b.id)).toEqual(receiver.received.map((d) => d.webhookId));
    const deliveries = await h.store.listWebhookDeliveries(got[0]?.id ?? '');
    expect(deliveries).toMatchObject([{ status: 'delivered', attempts: 1, lastStatusCode: 200 }]);
    // the secret is kept sealed at rest
    expect(JSON.stringify(await h.store.listWebhookEndpoints(h.merchant.id))).not.toContain(secret.slice('whsec_'.length));
    // the timestamp is wall time (receivers check it against their own clock)
    expect(Math.abs(Number(receiver.received[0]?.timestamp) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('retries on the documented schedule while the endpoint is down, then delivers in order once it is up', async () => {
    receiver.setMode('error');
    const p = await h.pay({ confirmation: 'none' });
    await h.settle(p.id);
    await h.engine.drain();
    // only the head of the payment's line is tried; the later versions wait behind it
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.answered).toBe(503);
    const firstId = receiver.received[0]?.webhookId ?? '';
    const [d] = await h.store.listWebhookDeliveries(firstId);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 503, nextAttemptAt: h.clock.now() + (RETRY_DELAYS_MS[0] ?? 0) });
    await h.advance((RETRY_DELAYS_MS[0] ?? 0) - 1);
    expect(receiver.received).toHaveLength(1);
    await h.advance(1);
    expect(receiver.received).toHaveLength(2);
    receiver.setMode('drop'); // connection reset instead of an answer
    await h.advance(RETRY_DELAYS_MS[1] ?? 0);
    expect(receiver.received).toHaveLength(3);
    expect((await h.store.listWebhookDeliveries(firstId))[0]).toMatchObject({ attempts: 3, lastStatusCode: null, status: 'pending' });
    receiver.setMode('ok');
    await h.advance(RETRY_DELAYS_MS[2] ?? 0);
    const got = bodies(receiver);
    expect(got.map((b) => b.data.version)).toEqual([...got.map((b) => b.data.version)].sort((a, b) => a - b));
    expect(got.map((b) => b.type)).toEqual(['payment.authorized', 'payment.succeeded']);
    expect(got[0]?.id).toBe(firstId);
    expect(receiver.received.every((r) => r.verifiedWith.length === 1)).toBe(true);
    const endpoint = (await h.call('GET', '/v1/webhook-endpoints')).body.data[0];
    expect(endpoint).toMatchObject({ status: 'enabled', consecutive_failures: 0, failing_since: null });
  });

  it('keeps one delivery in flight per payment and version order across several payments', async () => {
    receiver.setMode('error');
    const ps = await Promise.all([h.pay(), h.pay(), h.pay({ confirmation: 'none' })]);
    for (const p of ps) await h.settle(p.id);
    await h.engine.drain();
    receiver.setMode('ok');
    await h.advance(RETRY_DELAYS_MS[0] ?? 0);
    await h.advance(RETRY_DELAYS_MS[1] ?? 0);
    expect(receiver.overlaps).toBe(0);
    const got = bodies(receiver);
    for (const p of ps) {
      const mine = got.filter((b) => b.data.id === p.id).map((b) => b.data.version);
      expect(mine.length).toBeGreaterThanOrEqual(2);
      expect(mine).toEqual([...new Set(mine)].sort((a, b) => a - b));
    }
    const total = await Promise.all(ps.map(async (p) => (await h.call('GET', `/v1/events?payment_id=${p.id}`)).body.data.length as number));
    expect(got).toHaveLength(total.reduce((a, b) => a + b, 0));
  });

  it('redelivers an event on request, with the same id and body', async () => {
    const p = await h.settle((await h.pay({ confirmation: 'none' })).id);
    await h.engine.drain();
    const before = receiver.received.length;
    const event = (await h.call('GET', `/v1/events?payment_id=${p.id}&type=payment.succeeded`)).body.data[0];
    const res = await h.call('POST', `/v1/events/${event.id}/redeliver`);
    expect(res).toMatchObject({ status: 202, body: { id: event.id, status: 'queued' } });
    await h.engine.drain();
    expect(receiver.received).toHaveLength(before + 1);
    const again = receiver.received.at(-1);
    const original = receiver.received.find((r) => r.webhookId === event.id && r !== again);
    expect(again?.webhookId).toBe(event.id);
    expect(again?.body).toBe(original?.body);
    expect(again?.verifiedWith).toEqual([0]);
    expect(await h.store.listWebhookDeliveries(event.id)).toHaveLength(2);
    expect((await h.call('POST', '/v1/events/evt_01JZZZZZZZZZZZZZZZZZZZZZZZ/redeliver')).status).toBe(404);
    expect((await h.call('POST', `/v1/events/${event.id}/redeliver`, undefined, OTHER_KEY)).status).toBe(404);
  });

  it('signs with both secrets during a rotation, each signature verifying on its own, then with the new one only', async () => {
    const rotated = await h.call('POST', `/v1/webhook-endpoints/${endpointId}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    const next: string = rotated.body.secret;
    expect(next).toMatch(/^whsec_/);
    receiver.setSecrets([secret, next]);
    await h.settle((await h.pay({ confirmation: 'none' })).id);
    await h.engine.drain();
    const d = receiver.received[0];
    expect(d?.signatures).toHaveLength(2);
    expect(d?.verifiedWith).toEqual([0, 1]);
    const headers = (sig: string) => ({ 'webhook-id': d?.webhookId ?? '', 'webhook-timestamp': d?.timestamp ?? '', 'webhook-signature': sig });
    const [s1, s2] = d?.signatures ?? [];
    expect(() => new Webhook(secret).verify(d?.body ?? '', headers(s1 ?? ''))).not.toThrow();
    expect(() => new Webhook(next).verify(d?.body ?? '', headers(s2 ?? ''))).not.toThrow();
    expect(() => new Webhook(next).verify(d?.body ?? '', headers(s1 ?? ''))).toThrow();
    expect(() => new Webhook(generateSecret()).verify(d?.body ?? '', headers(`${s1} ${s2}`))).toThrow();
    // after the overlap only the new secret signs
    await h.advance(24 * 3600_000 + 1);
    receiver.received.splice(0);
    await h.settle((await h.pay({ confirmation: 'none' })).id);
    await h.engine.drain();
    expect(receiver.received.length).toBeGreaterThan(0);
    expect(receiver.received.every((r) => r.signatures.length === 1 && r.verifiedWith.join() === '1')).toBe(true);
  });

  it('disables an endpoint after five days of failures and sends the waiting deliveries once re-enabled', async () => {
    receiver.setMode('error');
    const started = h.clock.now();
    const p = await h.settle((await h.pay({ confirmation: 'none' })).id);
    await h.engine.drain();
    for (let i = 0; i < 50; i++) {
      const due = await h.store.nextWebhookDue();
      if (due === null) break;
      await h.advance(Math.max(0, due - h.clock.now()));
    }
    const [endpoint] = (await h.call('GET', '/v1/webhook-endpoints')).body.data;
    expect(endpoint.status).toBe('disabled');
    expect(Date.parse(endpoint.disabled_at) - started).toBeGreaterThanOrEqual(DISABLE_AFTER_MS);
    expect(receiver.accepted()).toHaveLength(0);
    const tries = receiver.received.length;
    expect(tries).toBe(RETRY_DELAYS_MS.length + 1);
    // nothing is due while it is disabled, and the deliveries are still waiting
    expect(await h.store.nextWebhookDue()).toBeNull();
    await h.advance(7 * 24 * 3600_000);
    expect(receiver.received).toHaveLength(tries);
    receiver.setMode('ok');
    expect((await h.call('POST', `/v1/webhook-endpoints/${endpointId}/enable`, undefined, OTHER_KEY)).status).toBe(404);
    const enabled = await h.call('POST', `/v1/webhook-endpoints/${endpointId}/enable`);
    expect(enabled.body).toMatchObject({ status: 'enabled', consecutive_failures: 0, disabled_at: null });
    await h.engine.drain();
    const got = bodies(receiver);
    expect(got.map((b) => b.type)).toEqual(['payment.authorized', 'payment.succeeded']);
    expect(got.at(-1)?.data.version).toBe(p.version);
  });

  it('refuses bad endpoints and lists only the merchant\'s own', async () => {
    expect((await h.call('POST', '/v1/webhook-endpoints', { url: 'ftp://x.test/' })).status).toBe(400);
    expect((await h.call('POST', '/v1/webhook-endpoints', { url: 'https://x.test/', secret: 'whsec_short' })).status).toBe(400);
    await h.clock.advance(1); // listed oldest first
    const generated = await h.call('POST', '/v1/webhook-endpoints', { url: 'https://x.test/hook' });
    expect(generated.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect((await h.call('GET', '/v1/webhook-endpoints')).body.data.map((e: { url: string }) => e.url)).toEqual([receiver.url, 'https://x.test/hook']);
    expect((await h.call('GET', '/v1/webhook-endpoints')).body.data.every((e: object) => !('secret' in e))).toBe(true);
    expect((await h.call('GET', '/v1/webhook-endpoints', undefined, OTHER_KEY)).body.data).toEqual([]);
    const spec = (await h.call('GET', '/openapi.json')).body as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/webhook-endpoints', '/v1/webhook-endpoints/{id}/enable', '/v1/webhook-endpoints/{id}/rotate-secret']));
  });
});
