import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { auditCommand, verifyAllChains } from '../../src/cli/audit.js';
import { loadOrCreateSandboxAudit } from '../../src/config-audit.js';
import { createHarness, type Harness } from '../../src/connector/testing.js';
import { AuditKeyring, GENESIS, headMac, legacyHash, verifyChain } from '../../src/store/audit-chain.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import type { HistoryRecord } from '../../src/store/types.js';
import { collectHeads, readCheckpoint, signCheckpoint, startCheckpointer } from '../../src/trust/audit-checkpoint.js';
import { TrustedCertificate } from '../../src/trust/certificate.js';
import { credentialFromPem } from '../../src/trust/keys.js';
import { createSelfSignedSigningCertificate } from '../../src/trust/self-signed.js';
import { createSandboxConnector } from '../../connectors/sandbox/index.js';
import { openssl } from '../trust/pki.js';

const KEYS = new AuditKeyring('a1', [{ id: 'a1', key: Buffer.alloc(32, 1) }]);

let dir: string;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function paidPaymentWithRefund(keys: AuditKeyring = KEYS, dataDir?: string): Promise<{ id: string; path: string; rows: HistoryRecord[] }> {
  dir = dataDir ?? mkdtempSync(join(tmpdir(), 'railyard-audit-'));
  const path = join(dir, 'railyard.db');
  h = await createHarness({ newConnector: createSandboxConnector, store: new SqliteStore({ path, auditKeys: keys }) });
  const p = await h.pay({ payment_method: { type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2031 } }, confirmation: 'none' });
  await h.settle(p.id);
  await h.engine.payments.refund(h.merchant, p.id, { amount: 100 });
  await h.engine.drain();
  return { id: p.id, path, rows: await h.store.listHistory(p.id) };
}

const output = () => {
  const lines: string[] = [];
  return { io: { stdout: (s: string) => void lines.push(s), stderr: (s: string) => void lines.push(s) }, text: () => lines.join('') };
};

async function verify(keys: AuditKeyring = KEYS, checkpoint?: Parameters<typeof verifyAllChains>[3]): Promise<{ code: number; text: string }> {
  const out = output();
  const code = await verifyAllChains(h!.store, keys, out.io, checkpoint);
  return { code, text: out.text() };
}

