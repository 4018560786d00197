import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createRailyard, type Railyard } from '../../src/server.js';
import { openssl } from './pki.js';

let dir: string;
let railyard: Railyard;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'railyard-sbx-sign-'));
  railyard = await createRailyard(sandboxConfig({ RAILYARD_DATA_DIR: dir, RAILYARD_SANDBOX_RAILS: 'inprocess' }), { log: createLogger({ level: 'silent' }), startWorkers: false });
}, 60_000);
afterAll(async () => {
  await railyard?.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function pay(signature?: Buffer): Promise<{ status: number; body: { code?: string; id?: string } }> {
  const raw = JSON.stringify({
    amount: 500,
    currency: 'EUR',
    order_id: `sbx-sign-${++n}`,
    payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2035 } },
    customer: { email: 'c@example.test' },
  });
  const sig = typeof signature === 'undefined' ? undefined : signature.length === 0 ? signWithSandboxPair(raw) : signature;
  const res = await railyard.app.fetch(
    new Request('http://railyard.test/v1/payments', {
      method: 'POST',
      headers: {
        authorization: 'Bearer sk_sandbox_railyard',
        'content-type': 'application/json',
        'idempotency-key': `sbx-${n}`,
        ...(sig ? { 'railyard-order-signature': sig.toString('base64') } : {}),
      },
      body: raw,
    }),
  );
  return { status: res.status, body: (await res.json()) as { code?: string; id?: string } };
}

function signWithSandboxPair(raw: string): Buffer {
  const input = join(dir, `order-${n}.json`);
  writeFileSync(input, raw);
  return openssl(['cms', '-sign', '-binary', '-md', 'sha256', '-outform', 'DER', '-in', input, '-signer', join(dir, 'sandbox-merchant-signing.pem'), '-inkey', join(dir, 'sandbox-merchant-signing.key')]);
}

describe('sandbox merchant order signing', () => {
  it('ships a test certificate and key in the data dir; orders signed with them pass, unsigned ones too (optional)', async () => {
    expect(existsSync(join(dir, 'sandbox-merchant-signing.pem'))).toBe(true);
    expect(existsSync(join(dir, 'sandbox-merchant-signing.key'))).toBe(true);
    expect((await pay(Buffer.alloc(0))).status).toBe(201);
    expect((await pay()).status).toBe(201);
  });

  it('a signature of random bytes is refused, not ignored', async () => {
    const r = await pay(Buffer.from('random bytes that are no signature'.repeat(4)));
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('order_signature_malformed');
  });
});
