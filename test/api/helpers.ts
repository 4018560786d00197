import { Writable } from 'node:stream';
import { createApp, type RailyardApp } from '../../src/api/app.js';
import { createHarness, type Harness } from '../../src/connector/testing.js';
import { ConnectorSet } from '../../src/connector/registry-types.js';
import { hashApiKey, MerchantDirectory, type Merchant } from '../../src/engine/merchants.js';
import { createLogger } from '../../src/log.js';
import type { Store } from '../../src/store/types.js';
import { createSandboxConnector, type SandboxConnector } from '../../connectors/sandbox/index.js';

export const KEY_A = 'sk_test_merchant_a_0123456789abcdef';
export const KEY_A2 = 'sk_test_merchant_a_rotated_fedcba9876';
export const KEY_B = 'sk_test_merchant_b_0123456789abcdef';

export interface ApiHarness {
  h: Harness;
  api: RailyardApp;
  sandbox: SandboxConnector;
  logs: string[];
  call(method: string, path: string, opts?: { key?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  settle(id: string): Promise<void>;
}

let seq = 0;
export const idemKey = (): string => `idem-${Date.now()}-${++seq}`;

/** The real app over the real engine on a manual clock, called in process through `fetch`. */
export async function apiHarness(opts: { store?: Store; idempotencyAbandonedMs?: number } = {}): Promise<ApiHarness> {
  let sandbox!: SandboxConnector;
  const logs: string[] = [];
  const log = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    }),
  });
  const h = await createHarness({
    log,
    ...(opts.store ? { store: opts.store } : {}),
    newConnector: (env) => {
      sandbox = createSandboxConnector(env);
      return sandbox;
    },
  });
  const merchantA: Merchant = { ...h.merchant, apiKeyHashes: [hashApiKey(KEY_A), hashApiKey(KEY_A2)], allowNoConfirmation: true };
  const merchantB: Merchant = { id: 'mch_other', name: 'Other Shop', apiKeyHashes: [hashApiKey(KEY_B)], allowNoConfirmation: false, routes: { card: 'sandbox', bank_account: 'sandbox' } };
  const api = createApp({
    engine: h.engine,
    store: h.store,
    merchants: new MerchantDirectory([merchantA, merchantB]),
    connectors: new ConnectorSet([sandbox]),
    log,
    clock: h.clock,
    sandbox: { notifier: h.notifier },
    ...(opts.idempotencyAbandonedMs !== undefined ? { idempotencyAbandonedMs: opts.idempotencyAbandonedMs } : {}),
  });
  const call: ApiHarness['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    const key = opts.key === undefined ? KEY_A : opts.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await api.fetch(new Request(`http://railyard.test${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }));
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  };
  const settle = async (id: string) => {
    await h.settle(id, { confirm: false });
  };
  return { h, api, sandbox, logs, call, settle };
}

export const cardPayment = (over: Record<string, unknown> = {}) => ({
  amount: 1999,
  currency: 'EUR',
  order_id: `order-${Date.now()}-${++seq}`,
  payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2031 } },
  customer: { email: 'shopper@example.test' },
  ...over,
});