/** What an attacker without the audit key can do: recompute every hash after `fromSeq` with plain SHA-256. */
function rehashFrom(db: Database.Database, paymentId: string, fromSeq: number): void {
  const rows = db.prepare('SELECT * FROM history WHERE payment_id = ? ORDER BY seq').all(paymentId) as Record<string, unknown>[];
  let prev = GENESIS;
  for (const r of rows) {
    const rec: HistoryRecord = {
      paymentId: String(r['payment_id']),
      aggregateId: String(r['aggregate_id']),
      at: Number(r['at']),
      kind: r['kind'] as HistoryRecord['kind'],
      fromState: (r['from_state'] as string | null) ?? null,
      toState: (r['to_state'] as string | null) ?? null,
      data: JSON.parse(String(r['data'])),
    };
    if (Number(r['seq']) >= fromSeq) {
      const hash = legacyHash(prev, rec);
      db.prepare('UPDATE history SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, hash, r['seq']);
      prev = hash;
    } else prev = String(r['hash']);
  }
}

describe('keyed audit chain', () => {
  it('keys every row (refund rows included), numbers its position and keeps the head on the payment row', async () => {
    const { id, rows } = await paidPaymentWithRefund();
    expect(rows.length).toBeGreaterThan(6);
    expect(rows[0]?.prevHash).toBe(GENESIS);
    rows.forEach((r, i) => {
      expect(r.chainIndex).toBe(i + 1);
      expect(r.keyId).toBe('a1');
      if (i > 0) expect(r.prevHash).toBe(rows[i - 1]?.hash);
    });
    expect(rows.some((r) => r.aggregateId.startsWith('re_'))).toBe(true);
    const [head] = await h!.store.listAuditHeads(null, 10);
    expect(head).toMatchObject({ paymentId: id, count: rows.length, hash: rows[rows.length - 1]?.hash, keyId: 'a1' });
    // a plain SHA-256 recomputation is not the stored hash: the key is needed
    expect(rows[0]?.hash).not.toBe(legacyHash(GENESIS, rows[0]!));
    const r = await verify();
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/1 payments, \d+ history rows checked: every chain holds/);
  });

  it('names an edited row, and the rows re-hashed after it without the key', async () => {
    const { id, path, rows } = await paidPaymentWithRefund();
    const db = new Database(path);
    db.prepare('UPDATE history SET data = ? WHERE seq = ?').run('{"type":"FORGED"}', rows[3]?.seq);
    let r = await verify();
    expect(r.code).toBe(1);
    expect(r.text).toContain(`tampered: ${id} seq ${rows[3]?.seq} edited`);
    rehashFrom(db, id, rows[3]!.seq!);
    db.close();
    r = await verify();
    expect(r.code).toBe(1);
    expect(r.text).toContain(`tampered: ${id} seq ${rows[3]?.seq} edited`);
    expect(r.text).toContain(`tampered: ${id} seq ${rows[4]?.seq} rehashed`);
    expect(r.text).toContain(`tampered: ${id} seq ${rows[rows.length - 1]?.seq} rehashed`);
  });

  it('names a row whose hash alone was replaced as rehashed', async () => {
    const { id, path, rows } = await paidPaymentWithRefund();
    const db = new Database(path);
    db.prepare('UPDATE history SET hash = ? WHERE seq = ?').run('f'.repeat(64), rows[2]?.seq);
    db.close();
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.text).toContain(`tampered: ${id} seq ${rows[2]?.seq} rehashed`);
  });

  it('names a deleted row in the middle', async () => {
    const { id, path, rows } = await paidPaymentWithRefund();
    const db = new Database(path);
    db.prepare('DELETE FROM history WHERE seq = ?').run(rows[2]?.seq);
    db.close();
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.text).toContain(`tampered: ${id} seq ${rows[3]?.seq} deleted: 1 row(s) missing before position 4`);
  });

  it('names an inserted row (a forged copy slipped between two genuine ones)', async () => {
    const { id, path, rows } = await paidPaymentWithRefund();
    const db = new Database(path);
    const at = rows[3]!.seq!;
    db.prepare('UPDATE history SET seq = seq + 1000 WHERE seq >= ?').run(at);
    db.prepare(
      `INSERT INTO history (seq, payment_id, aggregate_id, at, kind, from_state, to_state, data, prev_hash, hash, chain_index, key_id)
       VALUES (?, ?, ?, ?, 'note', NULL, NULL, '{"type":"INJECTED"}', ?, ?, 4, 'a1')`,
    ).run(at, id, id, rows[3]!.at, rows[2]!.hash, 'a'.repeat(64));
    db.close();
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.text).toContain(`tampered: ${id} seq ${at} inserted`);
    // the genuine rows around it are not blamed
    expect(r.text.match(/tampered:/g)?.length).toBe(1);
  });

  it('names reordered rows', async () => {
    const { id, path, rows } = await paidPaymentWithRefund();
    const db = new Database(path);
    const [a, b] = [rows[2]!.seq!, rows[3]!.seq!];
    db.prepare('UPDATE history SET seq = -1 WHERE seq = ?').run(a);
    db.prepare('UPDATE history SET seq = ? WHERE seq = ?').run(a, b);
    db.prepare('UPDATE history SET seq = ? WHERE seq = -1').run(b);
    db.close();
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.text).toContain(`tampered: ${id} seq ${a} reordered: position 4 comes before position 3`);
    expect(r.text).toContain(`tampered: ${id} seq ${b} reordered: position 3 comes after position 4`);
    expect(r.text).not.toContain('deleted');
  });

  it('names a tail cut against the head on the payment row', async () => {
    const { id, path, rows } = await paidPaymentWithRefund();
    const db = new Database(path);
    db.prepare('DELETE FROM history WHERE seq >= ?').run(rows[rows.length - 2]?.seq);
    db.close();
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.text).toContain(`tampered: ${id} seq - truncated: the head says ${rows.length} rows, the chain ends at ${rows.length - 2}`);
  });

  it('names a head moved back without the key', async () => {
    const { id, path, rows } = await paidPaymentWithRefund();
    const db = new Database(path);
    db.prepare('DELETE FROM history WHERE seq = ?').run(rows[rows.length - 1]?.seq);
    db.prepare('UPDATE payments SET audit_count = ?, audit_hash = ? WHERE id = ?').run(rows.length - 1, rows[rows.length - 2]?.hash, id);
    db.close();
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.text).toContain(`tampered: ${id} seq - head_forged`);
  });

  it('names rows under a key that is not configured', async () => {
    const { id } = await paidPaymentWithRefund();
    const other = new AuditKeyring('b2', [{ id: 'b2', key: Buffer.alloc(32, 2) }]);
    const r = await verify(other);
    expect(r.code).toBe(1);
    expect(r.text).toContain(`tampered: ${id} seq`);
    expect(r.text).toContain('unknown_key: row signed with audit key "a1"');
  });

  it('keeps verifying rows under a retired key after rotation', async () => {
    const { id } = await paidPaymentWithRefund();
    const rotated = new AuditKeyring('b2', [
      { id: 'a1', key: Buffer.alloc(32, 1) },
      { id: 'b2', key: Buffer.alloc(32, 2) },
    ]);
    expect((await verify(rotated)).code).toBe(0);
    // a new row after the rotation is signed with the new key and links on
    const store = new SqliteStore({ path: join(dir, 'railyard.db'), auditKeys: rotated });
    await store.transaction((tx) => tx.appendHistory({ paymentId: id, aggregateId: id, at: 1, kind: 'note', fromState: null, toState: null, data: { type: 'ROTATED' } }));
    const rows = await store.listHistory(id);
    expect(rows[rows.length - 1]?.keyId).toBe('b2');
    const [head] = await store.listAuditHeads(null, 1);
    expect(verifyChain(rows, head!, rotated).findings).toEqual([]);
    await store.close();
  });
});

