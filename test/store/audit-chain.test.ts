import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAllChains } from '../../src/cli/audit.js';
import { createHarness, type Harness } from '../../src/connector/harness.js';
import { GENESIS, verifyChain } from '../../src/store/audit-chain.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { createSandboxConnector } from '../../connectors/sandbox/index.js';

let dir: string;
let h: Harness;
afterEach(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

async function paidPaymentWithRefund(): Promise<{ id: string; path: string }> {
  dir = mkdtempSync(join(tmpdir(), 'railyard-audit-'));
  const path = join(dir, 'railyard.db');
  h = await createHarness({ newConnector: createSandboxConnector, store: new SqliteStore({ path }) });
  const p = await h.pay({ payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2031 } }, confirmation: 'none' });
  await h.settle(p.id);
  await h.engine.payments.refund(h.merchant, p.id, { amount: 100 });
  await h.engine.drain();
  return { id: p.id, path };
}

const output = () => {
  const lines: string[] = [];
  return { io: { stdout: (s: string) => void lines.push(s), stderr: (s: string) => void lines.push(s) }, lines };
};

describe('hash-chained timeline', () => {
  it('chains every row of a payment, refund rows included, from the genesis hash', async () => {
    const { id } = await paidPaymentWithRefund();
    const rows = await h.store.listHistory(id);
    expect(rows.length).toBeGreaterThan(6);
    expect(rows[0]?.prevHash).toBe(GENESIS);
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prevHash).toBe(rows[i - 1]?.hash);
    expect(rows.some((r) => r.aggregateId.startsWith('re_'))).toBe(true);
    expect(verifyChain(rows)).toBeNull();
    const out = output();
    expect(await verifyAllChains(h.store, out.io)).toBe(0);
    expect(out.lines.join('')).toMatch(/1 payments, \d+ history rows checked: every chain holds/);
  });

  it('reports the first broken link when a row is changed or removed behind its back', async () => {
    const { id, path } = await paidPaymentWithRefund();
    const rows = await h.store.listHistory(id);
    const target = rows[3];
    const db = new Database(path);
    db.prepare("UPDATE history SET data = '{\"type\":\"FORGED\"}' WHERE seq = ?").run(target?.seq);
    const changed = output();
    expect(await verifyAllChains(h.store, changed.io)).toBe(1);
    expect(changed.lines.join('')).toContain(`broken: ${id} at history seq ${target?.seq} (hash_mismatch)`);

    db.prepare("UPDATE history SET data = ? WHERE seq = ?").run(JSON.stringify(target?.data), target?.seq);
    expect(verifyChain(await h.store.listHistory(id))).toBeNull();
    db.prepare('DELETE FROM history WHERE seq = ?').run(rows[2]?.seq);
    db.close();
    expect(verifyChain(await h.store.listHistory(id))).toEqual({ paymentId: id, seq: rows[3]?.seq, reason: 'link_mismatch' });
  });
});
