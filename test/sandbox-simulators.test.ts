import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HostLedger, startIso8583Host } from '../mocks/iso8583-host/index.js';
import { ConfigError, sandboxConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { BATCH_BANK_JOURNAL, CARD_HOST_JOURNAL, SEPA_BANK_JOURNAL } from '../src/sandbox-simulators.js';
import { createRailyard, type Railyard } from '../src/server.js';

/** The sandbox on real rails (RAILYARD_SANDBOX_RAILS=simulators), driven in process through app.fetch. */

const KEY = 'sk_sandbox_railyard';
const dirs: string[] = [];
const open: Railyard[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'railyard-simrails-'));
  dirs.push(d);
  return d;
};

interface Payment {
  id: string;
  status: string;
  connector: string;
}

async function pay(r: Railyard, order: string, method: object, connector?: string): Promise<Payment> {
  const res = await r.app.fetch(
    new Request('http://railyard.test/v1/payments', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'idempotency-key': order, prefer: 'wait=10' },
      body: JSON.stringify({ amount: 1_250, currency: 'EUR', order_id: order, confirmation: 'none', payment_method: method, customer: { email: 'c@example.test' }, ...(connector ? { connector } : {}) }),
    }),
  );
  expect(res.status).toBe(201);
  return (await res.json()) as Payment;
}

async function settled(r: Railyard, id: string, withinMs = 15_000): Promise<Payment> {
  const end = Date.now() + withinMs;
  for (;;) {
    const res = await r.app.fetch(new Request(`http://railyard.test/v1/payments/${id}`, { headers: { authorization: `Bearer ${KEY}` } }));
    const p = (await res.json()) as Payment;
    if (!['processing', 'authorized'].includes(p.status) || Date.now() > end) return p;
    await new Promise((res2) => setTimeout(res2, 100));
  }
}