describe('legacy rows (migration 3, before keyed chains)', () => {
  async function legacyPayment(): Promise<{ id: string; path: string; store: SqliteStore }> {
    const { id, path } = await paidPaymentWithRefund();
    await h!.close();
    h = undefined;
    // Rewrite the payment as migration 11 found it: SHA-256 links, no key, boundary recorded.
    const db = new Database(path);
    db.prepare('UPDATE history SET key_id = NULL, chain_index = NULL WHERE payment_id = ?').run(id);
    rehashFrom(db, id, 0);
    const n = (db.prepare('SELECT COUNT(*) AS n FROM history WHERE payment_id = ?').get(id) as { n: number }).n;
    db.prepare('UPDATE payments SET audit_count = NULL, audit_hash = NULL, audit_mac = NULL, audit_key_id = NULL, audit_legacy_count = ? WHERE id = ?').run(n, id);
    db.close();
    const store = new SqliteStore({ path, auditKeys: KEYS });
    await store.transaction((tx) => tx.appendHistory({ paymentId: id, aggregateId: id, at: 2, kind: 'note', fromState: null, toState: null, data: { type: 'AFTER_UPGRADE' } }));
    return { id, path, store };
  }

  it('verifies them with their SHA-256 links, and the first keyed row seals them', async () => {
    const { id, path, store } = await legacyPayment();
    const rows = await store.listHistory(id);
    const last = rows[rows.length - 1]!;
    expect(last.chainIndex).toBe(rows.length);
    expect(last.prevHash).toBe(rows[rows.length - 2]?.hash);
    const out = output();
    expect(await verifyAllChains(store, KEYS, out.io)).toBe(0);
    expect(out.text()).toContain(`${rows.length - 1} legacy rows`);

    // a legacy row edited and the legacy chain recomputed: the keyed row's link gives it away
    const db = new Database(path);
    db.prepare('UPDATE history SET data = ? WHERE seq = ?').run('{"type":"FORGED"}', rows[1]?.seq);
    rehashFrom(db, id, rows[1]!.seq!);
    db.prepare('UPDATE history SET prev_hash = ?, hash = ? WHERE seq = ?').run(last.prevHash, last.hash, last.seq); // the keyed row as it was
    db.close();
    const after = output();
    expect(await verifyAllChains(store, KEYS, after.io)).toBe(1);
    expect(after.text()).toContain(`tampered: ${id} seq ${last.seq} rehashed: the legacy rows before position ${last.chainIndex}`);
    await store.close();
  });
});

