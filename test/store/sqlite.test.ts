import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations/index.js';
import { SqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite/index.js';
import type { AggregateUpdate, PaymentRecord, Store } from '../../src/store/types.js';
import { runStoreConformance, type StoreHandle } from './conformance.js';
import { T0, payment, refund } from './fixtures.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'railyard-store-'));
}

async function fileStore(): Promise<StoreHandle> {
  const dir = tempDir();
  const store = new SqliteStore({ path: join(dir, 'railyard.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

runStoreConformance('sqlite (file)', fileStore);

runStoreConformance(
  'sqlite (:memory:)',
  async () => {
    const store = new SqliteStore({ path: ':memory:' });
    return { store, cleanup: () => store.close() };
  },
  { isolatedReads: false },
);

/** One read-modify-write of the payment's version with a pause inside, as the runner does. */
async function bumpVersion(store: Store, id: string): Promise<void> {
  await store.transaction(async (tx) => {
    const p = await tx.lockPayment(id);
    if (!p) throw new Error(`missing ${id}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
    const u: AggregateUpdate = { ...p, version: p.version + 1, updatedAt: p.updatedAt + 1 };
    await tx.updatePayment(id, u);
  });
}

describe('SqliteStore on a shared file', () => {
  let dir: string;
  let path: string;
  const opened: SqliteStore[] = [];

  function open(options: Omit<SqliteStoreOptions, 'path'> = {}): SqliteStore {
    const store = new SqliteStore({ path, ...options });
    opened.push(store);
    return store;
  }

  beforeEach(() => {
    dir = tempDir();
    path = join(dir, 'railyard.db');
  });

  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function seeded(store: Store): Promise<PaymentRecord> {
    await store.migrate();
    const p = payment();
    await store.transaction((tx) => tx.insertPayment(p));
    return p;
  }

  it('uses WAL and enforces foreign keys', async () => {
    const store = open();
    await store.migrate();
    const probe = new Database(path, { readonly: true });
    try {
      expect(probe.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      probe.close();
    }
    await expect(store.transaction((tx) => tx.insertRefund(refund(payment())))).rejects.toThrow(/FOREIGN KEY/);
  });

  it('two instances (like two processes) serialise their transactions without SQLITE_BUSY or lost updates', async () => {
    const a = open();
    const b = open();
    const p = await seeded(a);
    const rounds = 25;
    const results = await Promise.allSettled(
      Array.from({ length: rounds }, () => [bumpVersion(a, p.id), bumpVersion(b, p.id)]).flat(),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await a.getPayment(p.id))?.version).toBe(1 + 2 * rounds);
    expect((await b.getPayment(p.id))?.version).toBe(1 + 2 * rounds);
  });

  it('several processes on one file serialise their transactions', async () => {
    const store = open();
    const p = await seeded(store);
    const worker = fileURLToPath(new URL('./sqlite-worker.ts', import.meta.url));
    const perProcess = 20;
    const run = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', worker, path, p.id, String(perProcess)], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const [first, second] = await Promise.all([run(), run(), bumpVersion(store, p.id)]);
    expect(first).toEqual({ code: 0, stderr: '' });
    expect(second).toEqual({ code: 0, stderr: '' });
    expect((await store.getPayment(p.id))?.version).toBe(1 + 2 * perProcess + 1);
  });

  it('two instances migrating at once apply each migration once', async () => {
    const a = open();
    const b = open();
    await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
    const probe = new Database(path, { readonly: true });
    try {
      const versions = probe.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
      expect(versions).toEqual(migrations.map((m) => m.version));
    } finally {
      probe.close();
    }
  });


  it('close() waits for a running transaction to finish', async () => {
    const store = open();
    const p = await seeded(store);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const running = store.transaction(async (tx) => {
      await gate;
      await tx.updatePayment(p.id, { ...p, version: 2, updatedAt: T0 + 1 });
    });
    const closing = store.close();
    release();
    await expect(running).resolves.toBeUndefined();
    await closing;
    const probe = new Database(path, { readonly: true });
    try {
      expect(probe.prepare('SELECT version FROM payments WHERE id = ?').pluck().get(p.id)).toBe(2);
    } finally {
      probe.close();
    }
  });

  describe('group commit (transactions of one event-loop turn share a COMMIT)', () => {
    const versionOnDisk = (id: string): unknown => {
      const probe = new Database(path, { readonly: true });
      try {
        return probe.prepare('SELECT version FROM payments WHERE id = ?').pluck().get(id) ?? null;
      } finally {
        probe.close();
      }
    };

    it('a failing transaction rolls back alone; its batch-mates commit and see each other in order', async () => {
      const store = open();
      const p = await seeded(store);
      const q = payment();
      const seen: number[] = [];
      const results = await Promise.allSettled([
        store.transaction((tx) => tx.updatePayment(p.id, { ...p, version: 2, updatedAt: T0 + 1 })),
        store.transaction(async (tx) => {
          await tx.insertPayment(q);
          throw new Error('business rule refused it');
        }),
        store.transaction(async (tx) => {
          seen.push((await tx.lockPayment(p.id))?.version ?? -1);
          await tx.updatePayment(p.id, { ...p, version: 3, updatedAt: T0 + 2 });
        }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(seen).toEqual([2]);
      expect(versionOnDisk(p.id)).toBe(3);
      expect(await store.getPayment(q.id)).toBeNull();
    });

    it('a statement error inside one transaction does not poison the others', async () => {
      const store = open();
      const p = await seeded(store);
      const results = await Promise.allSettled([
        store.transaction((tx) => tx.insertPayment(p)), // duplicate key
        store.transaction((tx) => tx.updatePayment(p.id, { ...p, version: 5, updatedAt: T0 + 1 })),
      ]);
      expect(results[0]?.status).toBe('rejected');
      expect(results[1]?.status).toBe('fulfilled');
      expect(versionOnDisk(p.id)).toBe(5);
    });

    it('a caller hears of success only once another connection can read the write', async () => {
      const store = open();
      const p = await seeded(store);
      const versions = await Promise.all(
        [2, 3, 4].map((v) => store.transaction((tx) => tx.updatePayment(p.id, { ...p, version: v, updatedAt: T0 + v })).then(() => versionOnDisk(p.id))),
      );
      // each caller resolves after the shared COMMIT, so every one of them already sees the last write
      expect(versions).toEqual([4, 4, 4]);
    });

    it('when SQLite ends the whole transaction, batch-mates that ran cleanly are run again and commit', async () => {
      const store = open();
      const p = await seeded(store);
      const results = await Promise.allSettled([
        store.transaction((tx) => tx.updatePayment(p.id, { ...p, version: 7, updatedAt: T0 + 1 })),
        store.sqlTransaction(async (db) => {
          await db.run('ROLLBACK');
          throw new Error('disk I/O error');
        }),
      ]);
      expect(results[0]).toMatchObject({ status: 'fulfilled' });
      expect(results[1]).toMatchObject({ status: 'rejected', reason: { message: 'disk I/O error' } });
      expect(versionOnDisk(p.id)).toBe(7);
    });

    it('without retries, batch-mates that ran cleanly are told they were not committed', async () => {
      const store = open({ conflictRetry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
      const p = await seeded(store);
      const results = await Promise.allSettled([
        store.transaction((tx) => tx.updatePayment(p.id, { ...p, version: 7, updatedAt: T0 + 1 })),
        // stands in for an I/O or disk-full error, after which SQLite rolls back by itself
        store.sqlTransaction(async (db) => {
          await db.run('ROLLBACK');
          throw new Error('disk I/O error');
        }),
      ]);
      expect(results[0]).toMatchObject({ status: 'rejected', reason: { name: 'BatchAborted' } });
      expect(results[1]).toMatchObject({ status: 'rejected', reason: { message: 'disk I/O error' } });
      expect(versionOnDisk(p.id)).toBe(1);
      // the store carries on
      await store.transaction((tx) => tx.updatePayment(p.id, { ...p, version: 8, updatedAt: T0 + 2 }));
      expect(versionOnDisk(p.id)).toBe(8);
    });
  });
});