describe('sandbox on the simulators', () => {
  it('is the default; RAILYARD_SANDBOX_RAILS=inprocess puts the in-process sandbox bank behind both methods', () => {
    const byDefault = sandboxConfig({ RAILYARD_DATA_DIR: tempDir() });
    expect(byDefault.connectors.map((x) => x.type)).toEqual(['demo-card', 'demo-sepa', 'demo-batch']);
    expect(byDefault.sandbox?.rails).toBe('simulators');
    const inprocess = sandboxConfig({ RAILYARD_DATA_DIR: tempDir(), RAILYARD_SANDBOX_RAILS: 'inprocess' });
    expect(inprocess.connectors.map((x) => x.type)).toEqual(['sandbox']);
    expect(inprocess.sandbox?.rails).toBeUndefined();
  });

  it('rejects an unknown rails value, naming the variable', () => {
    expect(() => sandboxConfig({ RAILYARD_DATA_DIR: tempDir(), RAILYARD_SANDBOX_RAILS: 'mainframe' })).toThrow(ConfigError);
    expect(() => sandboxConfig({ RAILYARD_DATA_DIR: tempDir(), RAILYARD_SANDBOX_RAILS: 'mainframe' })).toThrow(/RAILYARD_SANDBOX_RAILS: must be one of inprocess, simulators/);
  });

  it('routes a card to demo-card (ISO 8583) and an IBAN to demo-sepa (ISO 20022); both succeed', async () => {
    const dir = tempDir();
    const config = sandboxConfig({ RAILYARD_DATA_DIR: dir, PORT: '0', RAILYARD_SANDBOX_RAILS: 'simulators' });
    expect(config.merchants[0]?.routes).toEqual({ card: 'demo-card', bank_account: 'demo-sepa' });
    const r = await createRailyard(config, { log: silentLogger() });
    open.push(r);
    const sims = r.simulators;
    if (!sims) throw new Error('the simulators were not started');

    const [card, iban] = await Promise.all([
      pay(r, 'sim-card-1', { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2035 } }),
      pay(r, 'sim-iban-1', { type: 'bank_account', bank_account: { iban: 'DE89370400440532013000', name: 'Max Mustermann' } }),
    ]);
    expect(card.connector).toBe('demo-card');
    expect(iban.connector).toBe('demo-sepa');
    expect((await settled(r, card.id)).status).toBe('succeeded');
    expect((await settled(r, iban.id)).status).toBe('succeeded');

    // the money is at the simulators, in their books and their journals in the data dir
    expect(sims.cardHost.ledger.entries(card.id).map((e) => `${e.kind}:${e.responseCode}`)).toEqual(['verify:00', 'authorize:00', 'complete:00']);
    expect(sims.bank.ledger.entries().filter((e) => e.flow === 'transfer').map((e) => e.status)).toEqual(['ACSC']);
    expect(existsSync(join(dir, CARD_HOST_JOURNAL))).toBe(true);
    expect(existsSync(join(dir, SEPA_BANK_JOURNAL))).toBe(true);

    // the card host link, as GET /v1/connectors and /metrics show it
    const listed = (await (await r.app.fetch(new Request('http://railyard.test/v1/connectors', { headers: { authorization: `Bearer ${KEY}` } }))).json()) as {
      data: { id: string; links?: { endpoint: string; state: string; last_inbound_at?: string; in_flight: number }[] }[];
    };
    const links = listed.data.find((c) => c.id === 'demo-card')?.links ?? [];
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ endpoint: `127.0.0.1:${sims.cardHost.port}`, state: 'ready', in_flight: 0 });
    expect(Date.parse(links[0]?.last_inbound_at ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(listed.data.find((c) => c.id === 'demo-sepa')?.links).toBeUndefined();
    const metrics = await (await r.app.fetch(new Request('http://railyard.test/metrics'))).text();
    expect(metrics).toContain(`railyard_link_up{connector="demo-card",endpoint="127.0.0.1:${sims.cardHost.port}"} 1`);
    expect(metrics).toContain('railyard_connector_up{connector="demo-card"} 1');
    expect(metrics).toMatch(new RegExp(`railyard_link_seconds_since_inbound\\{connector="demo-card",endpoint="127\\.0\\.0\\.1:${sims.cardHost.port}"\\} \\d`));
    sims.cardHost.dropConnections({ refuse: true });
    let down = '';
    for (let i = 0; i < 50 && !down.includes('railyard_connector_up{connector="demo-card"} 0'); i++) {
      await new Promise((res2) => setTimeout(res2, 20));
      down = await (await r.app.fetch(new Request('http://railyard.test/metrics'))).text();
    }
    expect(down).toContain(`railyard_link_up{connector="demo-card",endpoint="127.0.0.1:${sims.cardHost.port}"} 0`);
    expect(down).toContain('railyard_connector_up{connector="demo-card"} 0');
  }, 30_000);

  it('sends a bank account to demo-batch when asked: it waits for a cut-off, leaves in a pain.001 file and settles within 30 s', async () => {
    const dir = tempDir();
    const r = await createRailyard(sandboxConfig({ RAILYARD_DATA_DIR: dir, PORT: '0' }), { log: silentLogger() });
    open.push(r);
    const sims = r.simulators;
    if (!sims) throw new Error('the simulators were not started');
    const started = Date.now();
    const p = await pay(r, 'sim-batch-1', { type: 'bank_account', bank_account: { iban: 'DE89370400440532013000', name: 'Max Mustermann' } }, 'demo-batch');
    expect(p.connector).toBe('demo-batch');
    const waiting = (await (await r.app.fetch(new Request(`http://railyard.test/v1/payments/${p.id}`, { headers: { authorization: `Bearer ${KEY}` } }))).json()) as Payment & { batch?: { cutoff_at: string; status: string } };
    expect(waiting.batch?.cutoff_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const done = await settled(r, p.id, 30_000);
    expect(done.status).toBe('succeeded');
    expect(Date.now() - started).toBeLessThan(30_000);
    const e2e = [...sims.sftpBank.ledger.transactions.values()].map((t) => t.status);
    expect(e2e).toEqual(['ACSC']);
    expect(existsSync(join(dir, BATCH_BANK_JOURNAL))).toBe(true);
  }, 40_000);
});

describe('iso8583-host journal', () => {
  it('replays the books, changes in place and arrivals included, at the next start', async () => {
    const journalPath = join(tempDir(), 'host.jsonl');
    const host = await startIso8583Host({ port: 0, journalPath });
    const ledger = host.ledger;
    const auth = { reference: 'ref-a', paymentId: 'pay_1', kind: 'authorize' as const, mti: '0100', stan: '000001', transmission: '1127120000', acquirer: '470011' };
    ledger.countReceived('ref-a');
    ledger.add({ ...auth, amount: 500, currency: 'EUR', last4: '4242', responseCode: '00', approved: true, reversed: false, completed: false, refunded: 0, authCode: '000001' });
    const entry = ledger.get('ref-a');
    if (!entry) throw new Error('not added');
    entry.completed = true;
    ledger.record(entry);
    await host.close();

    const replayed = new HostLedger(journalPath);
    expect(replayed.get('ref-a')).toMatchObject({ approved: true, completed: true });
    expect(replayed.received('ref-a')).toBe(1);
    expect(replayed.findOriginal('0100', '000001', '1127120000', '470011')?.reference).toBe('ref-a');
    expect(replayed.summary()).toEqual({ authorised: 0, completed: 0, reversed: 0, refunded: 0 });
  });
});
