import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUserKey, startSftpBank, type SftpBank } from '../../mocks/sftp-bank/index.js';
import { resolveConfig } from '../../src/config.js';
import { TEST_IBANS } from '../../src/connector/test-values.js';
import { silentLogger } from '../../src/log.js';
import { startRailyard, type RunningRailyard } from '../../src/server.js';
import { verifyAllChains } from '../../src/cli/audit.js';
import { xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';

// Railyard runs in-process: its files go through the XSD gate where the official schemas are present;
// a clone alone runs the same day with the gate off, as the sandbox does.
xsdGateOffWithoutSharedXsd();

/*
 * The batch rail end to end: payments through Railyard's HTTP API to `demo-batch`, cut-offs every
 * second, pain.001 files over real SSH to the SFTP bank simulator, its pain.002 replies and its
 * camt.053 statement back. Every payment ends as the status file says, and the reconciliation
 * report (and the webhook event feed) lists exactly the breaks injected at the bank, once, even
 * though the bank sends its statement twice and writes it in two halves.
 */

const KEY = 'sk_test_e2e_batch_0123456789abcdef';
const ACCOUNT = { name: 'Railyard E2E Shop', iban: 'DE75512108001245126199', bic: 'SIMBDEFFXXX', currency: 'EUR' };
const today = new Date().toISOString().slice(0, 10);

let sim: SftpBank;
let server: RunningRailyard;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'railyard-e2e-batch-'));
  const user = generateUserKey('railyard-e2e');
  sim = await startSftpBank({ port: 0, users: [{ username: 'railyard', publicKey: user.public }], account: ACCOUNT, autoProcessMs: 200 });
  const config = resolveConfig(
    {
      server: { host: '127.0.0.1', port: 0 },
      data_dir: dir,
      security: { data_keys: [{ id: 'k1', key_base64: Buffer.alloc(32, 3).toString('base64') }], active_data_key: 'k1', mac_key_base64: Buffer.alloc(32, 5).toString('base64'), audit_keys: [{ id: 'au1', key_base64: Buffer.alloc(32, 4).toString('base64') }] },
      merchants: [
        {
          id: 'mch_e2e',
          name: 'E2E Shop',
          api_keys: [{ sha256: createHash('sha256').update(KEY).digest('hex') }],
          allow_no_confirmation: true,
          routes: { bank_account: 'bank-files' },
        },
      ],
      connectors: [
        {
          id: 'bank-files',
          type: 'demo-batch',
          settings: {
            sftp: { host: '127.0.0.1', port: sim.port, username: 'railyard', private_key: user.private, host_key_sha256: [sim.hostKeySha256] },
            profile: {
              bank: 'SIMBANK',
              account: ACCOUNT,
              calendar: { every_ms: 1_000 },
              tick_ms: 100,
              poll_interval_ms: 200,
              // longer than the bank's pause while it writes a file in two halves
              stable_ms: 1_500,
            },
          },
        },
      ],
    },
    { env: {} },
  );
  server = await startRailyard(config, { log: silentLogger() });
}, 30_000);

