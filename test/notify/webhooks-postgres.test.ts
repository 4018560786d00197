import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../mocks/webhook-receiver/index.js';
import { generateSecret } from '../../src/notify/webhooks/signature.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { randomSchema, resolveTestDatabaseUrl } from '../store/pg-harness.js';
import { notifyHarness, type NotifyHarness } from './helpers.js';

describe('webhooks on PostgreSQL', () => {
  let h: NotifyHarness;
  let receiver: WebhookReceiver & { overlaps: number };
  let url: string;
  let schema: string;
  const secret = generateSecret();

  beforeEach(async () => {
    url = await resolveTestDatabaseUrl();
    schema = randomSchema();
    receiver = await startWebhookReceiver({ secrets: [secret], delayMs: 5 });
    h = await notifyHarness({ store: new PostgresStore({ connectionString: url, schema }) });
    expect((await h.call('POST', '/v1/webhook-endpoints', { url: receiver.url, secret })).status).toBe(201);
  });

  afterEach(async () => {
    await h.close();
    await receiver.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('queues in the event transaction and delivers every payment in version order, one at a time', async () => {
    receiver.setMode('error');
    const ps = await Promise.all([h.pay(), h.pay({ confirmation: 'none' }), h.pay({ confirmation: 'none' })]);
    for (const p of ps) expect((await h.settle(p.id)).status).toBe('succeeded');
    receiver.setMode('ok');
    await h.advance(5_000);
    expect(receiver.overlaps).toBe(0);
    const got = receiver.accepted().map((d) => d.event as { data: { id: string; version: number } });
    for (const p of ps) {
      const versions = got.filter((b) => b.data.id === p.id).map((b) => b.data.version);
      const events = (await h.call('GET', `/v1/events?payment_id=${p.id}`)).body.data as { version: number }[];
      expect(versions).toEqual(events.map((e) => e.version).sort((a, b) => a - b));
    }
    expect(receiver.received.every((d) => d.verifiedWith.length === 1)).toBe(true);
  });
});