describe('signed checkpoints', () => {
  it('catch a tail cut with the head restored from an older copy, which the row head alone cannot', async () => {
    const pem = await createSelfSignedSigningCertificate('Railyard Test Signing');
    const signer = credentialFromPem(pem.certificatePem, pem.privateKeyPem, { purpose: 'sign' });
    const cert = TrustedCertificate.fromPem(pem.certificatePem);
    const { id, path, rows } = await paidPaymentWithRefund();
    const n = rows.length;
    const file = await signCheckpoint(await collectHeads(h!.store, new Date()), signer);
    const checkpointPath = join(dir, 'cp.json');
    writeFileSync(checkpointPath, JSON.stringify(file));
    const doc = await readCheckpoint(readFileSync(checkpointPath, 'utf8'), cert);
    expect(doc.heads).toEqual([[id, n, rows[n - 1]?.hash]]);

    // The attacker cuts the last row and puts back the head the payment row had before it was
    // appended (as an old copy of the database holds it; computed here with the key to stand in for that copy).
    const prevHash = rows[n - 2]!.hash!;
    const db = new Database(path);
    db.prepare('DELETE FROM history WHERE seq = ?').run(rows[n - 1]?.seq);
    db.prepare('UPDATE payments SET audit_count = ?, audit_hash = ?, audit_mac = ? WHERE id = ?').run(n - 1, prevHash, headMac(KEYS, 'a1', id, n - 1, prevHash), id);
    db.close();

    expect((await verify()).code).toBe(0); // an old head restored is consistent on its own
    const withCp = await verify(KEYS, doc);
    expect(withCp.code).toBe(1);
    expect(withCp.text).toContain(`tampered: ${id} seq - truncated: the checkpoint of ${doc.created_at} recorded ${n} rows, the chain now ends at ${n - 1}`);
  });

  it('name a chain rewritten up to the checkpointed head, and a deleted payment', async () => {
    const { id, path, rows } = await paidPaymentWithRefund();
    const doc = await collectHeads(h!.store, new Date());
    const db = new Database(path);
    db.prepare('UPDATE history SET hash = ? WHERE seq = ?').run('e'.repeat(64), rows[rows.length - 1]?.seq);
    db.close();
    expect((await verify(KEYS, doc)).text).toContain(`tampered: ${id} seq - rewritten`);
    const gone = await verify(KEYS, { ...doc, heads: [...doc.heads, ['pay_gone', 4, 'ab']] });
    expect(gone.text).toContain('tampered: pay_gone seq - payment_deleted');
  });

  it('are written periodically into the checkpoint directory', async () => {
    const pem = await createSelfSignedSigningCertificate('Railyard Test Signing');
    const signer = credentialFromPem(pem.certificatePem, pem.privateKeyPem, { purpose: 'sign' });
    const { id, rows } = await paidPaymentWithRefund();
    const cpDir = join(dir, 'checkpoints');
    const written: string[] = [];
    const cp = startCheckpointer({ store: h!.store, signer, dir: cpDir, intervalMs: 30, now: () => new Date(), onError: (e) => { throw e; }, onWritten: (p) => void written.push(p) });
    try {
      for (let i = 0; i < 100 && written.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      cp.stop();
    }
    expect(written.length).toBeGreaterThan(0);
    expect(readdirSync(cpDir).some((f) => /^checkpoint-.*\.json$/.test(f))).toBe(true);
    const doc = await readCheckpoint(readFileSync(written[0]!, 'utf8'), TrustedCertificate.fromPem(pem.certificatePem));
    expect(doc.heads).toEqual([[id, rows.length, rows[rows.length - 1]?.hash]]);
  });

  it('refuse a checkpoint whose document was changed, or signed by another key', async () => {
    dir = mkdtempSync(join(tmpdir(), 'railyard-audit-'));
    const pem = await createSelfSignedSigningCertificate('Railyard Test Signing');
    const signer = credentialFromPem(pem.certificatePem, pem.privateKeyPem, { purpose: 'sign' });
    const cert = TrustedCertificate.fromPem(pem.certificatePem);
    const file = await signCheckpoint({ format: 'railyard-audit-checkpoint/1', created_at: new Date().toISOString(), heads: [['pay_1', 3, 'ab']] }, signer);
    await expect(readCheckpoint(JSON.stringify(file), cert)).resolves.toMatchObject({ heads: [['pay_1', 3, 'ab']] });
    // OpenSSL with only the certificate checks it too (the command docs/operations.md gives)
    writeFileSync(join(dir, 'doc.json'), file.document);
    writeFileSync(join(dir, 'sig.der'), Buffer.from(file.signature, 'base64'));
    writeFileSync(join(dir, 'signing.pem'), pem.certificatePem);
    openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'doc.json'), '-CAfile', join(dir, 'signing.pem'), '-purpose', 'any', '-out', join(dir, 'out.json')]);
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).toBe(file.document);
    const forged = { ...file, document: file.document.replace('"pay_1",3', '"pay_1",2') };
    await expect(readCheckpoint(JSON.stringify(forged), cert)).rejects.toThrow(/signature does not verify/);
    const other = await createSelfSignedSigningCertificate('Someone Else');
    await expect(readCheckpoint(JSON.stringify(file), TrustedCertificate.fromPem(other.certificatePem))).rejects.toThrow(/signature does not verify/);
    await expect(readCheckpoint('{"format":"x"}', cert)).rejects.toThrow(/not a railyard-audit-checkpoint/);
  });

  it('railyard audit checkpoint / verify --checkpoint on a sandbox data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'railyard-audit-cli-'));
    const { id, path, rows } = await paidPaymentWithRefund(loadOrCreateSandboxAudit(dataDir).keys, dataDir);
    await h!.close();
    h = undefined;
    const env = { RAILYARD_DATA_DIR: dataDir, RAILYARD_SANDBOX_RAILS: 'inprocess' };
    const cpFile = join(dataDir, 'cp.json');
    const made = output();
    expect(await auditCommand(['checkpoint', '--out', cpFile], made.io, env)).toBe(0);
    expect(made.text()).toMatch(/written to .*audit-checkpoints\/checkpoint-.*\.json and .*cp\.json/);
    const ok = output();
    expect(await auditCommand(['verify', '--checkpoint', cpFile], ok.io, env)).toBe(0);
    expect(ok.text()).toContain('every chain holds');

    const db = new Database(path);
    db.prepare('DELETE FROM history WHERE seq >= ?').run(rows[rows.length - 2]?.seq);
    db.close();
    const cut = output();
    expect(await auditCommand(['verify', '--checkpoint', cpFile], cut.io, env)).toBe(1);
    expect(cut.text()).toContain(`tampered: ${id} seq - truncated: the head says`);
    expect(cut.text()).toContain(`tampered: ${id} seq - truncated: the checkpoint of`);

    const usage = output();
    expect(await auditCommand(['verify', '--checkpoint'], usage.io, env)).toBe(2);
    expect(await auditCommand(['verify', '--checkpoint', join(dataDir, 'missing.json')], usage.io, env)).toBe(2);
  });
});