afterAll(async () => {
  await server?.stop();
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface PaymentView {
  id: string;
  status: string;
  failure: { code: string } | null;
  batch?: { status: string; settlement: string; end_to_end_id: string; cutoff_at: string };
}

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {}) as T, text };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, withinMs = 20_000): Promise<T> {
  const end = Date.now() + withinMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pay = async (order: string, iban: string, amount: number): Promise<PaymentView> => {
  const r = await api<PaymentView>(
    'POST',
    '/v1/payments',
    { amount, currency: 'EUR', order_id: order, confirmation: 'none', customer: { email: 'c@example.test' }, payment_method: { type: 'bank_account', bank_account: { iban, name: 'Max Mustermann' } } },
    { 'idempotency-key': order },
  );
  expect(r.status).toBe(201);
  return r.body;
};

const get = async (id: string): Promise<PaymentView> => (await api<PaymentView>('GET', `/v1/payments/${id}`)).body;

describe('batch rail end to end', () => {
  it('settles every payment as the bank files say and reports exactly the injected breaks', async () => {
    const plain = await pay('e2e-batch-plain', 'DE89370400440532013000', 1_000);
    const offByOne = await pay('e2e-batch-cent', 'DE89370400440532013000', 2_000);
    const rejected = await pay('e2e-batch-rjct', TEST_IBANS.rejectedAC01, 3_000);
    const returned = await pay('e2e-batch-return', 'DE89370400440532013000', 4_000);

    // each waits for a cut-off, shown by the API, with the EndToEndId it will travel under
    const e2e = new Map<string, string>();
    for (const p of [plain, offByOne, rejected, returned]) {
      const view = await get(p.id);
      expect(view.batch?.cutoff_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      e2e.set(p.id, view.batch?.end_to_end_id ?? '');
    }
    sim.inject({ kind: 'amount_off_by_one_cent', endToEndId: e2e.get(offByOne.id) as string });
    sim.inject({ kind: 'return', endToEndId: e2e.get(returned.id) as string, reason: 'AC04' });

    const final = await until('every payment final', async () => {
      const views = await Promise.all([plain, offByOne, rejected, returned].map((p) => get(p.id)));
      return views.every((v) => v.status === 'succeeded' || v.status === 'failed') ? views : undefined;
    });
    expect(final.map((v) => v.status)).toEqual(['succeeded', 'succeeded', 'failed', 'succeeded']);
    expect(final[2]?.failure?.code).toBe('AC01');
    expect(final.map((v) => v.batch?.status)).toEqual(['accepted', 'accepted', 'rejected', 'accepted']);

    // end of day: the statement arrives written in two halves, and then once more under another name
    sim.inject({ kind: 'half_written_file' });
    sim.inject({ kind: 'duplicate_statement' });
    await sim.closeDay({ date: today });
    await sim.flush();

    const report = await until('the reconciliation report', async () => {
      const r = await api<{ statements: unknown[]; breaks: { type: string; payment_id?: string; key: string }[]; counts: Record<string, number> }>('GET', `/v1/reconciliation/reports/${today}`);
      return r.body.statements?.length === 1 ? r.body : undefined;
    });
    // let the duplicate copy be polled too: it must add nothing
    await until('the bank directory emptied', async () => ((await server.railyard.store.sqlQuery("SELECT COUNT(*) AS n FROM batch_inbound WHERE name LIKE 'camt053_%'"))[0]?.n === 2 ? true : undefined));
    const again = await api<{ breaks: { type: string; payment_id?: string }[] }>('GET', `/v1/reconciliation/reports/${today}`);
    expect(again.body.breaks).toEqual(report.breaks);

    expect(report.breaks.map((b) => [b.type, b.payment_id]).sort()).toEqual(
      [
        ['AMOUNT_MISMATCH', offByOne.id],
        ['RETURNED', returned.id],
      ].sort(),
    );
    expect(report.counts).toEqual({ AMOUNT_MISMATCH: 1, RETURNED: 1 });

    // settlement as the statement says
    const settled = await Promise.all([plain, offByOne, rejected, returned].map((p) => get(p.id)));
    expect(settled.map((v) => v.batch?.settlement)).toEqual(['settled', 'mismatch', 'rejected', 'returned']);

    // the half-written file was never taken half: nothing was rejected as unreadable
    const rejectedFiles = await server.railyard.store.sqlQuery("SELECT name FROM batch_inbound WHERE outcome = 'rejected'");
    expect(rejectedFiles).toEqual([]);

    // the gateway hears of each break once, as a reconciliation.break event of the payment
    const events = await api<{ data: { type: string; payment_id: string; data: { type: string } }[] }>('GET', '/v1/events?type=reconciliation.break&limit=50');
    expect(events.body.data.map((e) => [e.data.type, e.payment_id]).sort()).toEqual(
      [
        ['AMOUNT_MISMATCH', offByOne.id],
        ['RETURNED', returned.id],
      ].sort(),
    );

    // every file that carried or decided a payment is named, by its SHA-256, in the payment's
    // hash-chained timeline, and the chain still verifies
    const store = server.railyard.store;
    const history = await store.listHistory(plain.id);
    const files = history.flatMap((h) => {
      const f = (h.data as { batch_file?: { direction: string; name: string; sha256: string; message: string | null } }).batch_file;
      return f ? [f] : [];
    });
    const kinds = files.map((f) => `${f.direction}:${f.message?.slice(0, 8) ?? '-'}`);
    expect(kinds).toContain('inbound:pain.002');
    expect(kinds).toContain('inbound:camt.053');
    const outbound = files.find((f) => f.direction === 'outbound');
    const sent = await store.sqlQuery('SELECT sha256 FROM batch_files WHERE name = ?', [outbound?.name ?? '']);
    expect(sent[0]?.sha256).toBe(outbound?.sha256);
    for (const f of files.filter((x) => x.direction === 'inbound')) {
      const got = await store.sqlQuery('SELECT sha256 FROM batch_inbound WHERE name = ? AND sha256 = ?', [f.name, f.sha256]);
      expect(got, f.name).toHaveLength(1);
    }
    let audit = '';
    expect(await verifyAllChains(store, server.railyard.config.audit.keys, { stdout: (s) => void (audit += s), stderr: (s) => void (audit += s) }), audit).toBe(0);

    // and the same report as CSV
    const csv = await api<unknown>('GET', `/v1/reconciliation/reports/${today}?format=csv`);
    expect(csv.text.trim().split('\r\n')).toHaveLength(3);
    expect(csv.text).not.toContain('DE89370400440532013000');
  }, 60_000);
});
