import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { account, freePort, startServer, waitHealthy } from './server-process.js';

/**
 * A clone of the repository alone has no official ISO 20022 schemas beside it. `npm start` must
 * still run the sandbox, say loudly that it runs without the XSD gate, and finish payments on
 * both ISO 20022 rails (demo-sepa over HTTP, demo-batch over SFTP).
 */

const KEY = 'sk_sandbox_railyard';
const auth = { authorization: `Bearer ${KEY}` };
const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'railyard-noxsd-'));
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function finalStatus(base: string, id: string, ms: number): Promise<string> {
  const end = Date.now() + ms;
  let status = '';
  while (Date.now() < end) {
    status = ((await (await fetch(`${base}/v1/payments/${id}`, { headers: auth })).json()) as { status: string }).status;
    if (status !== 'processing' && status !== 'authorized') return status;
    await new Promise((r) => setTimeout(r, 200));
  }
  return status;
}

describe('sandbox without the ISO 20022 schemas', () => {
  it('starts, warns that the XSD gate is off, and pays on demo-sepa and demo-batch', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = startServer({ PORT: String(port), RAILYARD_DATA_DIR: dir, RAILYARD_ISO20022_XSD_DIR: join(dir, 'no-such-dir') }, children);
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    await waitHealthy(base, child);
    expect(stderr).toMatch(/WARNING: no ISO 20022 schemas in .*no-such-dir; the sandbox sends ISO 20022 messages WITHOUT the XSD gate/);

    const ids: string[] = [];
    for (const connector of ['demo-sepa', 'demo-batch']) {
      const res = await fetch(`${base}/v1/payments`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `noxsd-${connector}` },
        body: JSON.stringify({ amount: 4_500, currency: 'EUR', order_id: `noxsd-${connector}`, connector, confirmation: 'none', payment_method: account('DE89370400440532013000'), customer: { email: 'c@example.test' } }),
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    // demo-batch's sandbox cut-off is every 5 s and the SFTP bank answers within a second
    for (const id of ids) expect(await finalStatus(base, id, 25_000)).toBe('succeeded');
  }, 60_000);
});