describe('migration 11 on a database with history rows', () => {
  it('records the legacy boundary per payment; the old rows verify as legacy and the next append continues the chain', async () => {
    const { applySqliteMigrations } = await import('../../src/store/sqlite/migrate.js');
    const { migrations } = await import('../../src/store/migrations/index.js');
    const { PAYMENT_COLUMNS, encodePayment, placeholders } = await import('../../src/store/sql/codec.js');
    const { payment } = await import('./fixtures.js');
    dir = mkdtempSync(join(tmpdir(), 'railyard-audit-mig-'));
    const path = join(dir, 'railyard.db');
    const db = new Database(path);
    applySqliteMigrations(db, 1, migrations.filter((m) => m.version < 11));
    const p = payment();
    db.prepare(`INSERT INTO payments (${PAYMENT_COLUMNS}) VALUES (${placeholders(18)})`).run(...encodePayment(p));
    let prev = GENESIS;
    for (let i = 0; i < 3; i++) {
      const h: HistoryRecord = { paymentId: p.id, aggregateId: p.id, at: 1000 + i, kind: 'note', fromState: null, toState: null, data: { i } };
      const hash = legacyHash(prev, h);
      db.prepare('INSERT INTO history (payment_id, aggregate_id, at, kind, from_state, to_state, data, prev_hash, hash) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?)').run(p.id, p.id, h.at, h.kind, JSON.stringify(h.data), prev, hash);
      prev = hash;
    }
    db.close();

    const store = new SqliteStore({ path, auditKeys: KEYS });
    try {
      await store.migrate();
      const [head] = await store.listAuditHeads(null, 10);
      expect(head).toMatchObject({ paymentId: p.id, count: null, legacyCount: 3 });
      const before = output();
      expect(await verifyAllChains(store, KEYS, before.io)).toBe(0);
      expect(before.text()).toContain('3 legacy rows');
      await store.transaction((tx) => tx.appendHistory({ paymentId: p.id, aggregateId: p.id, at: 2000, kind: 'note', fromState: null, toState: null, data: { after: true } }));
      const rows = await store.listHistory(p.id);
      expect(rows[3]).toMatchObject({ chainIndex: 4, keyId: 'a1', prevHash: prev });
      expect((await verifyAllChains(store, KEYS, output().io))).toBe(0);
    } finally {
      await store.close();
    }
  });
});
